import { pino, type Logger } from 'pino';

/**
 * One structured logger for the whole process. Quiet by default (warnings and errors only, on stderr)
 * so that command output stays clean; `APPWARDEN_LOG=debug` (or `--verbose`) shows device calls and more.
 */
export const log: Logger = pino(
  { level: process.env.APPWARDEN_LOG ?? 'warn', base: undefined },
  pino.destination({ fd: 2, sync: true }),
);

export function setLogLevel(level: string): void {
  log.level = level;
}

export function childLog(bindings: Record<string, unknown>): Logger {
  return log.child(bindings);
}
