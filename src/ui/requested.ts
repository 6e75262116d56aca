import type { Device } from '../device/device.ts';
import { parsePackagePermissions } from '../device/parse/dumpsys-package.ts';
import { GROUP_PERMISSIONS } from './data/permission-dialogs.ts';

const RUNTIME = new Set(
  Object.values(GROUP_PERMISSIONS).flatMap((ps) => ps.map((p) => `android.permission.${p}`)),
);

/** Names under `requested permissions:` in `dumpsys package` (one per line, maybe `, restricted=…`). */
export function parseRequested(text: string): string[] {
  const out: string[] = [];
  let indent = -1;
  for (const line of text.split('\n')) {
    const header = /^(\s*)requested permissions:\s*$/.exec(line);
    if (header) {
      indent = (header[1] as string).length;
      continue;
    }
    if (indent < 0) continue;
    const lead = /^\s*/.exec(line)?.[0].length ?? 0;
    if (line.trim() === '' || lead <= indent) {
      indent = -1;
      continue;
    }
    const m = /^\s*([\w.]+)/.exec(line);
    if (m) out.push(m[1] as string);
  }
  return out;
}

/**
 * The runtime (dangerous) permissions the app requests: its manifest's requested list plus any with a
 * runtime state, limited to the permissions that belong to a dangerous group (only those can be granted
 * or revoked with `pm`, and only those prompt).
 */
export async function requestedRuntimePermissions(device: Device, pkg: string): Promise<string[]> {
  const out = await device.run(['dumpsys', 'package', pkg], { timeoutMs: 30_000 });
  const names = new Set([...parseRequested(out), ...parsePackagePermissions(out).runtime.map((p) => p.name)]);
  return [...names].filter((p) => RUNTIME.has(p));
}
