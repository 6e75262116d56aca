import type { Adb } from '@yume-chan/adb';
import fsp from 'node:fs/promises';
import { ConcatBufferStream, ReadableStream } from '@yume-chan/stream-extra';
import { DeviceLost, failure } from '../errors.ts';
import type { DeviceKind } from '../evidence/types.ts';
import { childLog } from '../log.ts';
import { connectAdb, withTimeout, type AdbAddress } from './adb/connect.ts';
import { quoteArgv } from './shell-quote.ts';

/** Sync DATA packets carry at most 64 KiB each. */
const SYNC_CHUNK = 64 * 1024;

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A command started with `spawn`: its raw output (stdout and stderr mixed) as it comes. */
export interface DeviceProcess {
  output: ReadableStream<Uint8Array>;
  /** Settles when the stream has closed (never rejects). */
  exited: Promise<void>;
  kill(): Promise<void>;
}

export interface CallOptions {
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A handle on one device. Every call names its device (no global "current device"), takes argv arrays,
 * has a timeout and is debug-logged. When the transport drops, the handle turns lost and every call —
 * pending or new — fails with DeviceLost.
 */
export class Device {
  readonly #adb: Adb;
  readonly #log;
  #lostReason: string | null = null;
  readonly #lost: Promise<never>;

  private constructor(
    readonly serial: string,
    readonly kind: DeviceKind,
    adb: Adb,
  ) {
    this.#adb = adb;
    this.#log = childLog({ device: serial });
    this.#lost = adb.disconnected.then(() => {
      this.#lostReason ??= 'the connection closed';
      throw new DeviceLost(serial, this.#lostReason);
    });
    // Nobody may be awaiting it when it happens; the rejection is reported through the calls that race it.
    this.#lost.catch(() => undefined);
  }

  static async connect(kind: DeviceKind, address: AdbAddress, timeoutMs = 10_000): Promise<Device> {
    const adb = await connectAdb(address, timeoutMs);
    const serial = address.via === 'daemon' ? `${address.host}:${address.port}` : address.serial;
    return new Device(serial, kind, adb);
  }

  get lost(): boolean {
    return this.#lostReason !== null;
  }

  get features(): readonly string[] {
    return this.#adb.deviceFeatures;
  }

  /** Runs argv in the device shell. A non-zero exit is a result, not an error; check `exitCode`. */
  async shell(
    argv: readonly string[],
    opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<ShellResult> {
    const command = quoteArgv(argv);
    return this.#call(`shell ${command}`, opts.timeoutMs, async () => {
      const v2 = this.#adb.subprocess.shellProtocol;
      if (v2?.isSupported) return v2.spawnWaitText([command]);
      // Without shell v2 there is no exit code channel: append one to the output and strip it.
      const marker = `__appwarden_exit_${Date.now().toString(36)}`;
      const out = await this.#adb.subprocess.noneProtocol.spawnWaitText([`${command}; echo ${marker}$?`]);
      const m = out.match(new RegExp(`${marker}(\\d+)\\s*$`));
      return { stdout: m ? out.slice(0, m.index) : out, stderr: '', exitCode: m ? Number(m[1]) : -1 };
    });
  }

  /** Like shell, but fails unless the command exits 0; returns stdout. */
  async run(argv: readonly string[], opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS }): Promise<string> {
    const r = await this.shell(argv, opts);
    if (r.exitCode !== 0) {
      const reason = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] || `exit code ${r.exitCode}`;
      throw failure('run', `'${argv.join(' ')}' on ${this.serial}`, reason);
    }
    return r.stdout;
  }

  /** Binary-safe output of a command (`exec:`), e.g. `screencap -p`. */
  async execOut(
    argv: readonly string[],
    opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<Buffer> {
    const command = quoteArgv(argv);
    return this.#call(`exec-out ${command}`, opts.timeoutMs, async () => {
      const proc = await this.#adb.subprocess.noneProtocol.spawn([command]);
      const bytes = await proc.output.pipeThrough(new ConcatBufferStream());
      return Buffer.from(bytes);
    });
  }

  /**
   * Starts a long-running command (`exec:`, raw bytes, e.g. `logcat`) and returns at once: only opening the
   * stream is bounded by the timeout. `output` ends when the command exits or the device goes away; `kill()`
   * closes the stream (adbd then ends the command).
   */
  async spawn(
    argv: readonly string[],
    opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<DeviceProcess> {
    const command = quoteArgv(argv);
    const proc = await this.#call(`spawn ${command}`, opts.timeoutMs, () =>
      this.#adb.subprocess.noneProtocol.spawn([command]),
    );
    return {
      output: proc.output,
      exited: Promise.resolve(proc.exited).then(
        () => undefined,
        (err: unknown) =>
          this.#log.debug({ command, err: String(err) }, 'spawned command ended with an error'),
      ),
      kill: async () => {
        await proc.kill();
      },
    };
  }

  async push(
    bytes: Uint8Array,
    remotePath: string,
    opts: CallOptions & { mode?: number } = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<void> {
    await this.#write(
      `push ${bytes.length} bytes to ${remotePath}`,
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += SYNC_CHUNK)
            controller.enqueue(bytes.subarray(i, i + SYNC_CHUNK));
          controller.close();
        },
      }),
      remotePath,
      opts,
    );
  }

  /** Pushes a host file as it is read (an OBB or an APK may be gigabytes: never held in memory whole). */
  async pushFile(
    localPath: string,
    remotePath: string,
    opts: CallOptions & { mode?: number } = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<void> {
    const file = await fsp.open(localPath, 'r');
    try {
      const { size } = await file.stat();
      await this.#write(
        `push ${localPath} (${size} bytes) to ${remotePath}`,
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            const chunk = Buffer.allocUnsafe(SYNC_CHUNK);
            const { bytesRead } = await file.read(chunk, 0, SYNC_CHUNK, null);
            if (bytesRead === 0) controller.close();
            else controller.enqueue(chunk.subarray(0, bytesRead));
          },
        }),
        remotePath,
        opts,
      );
    } finally {
      await file.close();
    }
  }

  async #write(
    what: string,
    file: ReadableStream<Uint8Array>,
    remotePath: string,
    opts: CallOptions & { mode?: number },
  ): Promise<void> {
    await this.#call(what, opts.timeoutMs, async () => {
      const sync = await this.#adb.sync();
      try {
        await sync.write({
          filename: remotePath,
          file,
          permission: opts.mode ?? 0o644,
          mtime: Math.floor(Date.now() / 1000),
        });
      } finally {
        await sync.dispose();
      }
    });
  }

  async pull(remotePath: string, opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS }): Promise<Buffer> {
    return this.#call(`pull ${remotePath}`, opts.timeoutMs, async () => {
      const sync = await this.#adb.sync();
      try {
        return Buffer.from(await sync.read(remotePath).pipeThrough(new ConcatBufferStream()));
      } finally {
        await sync.dispose();
      }
    });
  }

  /** `adb reverse`: the device's `remote` (e.g. tcp:8080) reaches the host's `local` (e.g. tcp:41234). */
  async reverse(
    remote: string,
    local: string,
    opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS },
  ): Promise<void> {
    await this.#call(`reverse ${remote} ${local}`, opts.timeoutMs, async () => {
      await this.#adb.reverse.addExternal(remote, local);
    });
  }

  async removeReverse(remote: string, opts: CallOptions = { timeoutMs: DEFAULT_TIMEOUT_MS }): Promise<void> {
    await this.#call(`reverse --remove ${remote}`, opts.timeoutMs, async () => {
      await this.#adb.reverse.remove(remote);
    });
  }

  async close(): Promise<void> {
    const wasLost = this.#lostReason !== null;
    this.#lostReason ??= 'closed by appwarden';
    try {
      await this.#adb.close();
    } catch (err) {
      // Closing a connection that already broke has nothing left to do.
      if (!wasLost) throw err;
      this.#log.debug({ err: (err as Error).message }, 'close after loss');
    }
  }

  async #call<T>(what: string, timeoutMs: number, body: () => Promise<T>): Promise<T> {
    if (this.#lostReason !== null) throw new DeviceLost(this.serial, this.#lostReason);
    const started = performance.now();
    this.#log.debug({ call: what, timeoutMs }, 'device call');
    try {
      const result = await withTimeout(Promise.race([body(), this.#lost]), timeoutMs, () =>
        failure('run', `'${what}' on ${this.serial}`, `no answer within ${timeoutMs} ms`),
      );
      this.#log.debug({ call: what, ms: Math.round(performance.now() - started) }, 'device call done');
      return result;
    } catch (err) {
      if (this.#lostReason === null && isConnectionError(err)) this.#lostReason = (err as Error).message;
      if (this.#lostReason !== null && !(err instanceof DeviceLost)) {
        throw new DeviceLost(this.serial, `${this.#lostReason} during '${what}'`, { cause: err });
      }
      this.#log.debug({ call: what, err: (err as Error).message }, 'device call failed');
      throw err;
    }
  }
}

const CONNECTION_ERRORS = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTCONN',
  'ERR_STREAM_DESTROYED',
]);

/** Errors that mean the transport itself is gone, not that a command failed. */
function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && CONNECTION_ERRORS.has(code)) return true;
  }
  return false;
}
