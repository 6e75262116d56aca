/** What a job asks of a device (from a suite), and what a device offers (from devices.yaml + its facts). */
export interface DeviceSelector {
  /** Every tag must be present. */
  tags?: string[];
  kind?: 'adb' | 'emulator' | 'sim';
  /** Exact SDK level, or a range. */
  sdk?: number | { min?: number; max?: number };
  abi?: string;
  root?: boolean;
  /** A specific device id. */
  id?: string;
}

export interface DeviceTraits {
  id: string;
  kind: 'adb' | 'emulator' | 'sim';
  tags: string[];
  sdk?: number;
  abi?: string;
  root?: boolean;
}

export function matches(device: DeviceTraits, sel: DeviceSelector): boolean {
  if (sel.id !== undefined && sel.id !== device.id) return false;
  if (sel.kind !== undefined && sel.kind !== device.kind) return false;
  if (sel.tags && !sel.tags.every((t) => device.tags.includes(t))) return false;
  if (sel.abi !== undefined && device.abi !== undefined && sel.abi !== device.abi) return false;
  if (sel.root !== undefined && (device.root ?? false) !== sel.root) return false;
  if (sel.sdk !== undefined && device.sdk !== undefined) {
    if (typeof sel.sdk === 'number') {
      if (device.sdk !== sel.sdk) return false;
    } else if (
      (sel.sdk.min !== undefined && device.sdk < sel.sdk.min) ||
      (sel.sdk.max !== undefined && device.sdk > sel.sdk.max)
    ) {
      return false;
    }
  }
  return true;
}

export function describeSelector(sel: DeviceSelector): string {
  const parts = Object.entries(sel).map(
    ([k, v]) =>
      `${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
  );
  return parts.length > 0 ? parts.join(' ') : 'any device';
}
