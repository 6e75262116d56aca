import { describeError } from '../errors.ts';
import { childLog } from '../log.ts';

const log = childLog({ part: 'resources' });

interface Held {
  name: string;
  release: () => Promise<void>;
}

/**
 * Resources come in pairs: everything acquired here (ports, proxy listeners, Appium servers, sims, device
 * proxy settings) is released in reverse order by `releaseAll`, which also runs on SIGINT/SIGTERM for the
 * process-wide registry. A release that fails is logged and the others still run.
 */
export class ResourceScope {
  #held: Held[] = [];
  #closed = false;

  constructor(readonly name: string) {}

  async acquire<T>(name: string, create: () => Promise<T>, release: (value: T) => Promise<void>): Promise<T> {
    if (this.#closed) throw new Error(`Failed to acquire ${name}: scope ${this.name} is already released.`);
    const value = await create();
    this.#held.push({ name, release: () => release(value) });
    return value;
  }

  /** Registers an undo step for something already done (e.g. a device setting changed). */
  defer(name: string, release: () => Promise<void>): void {
    this.#held.push({ name, release });
  }

  get size(): number {
    return this.#held.length;
  }

  /** Releases everything, newest first; returns the failures (already logged). */
  async releaseAll(): Promise<Error[]> {
    this.#closed = true;
    const failures: Error[] = [];
    while (this.#held.length > 0) {
      const held = this.#held.pop() as Held;
      try {
        await held.release();
      } catch (err) {
        log.warn({ scope: this.name, resource: held.name, err: describeError(err) }, 'release failed');
        failures.push(new Error(`Failed to release ${held.name}: ${describeError(err)}`, { cause: err }));
      }
    }
    return failures;
  }
}
