import { matches, type DeviceSelector, type DeviceTraits } from './selectors.ts';

export interface PoolOptions {
  /** Consecutive infrastructure failures after which a device is quarantined for the rest of the run. */
  quarantineAfter: number;
}

interface Slot {
  traits: DeviceTraits;
  busy: boolean;
  consecutiveInfraFailures: number;
  quarantined: string | null;
  jobsDone: number;
  /** Jobs (attempts, retries included) since the device last booted. */
  sinceReboot: number;
}

/**
 * The farm's devices and who holds them: one session per device at a time; quarantine after K consecutive
 * infrastructure failures. The pool never waits itself: the scheduler asks for a free match and is
 * woken by `onChange` when a device frees up.
 */
export class DevicePool {
  readonly #slots = new Map<string, Slot>();
  #listeners: (() => void)[] = [];

  constructor(
    devices: readonly DeviceTraits[],
    private readonly opts: PoolOptions,
  ) {
    for (const d of devices) {
      if (this.#slots.has(d.id))
        throw new Error(`Failed to build the device pool: device id '${d.id}' appears twice.`);
      this.#slots.set(d.id, {
        traits: d,
        busy: false,
        consecutiveInfraFailures: 0,
        quarantined: null,
        jobsDone: 0,
        sinceReboot: 0,
      });
    }
  }

  /** Devices that could ever serve this selector (not quarantined), busy or not. */
  candidates(sel: DeviceSelector, exclude: ReadonlySet<string> = new Set()): DeviceTraits[] {
    return [...this.#slots.values()]
      .filter((s) => s.quarantined === null && !exclude.has(s.traits.id) && matches(s.traits, sel))
      .map((s) => s.traits);
  }

  /** Takes a free matching device, or returns null. Prefers the least-used device to spread wear. */
  tryLease(sel: DeviceSelector, exclude: ReadonlySet<string> = new Set()): DeviceTraits | null {
    let best: Slot | null = null;
    for (const s of this.#slots.values()) {
      if (s.busy || s.quarantined !== null || exclude.has(s.traits.id) || !matches(s.traits, sel)) continue;
      if (!best || s.jobsDone < best.jobsDone) best = s;
    }
    if (!best) return null;
    best.busy = true;
    return best.traits;
  }

  /**
   * Gives a leased device back. `unused`: the lease ended before a job ran on it (a stop came during its
   * reboot), so nothing is counted.
   */
  release(id: string, outcome: 'ok' | 'infra-failure' | 'unused', reason?: string): void {
    const s = this.#slot(id);
    s.busy = false;
    if (outcome === 'unused') {
      this.#changed();
      return;
    }
    s.jobsDone++;
    s.sinceReboot++;
    if (outcome === 'infra-failure') {
      s.consecutiveInfraFailures++;
      if (s.consecutiveInfraFailures >= this.opts.quarantineAfter) {
        s.quarantined = `${s.consecutiveInfraFailures} consecutive infrastructure failures (last: ${reason ?? 'unknown'})`;
      }
    } else {
      s.consecutiveInfraFailures = 0;
    }
    this.#changed();
  }

  /** `rebootEvery` jobs have run on the device since it last booted (0 = never reboot). */
  rebootDue(id: string, every: number): boolean {
    return every > 0 && this.#slot(id).sinceReboot >= every;
  }

  rebooted(id: string): void {
    this.#slot(id).sinceReboot = 0;
  }

  /** Takes a device out for the rest of the run at once (it did not come back from a reboot). */
  quarantine(id: string, reason: string): void {
    const s = this.#slot(id);
    s.busy = false;
    s.quarantined = reason;
    this.#changed();
  }

  quarantined(): { id: string; reason: string }[] {
    return [...this.#slots.values()]
      .filter((s) => s.quarantined !== null)
      .map((s) => ({ id: s.traits.id, reason: s.quarantined as string }));
  }

  jobsDone(id: string): number {
    return this.#slot(id).jobsDone;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  #slot(id: string): Slot {
    const s = this.#slots.get(id);
    if (!s) throw new Error(`Failed to find device '${id}' in the pool.`);
    return s;
  }
}
