import type { DeviceConfig, DevicesFile } from '../config/devices.ts';
import type { AdbAddress } from '../device/adb/connect.ts';
import { Device } from '../device/device.ts';
import { rebootAndWait, type RebootResult } from '../device/ops/reboot.ts';
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
 * The devices of devices.yaml, brought up: sims are started here (and stopped when the scope is released),
 * adb devices are reached through the adb server, emulators need the Android emulator (not on this host
 * unless installed) and are reported unavailable otherwise.
 */
export class Farm {
  private constructor(readonly devices: readonly FarmDevice[]) {}

  static async open(file: DevicesFile, scope: ResourceScope, only?: readonly string[]): Promise<Farm> {
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
        devices.push({
          ...base,
          address: null,
          unavailable: `booting emulator AVD '${config.avd}' is not supported yet; start it yourself and list it as kind: adb`,
        });
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
  async reboot(name: string, timeoutMs: number): Promise<RebootResult> {
    const d = this.get(name);
    if (!d.address) throw new Error(`Failed to reboot ${name}: ${d.unavailable ?? 'not reachable'}.`);
    return rebootAndWait(d.config.kind, d.address, { timeoutMs });
  }

  async connect(name: string, timeoutMs = 10_000): Promise<Device> {
    const d = this.get(name);
    if (!d.address) throw new Error(`Failed to connect to ${name}: ${d.unavailable ?? 'not reachable'}.`);
    return Device.connect(d.config.kind, d.address, timeoutMs);
  }
}
