import type { AppFaultData } from '../../evidence/types.ts';
import type { LogcatLine } from './logcat.ts';

/**
 * Finds app crashes and ANRs in a stream of logcat lines, as AOSP prints them:
 * - Java crash (RuntimeInit, crash buffer): `E AndroidRuntime: FATAL EXCEPTION: main`, `Process: pkg, PID: n`,
 *   the exception, `\tat …` frames, `Caused by: …` — one message, printed as lines of the crashing pid;
 * - native crash: `F libc: Fatal signal 11 (SIGSEGV), … pid 1234 (pkg)` from the app, then the tombstone
 *   from crash_dump's own pid: `F DEBUG: *** *** ***…`, `pid: 1234, tid: …, name: …  >>> pkg <<<`,
 *   `signal 11 (SIGSEGV) …`, `#00 pc …` — merged into one record by the app's pid;
 * - ANR (system_server): `E ActivityManager: ANR in pkg (pkg/.Act)`, `PID: n`, `Reason: …`, load and CPU lines.
 * A record ends when its process logs something else, on `flush()` (the caller's idle timer) or at the end.
 */
interface Open {
  fault: AppFaultData;
  /** The pid whose lines continue the record. */
  owner: number;
  continues(l: LogcatLine): boolean;
  lines: string[];
}

const FRAME = /^\s*(?:at |Caused by: |\.\.\. \d+ more|#\d+ pc )/;

export class FaultDetector {
  readonly #open = new Map<number, Open>();
  #last: Open | null = null;

  constructor(private readonly emit: (fault: AppFaultData) => void) {}

  /** A parsed line, or the raw text of a line that did not parse (appended to the record it follows). */
  push(line: LogcatLine | string): void {
    if (typeof line === 'string') {
      if (this.#last && line.trim()) this.#add(this.#last, line, line);
      return;
    }
    const current = this.#open.get(line.pid);
    if (current) {
      if (current.continues(line)) {
        this.#add(current, line.message, line.raw);
        return;
      }
      this.#close(line.pid);
    }
    this.#start(line);
  }

  /** Ends every open record (the stream went quiet or stopped). */
  flush(): void {
    for (const pid of [...this.#open.keys()]) this.#close(pid);
  }

  get pending(): number {
    return this.#open.size;
  }

  #start(l: LogcatLine): void {
    const msg = l.message;
    if (l.tag === 'AndroidRuntime' && msg.startsWith('FATAL EXCEPTION')) {
      this.#begin(l, 'crash', false, (n) => n.tag === 'AndroidRuntime');
    } else if (l.tag === 'libc' && /Fatal signal \d+/.test(msg)) {
      const o = this.#begin(l, 'crash', true, () => false);
      const m = /pid (\d+) \(([^)]*)\)\s*$/.exec(msg);
      if (m) {
        o.fault.pid = Number(m[1]);
        o.fault.package = processPackage(m[2] as string);
      }
      o.fault.summary = msg;
    } else if (l.tag === 'DEBUG' && /^\*\*\* \*\*\* \*\*\*/.test(msg)) {
      this.#begin(l, 'crash', true, (n) => n.tag === 'DEBUG');
    } else if (l.tag === 'ActivityManager' && /^ANR in /.test(msg)) {
      const o = this.#begin(l, 'anr', false, (n) => n.tag === 'ActivityManager' && n.level === 'E');
      const m = /^ANR in (\S+)/.exec(msg);
      o.fault.package = processPackage(m?.[1] ?? '');
    }
  }

  #begin(l: LogcatLine, kind: 'crash' | 'anr', native: boolean, continues: (n: LogcatLine) => boolean): Open {
    const o: Open = {
      fault: {
        kind,
        native,
        package: null,
        pid: kind === 'crash' && !native ? l.pid : null,
        deviceTime: l.time,
        summary: '',
        stack: [],
        text: '',
      },
      owner: l.pid,
      continues,
      lines: [l.raw],
    };
    this.#open.set(l.pid, o);
    this.#last = o;
    return o;
  }

  #add(o: Open, message: string, raw: string): void {
    o.lines.push(raw);
    this.#last = o;
    const f = o.fault;
    const msg = message.trim();
    if (FRAME.test(message)) {
      f.stack.push(msg);
      return;
    }
    let m: RegExpExecArray | null;
    if (f.kind === 'anr') {
      if ((m = /^PID: (\d+)/.exec(msg))) f.pid = Number(m[1]);
      else if ((m = /^Reason: (.*)/.exec(msg))) f.summary = m[1] as string;
    } else if (!f.native) {
      if ((m = /^Process: ([^,]+), PID: (\d+)/.exec(msg))) {
        f.package = processPackage(m[1] as string);
        f.pid = Number(m[2]);
      } else if (!f.summary && msg) f.summary = msg;
    } else if ((m = /^pid: (\d+), tid: \d+, name: .*>>> (\S+) <<</.exec(msg))) {
      f.pid = Number(m[1]);
      f.package = processPackage(m[2] as string);
      this.#mergeSignalLine(o);
    } else if (!f.summary && /^signal \d+ /.test(msg)) f.summary = msg;
  }

  /** The tombstone names the crashed pid: fold the app's own `Fatal signal` record into it. */
  #mergeSignalLine(tombstone: Open): void {
    const pid = tombstone.fault.pid;
    if (pid === null) return;
    const signal = this.#open.get(pid);
    if (!signal || signal === tombstone || !signal.fault.native) return;
    this.#open.delete(pid);
    tombstone.lines.unshift(...signal.lines);
    tombstone.fault.summary ||= signal.fault.summary;
    tombstone.fault.deviceTime = signal.fault.deviceTime ?? tombstone.fault.deviceTime;
  }

  #close(pid: number): void {
    const o = this.#open.get(pid);
    if (!o) return;
    this.#open.delete(pid);
    if (this.#last === o) this.#last = null;
    const f = o.fault;
    if (!f.summary) f.summary = o.lines[0] ?? '';
    f.text = o.lines.join('\n');
    this.emit(f);
  }
}

/** `com.x:remote` (a sub-process) belongs to the package `com.x`. */
function processPackage(name: string): string | null {
  const pkg = name.split(':')[0]?.trim();
  return pkg ? pkg : null;
}
