import type { Device } from '../device/device.ts';
import { deviceFacts } from '../device/ops/facts.ts';
import { checkFridaVersions, findFridaServer } from '../device/ops/frida-server.ts';
import type { FridaAvailability } from '../hooks/frida.ts';
import { describeError } from '../errors.ts';
import type { Farm } from './farm.ts';

export interface DeviceHealth {
  name: string;
  kind: string;
  state: 'ok' | 'unhealthy' | 'offline' | 'unavailable';
  problems: string[];
  model?: string;
  sdk?: number;
  abi?: string;
  root?: boolean;
  bootCompleted?: boolean;
  batteryPercent?: number | null;
  dataFreeMb?: number | null;
  fridaServer?: 'running' | 'not running' | 'unknown';
  /** `frida-server --version` of /data/local/tmp/frida-server; null when none is installed there. */
  fridaServerVersion?: string | null;
  /** Whether something listens on frida's port 27042. */
  fridaListening?: boolean;
  /** Server vs host binding version, in one sentence (says when the binding is not installed). */
  fridaNote?: string;
  caInstalled?: 'system' | 'user' | 'no' | 'unknown';
  clockSkewMs?: number | null;
}

export function parseBatteryLevel(text: string): number | null {
  const level = text.match(/^\s*level: (\d+)/m)?.[1];
  const scale = text.match(/^\s*scale: (\d+)/m)?.[1];
  if (!level) return null;
  return Math.round((Number(level) / Number(scale ?? 100)) * 100);
}

/** Free space of /data from `df -k /data` (toybox and busybox layouts). */
export function parseDfFreeMb(text: string): number | null {
  const line = text.split('\n').find((l) => /\s\/data\s*$/.test(l) || /\/data$/.test(l.trim()));
  if (!line) return null;
  const cols = line.trim().split(/\s+/);
  const available = Number(cols[3]);
  return Number.isFinite(available) ? Math.round(available / 1024) : null;
}

export interface CheckOptions {
  /** How the host's frida binding is loaded (tests replace it; default: a lazy import). */
  loadFrida?: () => Promise<FridaAvailability>;
}

/** The health of one connected device (what `devices check` prints per row). */
export async function checkDevice(
  device: Device,
  caHash: string | null,
  opts: CheckOptions = {},
): Promise<Omit<DeviceHealth, 'name' | 'kind' | 'state'>> {
  const problems: string[] = [];
  const facts = await deviceFacts(device);
  if (!facts.bootCompleted) problems.push('boot not completed');
  const battery = parseBatteryLevel(
    (await device.shell(['dumpsys', 'battery'], { timeoutMs: 15_000 })).stdout,
  );
  if (battery !== null && battery < 15) problems.push(`battery at ${battery}%`);
  const free = parseDfFreeMb((await device.shell(['df', '-k', '/data'], { timeoutMs: 15_000 })).stdout);
  if (free !== null && free < 500) problems.push(`only ${free} MB free on /data`);
  const frida = await findFridaServer(device);
  const fridaServer = frida.pids.length > 0 ? 'running' : facts.root ? 'not running' : 'unknown';
  if (frida.pids.length > 0 && !frida.listening)
    problems.push(`frida-server runs (pid ${frida.pids.join(', ')}) but does not listen on ${frida.port}`);
  const versions = await checkFridaVersions(frida.version, opts.loadFrida);
  if (versions.compatible === false) problems.push(versions.note);
  let caInstalled: DeviceHealth['caInstalled'] = 'unknown';
  if (caHash) {
    const sys = await device.shell(['ls', `/system/etc/security/cacerts/${caHash}.0`], { timeoutMs: 10_000 });
    const user = await device.shell(['ls', `/data/misc/user/0/cacerts-added/${caHash}.0`], {
      timeoutMs: 10_000,
    });
    caInstalled = sys.exitCode === 0 ? 'system' : user.exitCode === 0 ? 'user' : 'no';
  }
  const before = Date.now();
  const date = await device.shell(['date', '+%s'], { timeoutMs: 10_000 });
  const after = Date.now();
  const deviceSeconds = Number(date.stdout.trim());
  const clockSkewMs = Number.isFinite(deviceSeconds) ? deviceSeconds * 1000 - (before + after) / 2 : null;
  // `date +%s` has one-second resolution: only skew beyond that is a problem.
  if (clockSkewMs !== null && Math.abs(clockSkewMs) > 2_000)
    problems.push(`clock off by ${Math.round(clockSkewMs / 1000)} s`);
  return {
    problems,
    model: facts.model,
    sdk: facts.sdk,
    abi: facts.abi,
    root: facts.root,
    bootCompleted: facts.bootCompleted,
    batteryPercent: battery,
    dataFreeMb: free,
    fridaServer,
    fridaServerVersion: frida.version,
    fridaListening: frida.listening,
    fridaNote: versions.note,
    caInstalled,
    clockSkewMs: clockSkewMs === null ? null : Math.round(clockSkewMs),
  };
}

/** Health of every device of the farm: connects to each (with a timeout) and reads its state. */
export async function checkFarm(
  farm: Farm,
  caHash: string | null,
  opts: CheckOptions = {},
): Promise<DeviceHealth[]> {
  return Promise.all(
    farm.devices.map(async (d): Promise<DeviceHealth> => {
      const base = { name: d.name, kind: d.config.kind };
      if (!d.address) return { ...base, state: 'unavailable', problems: [d.unavailable ?? 'not reachable'] };
      let device: Device;
      try {
        device = await farm.connect(d.name, 10_000);
      } catch (err) {
        return { ...base, state: 'offline', problems: [describeError(err)] };
      }
      try {
        const h = await checkDevice(device, caHash, opts);
        return { ...base, state: h.problems.length > 0 ? 'unhealthy' : 'ok', ...h };
      } catch (err) {
        return { ...base, state: device.lost ? 'offline' : 'unhealthy', problems: [describeError(err)] };
      } finally {
        await device.close();
      }
    }),
  );
}
