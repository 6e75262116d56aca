import type { SimDevice } from '../device/device.ts';

/** Where a command reads its standard input: the ADB stream, a pipe, a file, or nothing. */
export interface StdinReader {
  /** Exactly n bytes, or fewer if input ended. */
  readExactly(n: number): Promise<Buffer>;
  /** Everything until end of input. */
  readAll(): Promise<Buffer>;
}

export interface CommandContext {
  device: SimDevice;
  /** argv[0] is the command name as typed. */
  argv: string[];
  env: Record<string, string>;
  stdin: StdinReader;
  out(data: string | Buffer): void;
  err(data: string): void;
  /** Aborted when the peer closes the stream; long-running commands (logcat) stop on it. */
  signal: AbortSignal;
  /** Runs another command in the same shell (e.g. `exec`, `cmd package` → `pm`), with extra env if given. */
  run(argv: string[], env?: Record<string, string>): Promise<number>;
}

/** One shell command family (`pm`, `settings` …). `run` returns the exit status. */
export interface ShellCommand {
  name: string;
  aliases?: string[];
  run(ctx: CommandContext): Promise<number> | number;
}

export const EMPTY_STDIN: StdinReader = {
  readExactly: async () => Buffer.alloc(0),
  readAll: async () => Buffer.alloc(0),
};

export function bufferStdin(data: Buffer): StdinReader {
  let off = 0;
  return {
    readExactly: async (n) => {
      const part = data.subarray(off, off + n);
      off += part.length;
      return part;
    },
    readAll: async () => {
      const part = data.subarray(off);
      off = data.length;
      return part;
    },
  };
}

/** Java's way of printing an exception from a shell command (am/pm/settings do this). */
export function javaException(ctx: CommandContext, text: string): number {
  ctx.err(`Exception occurred while executing:\n${text}\n`);
  return 255;
}
