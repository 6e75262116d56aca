import path from 'node:path';

/** What every command may need from the global options; resolved lazily so `--help` touches nothing. */
export interface CliContext {
  /** The data folder: `--data`, else `APPWARDEN_DATA`, else `./appwarden-data`. */
  dataDir(): string;
  /** Write to stdout (tests capture it). */
  out(text: string): void;
  /** Write a line to stderr. */
  err(text: string): void;
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.APPWARDEN_DATA ?? 'appwarden-data');
}

/** Thrown by a command that has printed its result and wants a specific exit code (e.g. 1 for findings). */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
