import type { SimDevice } from './device/device.ts';
import { unmountAll } from './mounts.ts';

/**
 * A sim's power state, for `adb reboot` / `reboot` in the shell. A reboot drops every ADB connection and
 * stops listening (the device "disappears"), resets what a real reboot resets — running apps, the task
 * stack, the clipboard, logcat's ring buffer, tmpfs and bind mounts — and keeps what lives on flash:
 * settings (the global proxy included), /data, installed packages, honey data in the providers. It comes
 * back after `downMs` with `sys.boot_completed=0`, which turns 1 after another `bootMs`.
 */
export interface PowerLink {
  /** Drops every connection and stops listening. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
}

export type PowerState = 'on' | 'rebooting' | 'booting' | 'off';

const byDevice = new WeakMap<SimDevice, SimPower>();

export class SimPower {
  state: PowerState = 'on';
  /** Reboots requested so far. */
  reboots = 0;
  /** Milliseconds the device is unreachable during a reboot. */
  downMs = 250;
  /** Milliseconds after it is reachable again until `sys.boot_completed=1`. */
  bootMs = 250;
  /** Models a device stuck in a boot loop: the next reboot never comes back. */
  stayDown = false;
  readonly #timers = new Set<NodeJS.Timeout>();
  #disposed = false;

  constructor(
    readonly device: SimDevice,
    private readonly link: PowerLink,
  ) {
    byDevice.set(device, this);
  }

  /** Starts a reboot; returns at once (the caller's connection is about to drop). */
  reboot(reason = ''): boolean {
    if (this.state !== 'on' || this.#disposed) return false;
    this.state = 'rebooting';
    this.reboots++;
    this.device.writeLog('I', 'ShutdownThread', `Rebooting, reason: ${reason || 'adb'}`);
    // Let the command that asked finish writing its answer before the connections go.
    this.#after(20, async () => {
      await this.link.down();
      resetOnBoot(this.device);
      this.#after(this.downMs, async () => {
        if (this.stayDown) {
          this.state = 'off';
          return;
        }
        await this.link.up();
        this.state = 'booting';
        this.#after(this.bootMs, async () => {
          this.device.props.set('sys.boot_completed', '1');
          this.device.props.set('dev.bootcomplete', '1');
          this.device.writeLog('I', 'BootReceiver', 'Boot completed');
          this.state = 'on';
        });
      });
    });
    return true;
  }

  /** Cancels pending power transitions (the sim is being stopped). */
  dispose(): void {
    this.#disposed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #after(ms: number, step: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#disposed) return;
      step().catch((err: unknown) => {
        // A sim that cannot listen again stays off, as a device that fails to boot.
        this.state = 'off';
        this.device.writeLog('E', 'SimPower', `power transition failed: ${String(err)}`);
      });
    }, ms);
    this.#timers.add(timer);
  }
}

/** The power control of a sim's device, if it runs behind a daemon that can reboot. */
export function powerOf(device: SimDevice): SimPower | undefined {
  return byDevice.get(device);
}

/** What a reboot clears on a handset: everything held in RAM. */
export function resetOnBoot(device: SimDevice): void {
  for (const pkg of device.packages.all()) if (!pkg.system) device.forceStop(pkg.name);
  device.goHome();
  device.clipboard.length = 0;
  device.logs.clear();
  unmountAll(device);
  device.props.set('sys.boot_completed', '0');
  device.props.set('dev.bootcomplete', '0');
}
