import { EventEmitter } from 'node:events';
import type { AppFaultData } from '../../evidence/types.ts';
import { childLog } from '../../log.ts';
import type { Device, DeviceProcess } from '../device.ts';
import { FaultDetector } from '../parse/faults.ts';
import { LineSplitter, parseBufferMark, parseLogcatLine, type LogcatLine } from '../parse/logcat.ts';
import { pidof } from './activity.ts';

export interface LogcatOptions {
  /** Packages whose lines, crashes and ANRs are reported; empty: every process. */
  packages?: readonly string[];
  /** Log buffers to read; the crash buffer holds Java crashes and tombstone lines on Android 5+. */
  buffers?: readonly string[];
  /** Device wall clock (epoch ms) to read from; default: the device's clock now, so old crashes stay out. */
  since?: number;
  /** Quiet time after which an unfinished crash/ANR record is considered complete. */
  idleMs?: number;
  /** Bound on starting the stream (reading it is unbounded until `stop()`). */
  timeoutMs?: number;
}

export interface LogcatEvents {
  /** A line of one of the packages' processes (all lines when no package was given). */
  line: [LogcatLine];
  fault: [AppFaultData];
  /** The stream ended: `null` after `stop()`, otherwise why (device gone, logcat exited). */
  end: [reason: string | null];
}

const DEFAULT_BUFFERS = ['main', 'system', 'crash'] as const;

/** `Start proc 4123:com.x/u0a95 for activity {…}` (ActivityManager, every Android since 4). */
const START_PROC = /^Start proc (\d+):([^/\s]+)\//;

/**
 * A running `logcat` on a device, filtered to an app and watching it for crashes and ANRs. The device
 * reads every line of the chosen buffers and the filter is on this side: an app's pid changes when it
 * restarts, and crash and ANR records are written by other processes (crash_dump, system_server), so
 * `logcat --pid` would miss exactly the lines that matter.
 */
export class LogcatStream extends EventEmitter<LogcatEvents> {
  /** Process ids of the packages seen so far (from `pidof` at start and `Start proc` lines). */
  readonly pids = new Set<number>();
  /** Every crash and ANR reported so far. */
  readonly faults: AppFaultData[] = [];
  /**
   * Device clock minus host clock (ms) when the stream started; 0 within ±2 s, which whole-second
   * `date +%s` cannot tell apart from no skew. Subtract it from `deviceTime` to get host time.
   */
  skewMs = 0;
  readonly #packages: ReadonlySet<string>;
  readonly #detector: FaultDetector;
  readonly #idleMs: number;
  #idle: NodeJS.Timeout | undefined;
  #process: DeviceProcess | undefined;
  #reader: { cancel(): Promise<void> } | undefined;
  #stopped = false;
  #ended: Promise<void> = Promise.resolve();
  #endReason: string | null | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(packages: readonly string[], idleMs: number) {
    super();
    this.#packages = new Set(packages);
    this.#idleMs = idleMs;
    this.#detector = new FaultDetector((f) => this.#fault(f));
  }

  /** Whether the stream has ended (stopped, or the device/logcat went away). */
  get ended(): boolean {
    return this.#endReason !== undefined;
  }

  /** @internal — called by `streamLogcat`. */
  attach(process: DeviceProcess): void {
    this.#process = process;
    this.#ended = this.#read(process);
  }

  /** Stops reading; a crash record still being assembled is reported first. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      await this.#process
        ?.kill()
        .catch((err: unknown) =>
          childLog({ op: 'logcat' }).debug({ err: String(err) }, 'logcat stream already closed'),
        );
      // A daemon that does not answer our CLSE with its own (old sims did not) would leave the read
      // pending: end the read here.
      await this.#reader
        ?.cancel()
        .catch((err: unknown) =>
          childLog({ op: 'logcat' }).debug({ err: String(err) }, 'logcat reader already closed'),
        );
    }
    await this.#ended;
  }

  /** Crashes and ANRs as they are found, until the stream ends. */
  async *[Symbol.asyncIterator](): AsyncGenerator<AppFaultData> {
    let next = 0;
    for (;;) {
      while (next < this.faults.length) yield this.faults[next++] as AppFaultData;
      if (this.ended) return;
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  #wake(): void {
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  #wanted(pid: number): boolean {
    return this.#packages.size === 0 || this.pids.has(pid);
  }

  #fault(f: AppFaultData): void {
    const ours =
      this.#packages.size === 0 ||
      (f.package !== null && this.#packages.has(f.package)) ||
      (f.pid !== null && this.pids.has(f.pid));
    if (!ours) return;
    this.faults.push(f);
    this.emit('fault', f);
    this.#wake();
  }

  #onLine(text: string): void {
    if (!text.trim() || parseBufferMark(text)) return;
    const line = parseLogcatLine(text);
    if (!line) {
      this.#detector.push(text);
      return;
    }
    const start = START_PROC.exec(line.message);
    if (
      start &&
      line.tag === 'ActivityManager' &&
      this.#packages.has((start[2] as string).split(':')[0] ?? '')
    )
      this.pids.add(Number(start[1]));
    this.#detector.push(line);
    if (this.#wanted(line.pid)) this.emit('line', line);
  }

  async #read(process: DeviceProcess): Promise<void> {
    const split = new LineSplitter();
    const reader = process.output.getReader();
    this.#reader = reader;
    let reason: string | null = null;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const l of split.push(value)) this.#onLine(l);
        this.#armIdle();
      }
      for (const l of split.end()) this.#onLine(l);
      if (!this.#stopped) reason = 'logcat exited';
    } catch (err) {
      if (!this.#stopped) reason = `the stream broke: ${(err as Error).message}`;
    } finally {
      reader.releaseLock();
      clearTimeout(this.#idle);
      this.#detector.flush();
      this.#endReason = reason;
      this.emit('end', reason);
      this.#wake();
    }
  }

  #armIdle(): void {
    if (this.#detector.pending === 0) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#detector.flush(), this.#idleMs);
    this.#idle.unref();
  }
}

/** The argv `streamLogcat` runs: threadtime lines with epoch stamps, from `since` (seconds.millis) on. */
export function logcatArgv(buffers: readonly string[], since: number): string[] {
  // One -b per buffer: the comma form needs Android 7.
  return [
    'logcat',
    '-v',
    'threadtime',
    '-v',
    'epoch',
    ...buffers.flatMap((b) => ['-b', b]),
    '-T',
    (since / 1000).toFixed(3),
  ];
}

/** Device wall clock in epoch ms, whole seconds (toybox `date +%s`). */
async function deviceNow(device: Device): Promise<number> {
  const out = await device.run(['date', '+%s'], { timeoutMs: 10_000 });
  const s = Number(out.trim());
  return Number.isFinite(s) && s > 0 ? s * 1000 : Date.now();
}

/**
 * Starts `logcat` on the device and returns the stream (lines of the packages' processes, their crashes
 * and ANRs) once it runs. Stop it with `stop()`; a lost device ends it with a reason (`end` event).
 */
export async function streamLogcat(device: Device, opts: LogcatOptions = {}): Promise<LogcatStream> {
  const packages = opts.packages ?? [];
  const stream = new LogcatStream(packages, opts.idleMs ?? 300);
  for (const pkg of packages) for (const pid of await pidof(device, pkg)) stream.pids.add(pid);
  const before = Date.now();
  const now = await deviceNow(device);
  const host = (before + Date.now()) / 2;
  if (Math.abs(now - host) > 2_000) stream.skewMs = Math.round(now - host);
  const since = opts.since ?? now;
  const argv = logcatArgv(opts.buffers ?? DEFAULT_BUFFERS, since);
  stream.attach(await device.spawn(argv, { timeoutMs: opts.timeoutMs ?? 15_000 }));
  return stream;
}
