import type { DeviceConfig, DevicesFile, EmulatorDeviceConfig } from '../config/devices.ts';
import type { AdbAddress } from '../device/adb/connect.ts';
import { Device } from '../device/device.ts';
import { bootEmulator, findEmulatorBinary, findRunningAvd } from '../device/ops/emulator.ts';
import { rebootAndWait, type RebootResult } from '../device/ops/reboot.ts';
import { describeError } from '../errors.ts';
import { childLog } from '../log.ts';
import { startSim, type Sim } from '../sim/index.ts';
import type { ResourceScope } from './resources.ts';
import type { DeviceTraits } from './selectors.ts';

export interface FarmDevice {
  name: string;
  config: DeviceConfig;
  traits: DeviceTraits;
  /** How it is reached; null when it cannot be used on this host (the reason says why). */
  address: AdbAddress | null;
  unavailable?: string;
  sim?: Sim;
  /** The serial of an emulator appwarden booted for this run (and shuts down at its end). */
  booted?: string;
}

const log = childLog({ part: 'farm' });

export interface FarmOpenOptions {
  /** Emulators this predicate wants are booted when they are not running (and shut down with the scope). */
  boot?: (device: DeviceTraits) => boolean;
}

function traitsOf(config: DeviceConfig): DeviceTraits {
  return {
    id: config.name,
    kind: config.kind,
    tags: config.tags,
    ...(config.sdk !== undefined ? { sdk: config.sdk } : {}),
    ...(config.abi !== undefined ? { abi: config.abi } : {}),
    ...(config.root !== undefined ? { root: config.root } : {}),
  };
}

/**
 * An emulator of devices.yaml: the running one with its AVD name if there is one; otherwise, when the run
 * needs it, booted here and shut down when the scope is released. A failure leaves it unavailable (the
 * reason says why) rather than failing the run: its jobs go to other devices or are reported unschedulable.
 */
async function openEmulator(
  config: EmulatorDeviceConfig,
  base: Omit<FarmDevice, 'address'>,
  scope: ResourceScope,
  boot: boolean,
): Promise<FarmDevice> {
  try {
    const running = await findRunningAvd(config.avd);
    if (running) return { ...base, address: { via: 'server', serial: running } };
  } catch (err) {
    // No adb server yet: nothing is running through it, so the emulator (if wanted) is booted below.
    log.debug({ avd: config.avd, err: describeError(err) }, 'could not list running emulators');
  }
  if (!boot) {
    const why = findEmulatorBinary()
      ? `AVD '${config.avd}' is not running ('appwarden run' boots it when a job needs it)`
      : `AVD '${config.avd}' is not running and the Android emulator is not installed (ANDROID_HOME, PATH)`;
    return { ...base, address: null, unavailable: why };
  }
  try {
    const emu = await scope.acquire(
      `emulator ${config.avd}`,
      () =>
        bootEmulator({
          avd: config.avd,
          headless: config.headless,
          timeoutMs: config.bootTimeout * 1000,
          ...(config.consolePort !== undefined ? { consolePort: config.consolePort } : {}),
        }),
      (e) => e.stop(),
    );
    return { ...base, address: { via: 'server', serial: emu.serial }, booted: emu.serial };
  } catch (err) {
    log.warn({ avd: config.avd, err: describeError(err) }, 'emulator did not boot');
    return { ...base, address: null, unavailable: describeError(err) };
  }
}

/**
 * The devices of devices.yaml, brought up: sims are started here (and stopped when the scope is released),
 * adb devices are reached through the adb server, emulators need the Android emulator (not on this host
 * unless installed) and are reported unavailable otherwise.
 */
export class Farm {
  private constructor(readonly devices: readonly FarmDevice[]) {}

  static async open(
    file: DevicesFile,
    scope: ResourceScope,
    only?: readonly string[],
    opts: FarmOpenOptions = {},
  ): Promise<Farm> {
    const chosen = only ? file.devices.filter((d) => only.includes(d.name)) : file.devices;
    const devices: FarmDevice[] = [];
    for (const config of chosen) {
      const base = { name: config.name, config, traits: traitsOf(config) };
      if (config.kind === 'sim') {
        const sim = await scope.acquire(
          `sim ${config.name}`,
          () =>
            startSim({
              seed: String(config.seed ?? config.name),
              profile: {
                ...(config.model !== undefined ? { model: config.model } : {}),
                ...(config.sdk !== undefined ? { sdk: config.sdk } : {}),
                ...(config.abi !== undefined ? { abi: config.abi } : {}),
                ...(config.root !== undefined ? { root: config.root } : {}),
              },
            }),
          (s) => s.stop(),
        );
        devices.push({ ...base, sim, address: { via: 'daemon', host: '127.0.0.1', port: sim.port } });
      } else if (config.kind === 'adb') {
        devices.push({ ...base, address: { via: 'server', serial: config.serial } });
      } else {
        devices.push(await openEmulator(config, base, scope, opts.boot?.(base.traits) ?? false));
      }
    }
    return new Farm(devices);
  }

  /** Devices that can take jobs, for the pool. */
  usable(): DeviceTraits[] {
    return this.devices.filter((d) => d.address !== null).map((d) => d.traits);
  }

  get(name: string): FarmDevice {
    const d = this.devices.find((x) => x.name === name);
    if (!d) throw new Error(`Failed to find device '${name}' in the farm.`);
    return d;
  }

  /** `adb reboot` and wait until it is back with boot completed; DeviceLost if it does not come back in time. */
  async reboot(name: string, timeoutMs: number, signal?: AbortSignal): Promise<RebootResult> {
    const d = this.get(name);
    if (!d.address) throw new Error(`Failed to reboot ${name}: ${d.unavailable ?? 'not reachable'}.`);
    return rebootAndWait(d.config.kind, d.address, { timeoutMs, ...(signal ? { signal } : {}) });
  }

  async connect(name: string, timeoutMs = 10_000): Promise<Device> {
    const d = this.get(name);
    if (!d.address) throw new Error(`Failed to connect to ${name}: ${d.unavailable ?? 'not reachable'}.`);
    return Device.connect(d.config.kind, d.address, timeoutMs);
  }
}
