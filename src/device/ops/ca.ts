import { describeError, failure } from '../../errors.ts';
import { childLog } from '../../log.ts';
import type { Device, ShellResult } from '../device.ts';

const log = childLog({ part: 'ca' });

export type CaStore = 'system' | 'user';

export const SYSTEM_CA_DIR = '/system/etc/security/cacerts';
export const USER_CA_DIR = '/data/misc/user/0/cacerts-added';
/** Android 14+ (API 34): Conscrypt reads the system CAs from its APEX, updatable through Google Play. */
export const APEX_CA_DIR = '/apex/com.android.conscrypt/cacerts';
/** Where the current system CAs are staged while the tmpfs goes over the store. */
const STAGE_DIR = '/data/local/tmp/appwarden-cacerts';
/** `<subject_hash_old>.<n>`: the only names the stores hold; anything else is not copied. */
const CERT_NAME = /^[0-9a-f]{8}\.\d+$/;

export interface CaFile {
  /** `<subject_hash_old>.0`, the name Android's stores use. */
  fileName: string;
  pem: string;
}

export interface CaInstall {
  store: CaStore | null;
  /** Why it could not go where apps trust it, when `store` is null or `user`; how it got there otherwise. */
  note?: string;
  remove(): Promise<void>;
}

/**
 * Puts the farm CA where apps trust it.
 * - sims: written into the system store, as on a writable-system emulator;
 * - rooted devices up to Android 13: a tmpfs is mounted over the system store holding its certificates plus
 *   ours (nothing on /system changes; a reboot undoes it);
 * - rooted Android 14+: the same tmpfs, filled from the Conscrypt APEX store, then bind-mounted over
 *   the APEX store inside zygote's mount namespace (apps started later inherit it) and inside every running
 *   app's (`nsenter --mount=/proc/PID/ns/mnt`), the technique HTTP Toolkit published for Android 14;
 * - others: the user store, which apps targeting API 24+ ignore unless their network security config
 *   trusts user CAs — the note says so, and such flows show up as `client-rejected-ca` (passthrough).
 */
export async function installCa(
  device: Device,
  ca: CaFile,
  opts: { sim: boolean; root: boolean; sdk: number },
): Promise<CaInstall> {
  if (!CERT_NAME.test(ca.fileName))
    throw failure('install', `the CA as ${ca.fileName}`, 'not a <subject_hash_old>.0 file name');
  const bytes = Buffer.from(ca.pem);
  if (opts.sim) {
    const file = `${SYSTEM_CA_DIR}/${ca.fileName}`;
    await device.push(bytes, file, { timeoutMs: 15_000, mode: 0o644 });
    return {
      store: 'system',
      remove: async () => void (await device.shell(['rm', '-f', file], { timeoutMs: 15_000 })),
    };
  }
  if (!opts.root) return userStore(device, ca, 'the device is not rooted');
  const apex = opts.sdk >= 34;
  try {
    await overlaySystemStore(device, ca, apex ? APEX_CA_DIR : SYSTEM_CA_DIR);
  } catch (err) {
    await undoOverlay(device);
    return userStore(device, ca, `mounting the system store failed: ${describeError(err)}`);
  }
  if (!apex) return { store: 'system', remove: () => undoOverlay(device) };
  try {
    const { bound, missed } = await bindIntoApex(device);
    await checkVisible(device, ca.fileName, bound[0] as number);
    return {
      store: 'system',
      note: `Conscrypt APEX store: bind-mounted into ${bound.length} mount namespace(s) (zygote and running apps)${
        missed > 0 ? `; ${missed} app process(es) ended before they could be reached` : ''
      }`,
      remove: async () => {
        await unbindApex(device);
        await undoOverlay(device);
      },
    };
  } catch (err) {
    await unbindApex(device);
    await undoOverlay(device);
    return userStore(
      device,
      ca,
      `Android 14+ keeps CAs in the Conscrypt APEX and binding ours there failed: ${describeError(err)}`,
    );
  }
}

function asRoot(device: Device, argv: readonly string[], timeoutMs = 30_000): Promise<ShellResult> {
  return device.shell(['su', '0', ...argv], { timeoutMs });
}

async function mustAsRoot(device: Device, argv: readonly string[], timeoutMs = 30_000): Promise<string> {
  const r = await asRoot(device, argv, timeoutMs);
  if (r.exitCode !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n').pop() || `exit code ${r.exitCode}`;
    throw new Error(`'${argv.slice(0, 4).join(' ')}${argv.length > 4 ? ' …' : ''}' failed: ${why}`);
  }
  return r.stdout;
}

/**
 * Stages the certificates of `source` plus ours, mounts a tmpfs over the system store and fills it, with the
 * owner, mode and SELinux label of system files. One argv per step (explicit file lists, no globbing), so
 * each failure names its step.
 */
async function overlaySystemStore(device: Device, ca: CaFile, source: string): Promise<void> {
  const names = (await mustAsRoot(device, ['ls', source]))
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => CERT_NAME.test(n) && n !== ca.fileName);
  const pushed = `/data/local/tmp/${ca.fileName}`;
  await device.push(Buffer.from(ca.pem), pushed, { timeoutMs: 15_000, mode: 0o644 });
  await mustAsRoot(device, ['rm', '-rf', STAGE_DIR]);
  await mustAsRoot(device, ['mkdir', '-p', STAGE_DIR]);
  if (names.length > 0)
    await mustAsRoot(device, ['cp', ...names.map((n) => `${source}/${n}`), `${STAGE_DIR}/`], 60_000);
  await mustAsRoot(device, ['cp', pushed, `${STAGE_DIR}/${ca.fileName}`]);
  await mustAsRoot(device, ['mount', '-t', 'tmpfs', 'tmpfs', SYSTEM_CA_DIR]);
  const all = [...names, ca.fileName];
  await mustAsRoot(device, ['cp', ...all.map((n) => `${STAGE_DIR}/${n}`), `${SYSTEM_CA_DIR}/`], 60_000);
  const files = all.map((n) => `${SYSTEM_CA_DIR}/${n}`);
  await mustAsRoot(device, ['chown', 'root:root', ...files]);
  await mustAsRoot(device, ['chmod', '644', ...files]);
  const label = await asRoot(device, ['chcon', '-R', 'u:object_r:system_file:s0', SYSTEM_CA_DIR]);
  // Without SELinux enforcing (some emulators) labels do not matter; with it, a failure shows up at the check.
  if (label.exitCode !== 0) log.debug({ out: label.stderr || label.stdout }, 'chcon failed');
}

async function undoOverlay(device: Device): Promise<void> {
  if (device.lost) return;
  const r = await asRoot(device, ['umount', SYSTEM_CA_DIR]);
  if (r.exitCode !== 0) log.debug({ out: r.stderr || r.stdout }, 'nothing mounted over the system store');
  await asRoot(device, ['rm', '-rf', STAGE_DIR]);
}

/** zygote/zygote64 pids, and the pids of their children (the app processes), from `pidof` and `ps -A`. */
export async function zygoteNamespaces(device: Device): Promise<{ zygotes: number[]; apps: number[] }> {
  const pidof = await device.shell(['pidof', 'zygote', 'zygote64'], { timeoutMs: 15_000 });
  const zygotes = pidof.stdout
    .trim()
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
  const ps = (await device.shell(['ps', '-A'], { timeoutMs: 15_000 })).stdout.split('\n');
  const header = (ps[0] ?? '').trim().split(/\s+/);
  const pidCol = header.indexOf('PID');
  const ppidCol = header.indexOf('PPID');
  const apps: number[] = [];
  if (pidCol >= 0 && ppidCol >= 0) {
    for (const line of ps.slice(1)) {
      const cols = line.trim().split(/\s+/);
      const pid = Number(cols[pidCol]);
      if (zygotes.includes(Number(cols[ppidCol])) && Number.isInteger(pid)) apps.push(pid);
    }
  }
  return { zygotes, apps };
}

const bindArgv = (pid: number) => [
  'nsenter',
  `--mount=/proc/${pid}/ns/mnt`,
  '--',
  '/bin/mount',
  '--bind',
  SYSTEM_CA_DIR,
  APEX_CA_DIR,
];

/** The tmpfs store over the APEX store in zygote's namespace (required) and each running app's (best effort). */
async function bindIntoApex(device: Device): Promise<{ bound: number[]; missed: number }> {
  const { zygotes, apps } = await zygoteNamespaces(device);
  if (zygotes.length === 0) throw new Error('no zygote process found (pidof zygote zygote64)');
  const bound: number[] = [];
  for (const z of zygotes) {
    await mustAsRoot(device, bindArgv(z));
    bound.push(z);
  }
  let missed = 0;
  for (const pid of apps) {
    const r = await asRoot(device, bindArgv(pid));
    // An app that exited between `ps` and here has no namespace left to fix.
    if (r.exitCode === 0) bound.push(pid);
    else missed++;
  }
  return { bound, missed };
}

/** The CA is in the APEX store as seen from inside zygote's namespace (what every new app inherits). */
async function checkVisible(device: Device, fileName: string, zygote: number): Promise<void> {
  await mustAsRoot(device, [
    'nsenter',
    `--mount=/proc/${zygote}/ns/mnt`,
    '--',
    'ls',
    `${APEX_CA_DIR}/${fileName}`,
  ]);
}

async function unbindApex(device: Device): Promise<void> {
  if (device.lost) return;
  const { zygotes, apps } = await zygoteNamespaces(device);
  for (const pid of [...zygotes, ...apps]) {
    const r = await asRoot(device, [
      'nsenter',
      `--mount=/proc/${pid}/ns/mnt`,
      '--',
      '/bin/umount',
      APEX_CA_DIR,
    ]);
    if (r.exitCode !== 0) log.debug({ pid, out: r.stderr || r.stdout }, 'no APEX bind in this namespace');
  }
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
