import { CapabilityMissing, failure } from '../../errors.ts';
import { loadFrida, type FridaAvailability } from '../../hooks/frida.ts';
import { childLog } from '../../log.ts';
import type { Device, ShellResult } from '../device.ts';
import { quoteArgv } from '../shell-quote.ts';
import { listeningPorts } from '../parse/proc-net-tcp.ts';

/** Where frida's docs (and every lab) put the server. */
export const FRIDA_SERVER_PATH = '/data/local/tmp/frida-server';
export const FRIDA_SERVER_PORT = 27042;

const log = childLog({ op: 'frida-server' });

export interface FridaServerState {
  /** Pids of running `frida-server` processes. */
  pids: number[];
  /** Something listens on the frida port (27042 unless another was asked for). */
  listening: boolean;
  /** `frida-server --version` of the binary at `path`; null when there is no runnable binary there. */
  version: string | null;
  path: string;
  port: number;
}

export interface FridaVersionCheck {
  server: string | null;
  /** The host's frida binding version; null when the binding is not installed. */
  host: string | null;
  /** Same major version (frida's protocol compatibility line); null when one side is unknown. */
  compatible: boolean | null;
  /** One sentence for reports and `devices check`. */
  note: string;
}

/** Runs argv as root: `su 0 …` (userdebug/AOSP su), then `su -c '…'` (Magisk, SuperSU). */
async function asRoot(device: Device, argv: readonly string[], timeoutMs: number): Promise<ShellResult> {
  const first = await device.shell(['su', '0', ...argv], { timeoutMs });
  if (first.exitCode === 0 || !/usage|unknown|invalid|not found/i.test(first.stderr + first.stdout))
    return first;
  log.debug({ out: first.stderr || first.stdout }, "'su 0' refused; trying 'su -c'");
  // su -c takes one command line: quoted here, the one place argv becomes a string.
  return device.shell(['su', '-c', quoteArgv(argv)], { timeoutMs });
}

async function fridaPids(device: Device): Promise<number[]> {
  const r = await device.shell(['pidof', 'frida-server'], { timeoutMs: 10_000 });
  return r.stdout
    .trim()
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

async function listens(device: Device, port: number): Promise<boolean> {
  // Readable by the shell user on every Android version (ss/netstat are not on all of them).
  const r = await device.shell(['cat', '/proc/net/tcp', '/proc/net/tcp6'], { timeoutMs: 10_000 });
  return listeningPorts(r.stdout).has(port);
}

/** The version the binary at `path` reports, or null when it is missing or does not run. */
export async function fridaServerVersion(device: Device, path = FRIDA_SERVER_PATH): Promise<string | null> {
  const r = await device.shell([path, '--version'], { timeoutMs: 10_000 });
  const v = r.stdout.trim().split('\n')[0]?.trim() ?? '';
  if (r.exitCode !== 0 || !/^\d+\.\d+\.\d+/.test(v)) {
    log.debug({ path, out: (r.stderr || r.stdout).trim() }, 'no runnable frida-server');
    return null;
  }
  return v;
}

/** Whether frida-server runs and listens, and which version is installed at `path`. */
export async function findFridaServer(
  device: Device,
  opts: { path?: string; port?: number } = {},
): Promise<FridaServerState> {
  const path = opts.path ?? FRIDA_SERVER_PATH;
  const port = opts.port ?? FRIDA_SERVER_PORT;
  const [pids, listening, version] = [
    await fridaPids(device),
    await listens(device, port),
    await fridaServerVersion(device, path),
  ];
  return { pids, listening, version, path, port };
}

/** Pushes a frida-server binary (for the device's ABI) to `path`, executable. */
export async function pushFridaServer(
  device: Device,
  binary: Uint8Array,
  path = FRIDA_SERVER_PATH,
): Promise<void> {
  await device.push(binary, path, { timeoutMs: 120_000, mode: 0o755 });
  // Some sync implementations ignore the mode: set it explicitly.
  await device.run(['chmod', '755', path], { timeoutMs: 10_000 });
}

/**
 * Starts frida-server as root, daemonised, and waits until it listens. Already running and listening:
 * returns at once. Needs root: frida-server must ptrace other apps.
 */
export async function startFridaServer(
  device: Device,
  opts: { root: boolean; path?: string; port?: number; timeoutMs?: number },
): Promise<FridaServerState> {
  if (!opts.root) throw new CapabilityMissing('root', `start frida-server on ${device.serial}`);
  const path = opts.path ?? FRIDA_SERVER_PATH;
  const port = opts.port ?? FRIDA_SERVER_PORT;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = await findFridaServer(device, { path, port });
  if (now.pids.length > 0 && now.listening) return now;
  if (now.version === null) {
    throw failure(
      'start frida-server on',
      device.serial,
      `there is no runnable frida-server at ${path}`,
      'Push the frida-server release for the device ABI first (pushFridaServer).',
    );
  }
  const argv = port === FRIDA_SERVER_PORT ? [path, '-D'] : [path, '-D', '-l', `0.0.0.0:${port}`];
  const started = await asRoot(device, argv, 15_000);
  if (started.exitCode !== 0) {
    const why =
      (started.stderr || started.stdout).trim().split('\n').pop() || `exit code ${started.exitCode}`;
    throw failure('start frida-server on', device.serial, why, 'Check that su grants root to the shell.');
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await listens(device, port)) return findFridaServer(device, { path, port });
    await new Promise((r) => setTimeout(r, 200));
  }
  throw failure(
    'start frida-server on',
    device.serial,
    `it did not listen on port ${port} within ${timeoutMs} ms`,
    `Run '${path} -D' as root by hand and read its output.`,
  );
}

/** Stops the given frida-server processes (the pair of `startFridaServer`). */
export async function stopFridaServer(device: Device, pids: readonly number[]): Promise<void> {
  if (pids.length === 0) return;
  const r = await asRoot(device, ['kill', '-9', ...pids.map(String)], 10_000);
  if (r.exitCode !== 0) {
    throw failure(
      'stop frida-server on',
      device.serial,
      (r.stderr || r.stdout).trim() || `exit ${r.exitCode}`,
    );
  }
}

/** Compares the server's version with the host binding's (loaded lazily; absent → said so, not thrown). */
export async function checkFridaVersions(
  server: string | null,
  load: () => Promise<FridaAvailability> = () => loadFrida(),
): Promise<FridaVersionCheck> {
  const frida = await load();
  if (!frida.available) {
    return {
      server,
      host: null,
      compatible: null,
      note: `frida-server ${server ?? 'not installed'}; host binding ${frida.reason}`,
    };
  }
  const host = frida.version;
  if (server === null || host === null) {
    return {
      server,
      host,
      compatible: null,
      note: `frida-server ${server ?? 'not installed'}; host binding ${host ?? 'version unknown'}`,
    };
  }
  const compatible = server.split('.')[0] === host.split('.')[0];
  return {
    server,
    host,
    compatible,
    note: compatible
      ? `frida-server ${server} matches host binding ${host}`
      : `frida-server ${server} does not match host binding ${host}: install frida-server ${host}`,
  };
}
