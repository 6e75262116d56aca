/**
 * Errors read `Failed to <verb> <what>: <reason>. <remedy>` and carry their cause.
 * Typed subclasses exist only where callers branch on them.
 */
export class AppwardenError extends Error {
  /** Exit code the CLI uses when this error reaches it (DESIGN.md: 2 = infrastructure or usage). */
  readonly exitCode: number = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function failure(
  verb: string,
  what: string,
  reason: string,
  remedy?: string,
  cause?: unknown,
): AppwardenError {
  return new AppwardenError(`Failed to ${verb} ${what}: ${reason}.${remedy ? ` ${remedy}` : ''}`, { cause });
}

/** Bad user input: a config file, a flag, a bundle. The message names the file and position. */
export class UsageError extends AppwardenError {}

/** Input file that does not parse or validate; message is `file:line:col …`. */
export class ConfigError extends UsageError {}

/** The device went away (disconnected, adb offline, sim stopped) during an operation. */
export class DeviceLost extends AppwardenError {
  constructor(
    readonly serial: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Device ${serial} was lost: ${reason}`, options);
  }
}

/** An operation needs a capability (root, frida, system-ca, shake, …) the device does not have. */
export class CapabilityMissing extends AppwardenError {
  constructor(
    readonly capability: string,
    action: string,
  ) {
    super(`Failed to ${action}: requires ${capability}.`);
  }
}

/** Message of any thrown value, with its causes, on one line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause =
      err.cause !== undefined && err.cause !== null ? ` (cause: ${describeError(err.cause)})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
