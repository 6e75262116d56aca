import type { Device } from '../device.ts';
import { parsePackagePermissions, type PermissionState } from '../parse/dumpsys-package.ts';

export async function grant(device: Device, pkg: string, permission: string): Promise<void> {
  await device.run(['pm', 'grant', pkg, permission], { timeoutMs: 30_000 });
}

export async function revoke(device: Device, pkg: string, permission: string): Promise<void> {
  await device.run(['pm', 'revoke', pkg, permission], { timeoutMs: 30_000 });
}

/** Runtime permission states of a package, read from `dumpsys package`. */
export async function permissionStates(device: Device, pkg: string): Promise<PermissionState[]> {
  const out = await device.run(['dumpsys', 'package', pkg], { timeoutMs: 30_000 });
  return parsePackagePermissions(out).runtime;
}
