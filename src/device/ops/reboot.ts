import { DeviceLost, describeError } from '../../errors.ts';
import type { DeviceKind } from '../../evidence/types.ts';
import { childLog } from '../../log.ts';
import { connectAdb, withTimeout, type AdbAddress } from '../adb/connect.ts';
import { Device } from '../device.ts';

const log = childLog({ part: 'reboot' });

export interface RebootOptions {
  /** From the reboot request until the device is back with `sys.boot_completed=1`. */
  timeoutMs: number;
  /** Between attempts to reach the device while it boots. */
  pollMs?: number;
  /** Stops waiting (the device still reboots): a hard stop of the run. */
  signal?: AbortSignal;
}

export interface RebootResult {
  /** Until the device disappeared. */
  downMs: number;
  /** Until it was back and booted. */
  totalMs: number;
}

function serialOf(address: AdbAddress): string {
  return address.via === 'daemon' ? `${address.host}:${address.port}` : address.serial;
}

/**
 * `adb reboot`, then waits for the device to disappear and come back with `sys.boot_completed=1`, all
 * within `timeoutMs`. The request goes over a connection of its own (the `reboot:` service, as `adb reboot`
 * sends it), since every connection to the device drops with it. A device that does not come back in time
 * is lost: DeviceLost.
 */
export async function rebootAndWait(
  kind: DeviceKind,
  address: AdbAddress,
  opts: RebootOptions,
): Promise<RebootResult> {
  const serial = serialOf(address);
  const started = Date.now();
  const left = () => opts.timeoutMs - (Date.now() - started);
  const pollMs = opts.pollMs ?? 250;
  const lost = (why: string, cause?: unknown) =>
    new DeviceLost(serial, `${why} after a reboot (${Math.round(opts.timeoutMs / 1000)} s)`, { cause });

  const adb = await connectAdb(address, Math.min(10_000, opts.timeoutMs));
  log.debug({ device: serial }, 'reboot');
  try {
    await withTimeout(adb.power.reboot(), Math.max(1, left()), () => lost('it kept the reboot request open'));
  } catch (err) {
    // The connection dropping under the request is the device going down, not a failure.
    log.debug({ device: serial, err: describeError(err) }, 'reboot request ended');
  }
  try {
    await withTimeout(adb.disconnected, Math.max(1, left()), () => lost('it did not go down'));
  } finally {
    await adb.close().catch((err: unknown) => log.debug({ err: describeError(err) }, 'close after reboot'));
  }
  const downMs = Date.now() - started;

  let last = 'not reachable';
  while (left() > 0) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    let device: Device | undefined;
    try {
      device = await Device.connect(kind, address, Math.max(1, Math.min(5_000, left())));
      const booted = await device.shell(['getprop', 'sys.boot_completed'], {
        timeoutMs: Math.max(1, Math.min(5_000, left())),
      });
      if (booted.stdout.trim() === '1') {
        const totalMs = Date.now() - started;
        log.debug({ device: serial, downMs, totalMs }, 'back after reboot');
        return { downMs, totalMs };
      }
      last = 'boot not completed';
    } catch (err) {
      last = describeError(err);
    } finally {
      await device
        ?.close()
        .catch((err: unknown) => log.debug({ err: describeError(err) }, 'close while booting'));
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, Math.min(pollMs, left())));
      opts.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  if (opts.signal?.aborted) throw opts.signal.reason;
  throw lost(`it did not come back (${last})`);
}
