import type { Device } from '../device.ts';

export type CaStore = 'system' | 'user';

export const SYSTEM_CA_DIR = '/system/etc/security/cacerts';
export const USER_CA_DIR = '/data/misc/user/0/cacerts-added';

export interface CaFile {
  /** `<subject_hash_old>.0`, the name Android's stores use. */
  fileName: string;
  pem: string;
}

export interface CaInstall {
  store: CaStore | null;
  /** Why it could not go where apps trust it, when `store` is null or `user`. */
  note?: string;
  remove(): Promise<void>;
}

/**
 * Puts the farm CA where apps trust it.
 * - sims: written into the system store, as on a writable-system emulator;
 * - rooted devices (Android 7–13): a tmpfs is mounted over the system store holding its certificates plus
 *   ours (the usual technique; nothing on /system changes and a reboot undoes it). Android 14+ reads CAs
 *   from the Conscrypt APEX instead, which needs the mount inside every app's namespace — not done here,
 *   so those devices get the user store and a note;
 * - others: the user store, which apps targeting API 24+ ignore unless their network security config
 *   trusts user CAs — the note says so, and such flows show up as `client-rejected-ca` (passthrough).
 */
export async function installCa(
  device: Device,
  ca: CaFile,
  opts: { sim: boolean; root: boolean; sdk: number },
): Promise<CaInstall> {
  const bytes = Buffer.from(ca.pem);
  if (opts.sim) {
    const file = `${SYSTEM_CA_DIR}/${ca.fileName}`;
    await device.push(bytes, file, { timeoutMs: 15_000, mode: 0o644 });
    return {
      store: 'system',
      remove: async () => void (await device.shell(['rm', '-f', file], { timeoutMs: 15_000 })),
    };
  }
  if (opts.root && opts.sdk < 34) {
    const staged = `/data/local/tmp/${ca.fileName}`;
    await device.push(bytes, staged, { timeoutMs: 15_000, mode: 0o644 });
    const script = [
      'set -e',
      'mkdir -p /data/local/tmp/aw-cacerts',
      `cp ${SYSTEM_CA_DIR}/* /data/local/tmp/aw-cacerts/`,
      `mount -t tmpfs tmpfs ${SYSTEM_CA_DIR}`,
      `cp /data/local/tmp/aw-cacerts/* ${SYSTEM_CA_DIR}/`,
      `cp ${staged} ${SYSTEM_CA_DIR}/`,
      `chmod 644 ${SYSTEM_CA_DIR}/*`,
      `chcon u:object_r:system_file:s0 ${SYSTEM_CA_DIR}/* || true`,
    ].join('; ');
    const r = await device.shell(['su', '0', 'sh', '-c', script], { timeoutMs: 60_000 });
    if (r.exitCode === 0) {
      return {
        store: 'system',
        remove: async () =>
          void (await device.shell(['su', '0', 'umount', SYSTEM_CA_DIR], { timeoutMs: 15_000 })),
      };
    }
    return userStore(
      device,
      ca,
      `mounting the system store failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`,
    );
  }
  return userStore(
    device,
    ca,
    opts.root
      ? `Android ${opts.sdk >= 34 ? '14+' : ''} keeps CAs in the Conscrypt APEX`
      : 'the device is not rooted',
  );
}

async function userStore(device: Device, ca: CaFile, why: string): Promise<CaInstall> {
  const file = `${USER_CA_DIR}/${ca.fileName}`;
  const r = await device.shell(['mkdir', '-p', USER_CA_DIR], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) {
    return {
      store: null,
      note: `${why}; the user store is not writable from adb either (install the CA by hand: appwarden ca export --format pem)`,
      remove: async () => undefined,
    };
  }
  await device.push(Buffer.from(ca.pem), file, { timeoutMs: 15_000, mode: 0o644 });
  return {
    store: 'user',
    note: `${why}: CA placed in the user store, which apps targeting API 24+ ignore unless they opt in`,
    remove: async () => void (await device.shell(['rm', '-f', file], { timeoutMs: 15_000 })),
  };
}
