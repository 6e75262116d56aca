export interface PermissionState {
  name: string;
  granted: boolean;
  flags: string[];
}

/**
 * Runtime permission states from `dumpsys package PKG`: the `runtime permissions:` block of the package's
 * user section, lines like `android.permission.CAMERA: granted=false, flags=[ USER_SET|USER_FIXED ]`.
 * Install-time permissions (`install permissions:`) are reported too, always granted.
 */
export function parsePackagePermissions(text: string): {
  runtime: PermissionState[];
  install: PermissionState[];
} {
  const runtime: PermissionState[] = [];
  const install: PermissionState[] = [];
  let target: PermissionState[] | null = null;
  let indent = -1;
  for (const line of text.split('\n')) {
    const header = line.match(/^(\s*)(runtime|install) permissions:\s*$/);
    if (header) {
      target = header[2] === 'runtime' ? runtime : install;
      indent = (header[1] as string).length;
      continue;
    }
    if (!target) continue;
    const lead = line.match(/^\s*/)?.[0].length ?? 0;
    if (line.trim() === '' || lead <= indent) {
      target = null;
      continue;
    }
    const m = line.match(/^\s*([\w.]+): granted=(true|false)(?:, flags=\[\s*([^\]]*?)\s*\])?/);
    if (m) {
      const flags = (m[3] ?? '').split('|').filter((f) => f.length > 0);
      const entry = { name: m[1] as string, granted: m[2] === 'true', flags };
      if (!target.some((p) => p.name === entry.name)) target.push(entry);
    }
  }
  return { runtime, install };
}

/** `versionName=` and `versionCode=` of `dumpsys package PKG`. */
export function parsePackageVersion(text: string): {
  versionName: string | null;
  versionCode: number | null;
} {
  const name = text.match(/versionName=(\S+)/)?.[1] ?? null;
  const code = text.match(/versionCode=(\d+)/)?.[1];
  return { versionName: name, versionCode: code ? Number(code) : null };
}
