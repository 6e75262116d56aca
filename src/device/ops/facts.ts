import type { Device } from '../device.ts';
import { parseGetprop } from '../parse/getprop.ts';

export interface DeviceFacts {
  model: string;
  manufacturer: string;
  sdk: number;
  release: string;
  abi: string;
  abis: string[];
  bootCompleted: boolean;
  /** adbd runs as root, or `su` works. */
  root: boolean;
  emulator: boolean;
}

export async function readProps(device: Device): Promise<Map<string, string>> {
  return parseGetprop(await device.run(['getprop'], { timeoutMs: 15_000 }));
}

export async function deviceFacts(device: Device): Promise<DeviceFacts> {
  const props = await readProps(device);
  const id = await device.shell(['id', '-u'], { timeoutMs: 10_000 });
  let root = id.stdout.trim() === '0';
  if (!root) {
    const su = await device.shell(['su', '0', 'id', '-u'], { timeoutMs: 10_000 });
    root = su.exitCode === 0 && su.stdout.trim() === '0';
  }
  const abiList = props.get('ro.product.cpu.abilist') ?? '';
  return {
    model: props.get('ro.product.model') ?? 'unknown',
    manufacturer: props.get('ro.product.manufacturer') ?? 'unknown',
    sdk: Number(props.get('ro.build.version.sdk') ?? 0),
    release: props.get('ro.build.version.release') ?? 'unknown',
    abi: props.get('ro.product.cpu.abi') ?? 'unknown',
    abis: abiList ? abiList.split(',') : [],
    bootCompleted: props.get('sys.boot_completed') === '1',
    root,
    emulator: props.get('ro.kernel.qemu') === '1' || props.get('ro.boot.qemu') === '1',
  };
}
