import fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { AppwardenError } from '../../errors.ts';
import { log } from '../../log.ts';
import type { Device } from '../device.ts';
import { isXapk, readXapk } from '../xapk.ts';

export interface InstallOptions {
  reinstall?: boolean;
  downgrade?: boolean;
  /** Grant every runtime permission at install (`pm install -g`). */
  grantAll?: boolean;
  timeoutMs?: number;
}

/** An install that Android refused; `reason` is the installer's code, e.g. INSTALL_FAILED_NO_MATCHING_ABIS. */
export class InstallFailed extends AppwardenError {
  constructor(
    readonly serial: string,
    readonly apk: string,
    readonly reason: string,
    detail: string,
  ) {
    super(`Failed to install ${apk} on ${serial}: ${reason}${detail ? ` (${detail})` : ''}.`);
  }

  /** Reasons that say something about the device or the transfer rather than the app itself. */
  get infrastructure(): boolean {
    return /INSUFFICIENT_STORAGE|INTERNAL_ERROR|MEDIA_UNAVAILABLE|ABORTED|SESSION_INVALID/.test(this.reason);
  }
}

/** `Failure [INSTALL_FAILED_X: detail]` or `Failure [INSTALL_FAILED_X]` → reason + detail. */
export function parseInstallOutput(
  out: string,
): { ok: true } | { ok: false; reason: string; detail: string } {
  if (/^Success\s*$/m.test(out)) return { ok: true };
  const m = out.match(/Failure \[([A-Z0-9_]+)(?::\s*([^\]]*))?\]/);
  if (m) return { ok: false, reason: m[1] as string, detail: (m[2] ?? '').trim() };
  const line = out.trim().split('\n').slice(-1)[0] ?? '';
  return { ok: false, reason: 'INSTALL_FAILED_UNKNOWN', detail: line };
}

function flags(o: InstallOptions): string[] {
  return [...(o.reinstall ? ['-r'] : []), ...(o.downgrade ? ['-d'] : []), ...(o.grantAll ? ['-g'] : [])];
}

/**
 * Installs an XAPK: its APKs as one install (base and config splits), then its OBB expansion files
 * under /sdcard/Android/obb/<package>/, where the app's expansion downloader looks for them.
 */
async function installXapk(device: Device, file: string, opts: InstallOptions): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'appwarden-xapk-'));
  try {
    const x = await readXapk(file, work);
    await installApks(device, x.apks, opts);
    const timeoutMs = opts.timeoutMs ?? 120_000;
    for (const obb of x.obbs) {
      await device.shell(['mkdir', '-p', path.posix.dirname(obb.remote)], { timeoutMs });
      await device.pushFile(obb.local, obb.remote, { timeoutMs });
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * Installs one APK, an XAPK bundle, or a set of split APKs (base first). Files are pushed to /data/local/tmp and installed
 * with `pm install` (one APK) or an install session (`pm install-create/-write/-commit`) for splits, the
 * way `adb install-multiple` does it; temporary files are removed whatever happens.
 */
export async function installApks(
  device: Device,
  apks: readonly string[],
  opts: InstallOptions = {},
): Promise<void> {
  if (apks.length === 0) throw new AppwardenError('Failed to install: no APK given.');
  if (apks.length === 1 && isXapk(apks[0] as string)) return installXapk(device, apks[0] as string, opts);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const label = apks.length === 1 ? (apks[0] as string) : `${apks[0]} (+${apks.length - 1} splits)`;
  const tag = randomBytes(4).toString('hex');
  const remote: string[] = [];
  try {
    for (const [i, apk] of apks.entries()) {
      try {
        // Checked here so that an unreadable file fails as the file's problem, not the device's.
        await fs.access(apk, fsConstants.R_OK);
        if (!(await fs.stat(apk)).isFile()) throw new Error('not a file');
      } catch (err) {
        throw new AppwardenError(`Failed to install ${apk}: cannot read it (${(err as Error).message}).`, {
          cause: err,
        });
      }
      const target = `/data/local/tmp/appwarden-${tag}-${i}.apk`;
      // Streamed as it is read: an APK can be large, and several devices install at once.
      await device.pushFile(apk, target, { timeoutMs });
      remote.push(target);
    }
    let out: string;
    if (remote.length === 1) {
      const r = await device.shell(['pm', 'install', ...flags(opts), remote[0] as string], { timeoutMs });
      out = `${r.stdout}\n${r.stderr}`;
    } else {
      const created = await device.shell(['pm', 'install-create', ...flags(opts)], { timeoutMs });
      const session = `${created.stdout}`.match(/\[(\d+)\]/)?.[1];
      if (!session) {
        const p = parseInstallOutput(`${created.stdout}\n${created.stderr}`);
        throw new InstallFailed(
          device.serial,
          label,
          p.ok ? 'INSTALL_FAILED_UNKNOWN' : p.reason,
          'install-create',
        );
      }
      for (const [i, r] of remote.entries()) {
        const size = (await fs.stat(apks[i] as string)).size;
        const w = await device.shell(['pm', 'install-write', '-S', String(size), session, `${i}.apk`, r], {
          timeoutMs,
        });
        const p = parseInstallOutput(`${w.stdout}\n${w.stderr}`);
        if (!p.ok && !/Success/.test(w.stdout)) {
          await device.shell(['pm', 'install-abandon', session], { timeoutMs });
          throw new InstallFailed(
            device.serial,
            label,
            p.reason,
            `${path.basename(apks[i] as string)}: ${p.detail}`,
          );
        }
      }
      const c = await device.shell(['pm', 'install-commit', session], { timeoutMs });
      out = `${c.stdout}\n${c.stderr}`;
    }
    const parsed = parseInstallOutput(out);
    if (!parsed.ok) throw new InstallFailed(device.serial, label, parsed.reason, parsed.detail);
  } finally {
    if (remote.length > 0 && !device.lost) {
      await device.shell(['rm', '-f', ...remote], { timeoutMs: 15_000 }).catch((err: unknown) => {
        // Leftover temp files are harmless; the install result matters more than this cleanup.
        log.debug({ device: device.serial, files: remote, err }, 'could not remove pushed APKs');
      });
    }
  }
}

export async function uninstall(device: Device, pkg: string, opts = { timeoutMs: 60_000 }): Promise<boolean> {
  const r = await device.shell(['pm', 'uninstall', pkg], opts);
  return /^Success/m.test(r.stdout);
}

export async function clearData(device: Device, pkg: string, opts = { timeoutMs: 60_000 }): Promise<void> {
  await device.run(['pm', 'clear', pkg], opts);
}

/** Installed packages (`pm list packages`); third-party only with `thirdParty`. */
export async function listPackages(
  device: Device,
  thirdParty = false,
  opts = { timeoutMs: 30_000 },
): Promise<string[]> {
  const out = await device.run(['pm', 'list', 'packages', ...(thirdParty ? ['-3'] : [])], opts);
  return out
    .split('\n')
    .map((l) => l.trim().match(/^package:(.+)$/)?.[1])
    .filter((p): p is string => p !== undefined)
    .sort();
}

export async function isInstalled(device: Device, pkg: string): Promise<boolean> {
  const r = await device.shell(['pm', 'path', pkg], { timeoutMs: 30_000 });
  return r.exitCode === 0 && /^package:/m.test(r.stdout);
}
