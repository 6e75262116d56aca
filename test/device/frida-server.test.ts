import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import {
  checkFridaVersions,
  findFridaServer,
  FRIDA_SERVER_PATH,
  pushFridaServer,
  startFridaServer,
  stopFridaServer,
} from '../../src/device/ops/frida-server.ts';
import { listeningPorts } from '../../src/device/parse/proc-net-tcp.ts';
import { CapabilityMissing } from '../../src/errors.ts';
import { checkDevice } from '../../src/farm/health.ts';
import type { FridaAvailability, FridaModule } from '../../src/hooks/frida.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { simBinary } from '../../src/sim/shell/binaries.ts';

let rooted: Sim;
let plain: Sim;
let device: Device;
let unrooted: Device;

beforeAll(async () => {
  rooted = await startSim({ seed: 'frida-rooted', profile: { root: true } });
  plain = await startSim({ seed: 'frida-plain' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: rooted.port });
  unrooted = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: plain.port });
});

afterAll(async () => {
  await device?.close();
  await unrooted?.close();
  await rooted?.stop();
  await plain?.stop();
});

/** The frida binding cannot load here (no native build): its loader is replaced by a fixed answer. */
const binding =
  (version: string | null): (() => Promise<FridaAvailability>) =>
  async () => ({ available: true, frida: {} as FridaModule, version });
const noBinding = async (): Promise<FridaAvailability> => ({
  available: false,
  reason: 'unavailable: install frida (package not installed; npm i frida fetches its native binding)',
});

describe('/proc/net/tcp', () => {
  it('lists ports in LISTEN state from tcp and tcp6 tables', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:69A2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:13AD 0100007F:C350 01 00000000:00000000 00:00000000 00000000 10100        0 2 1 0 20 4 30 10 -1',
      '  sl  local_address                         remote_address                        st tx_queue rx_queue',
      '   0: 00000000000000000000000000000000:15B3 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000',
    ].join('\n');
    // 0x13AD is an established connection (01), not a listener.
    expect([...listeningPorts(text)].sort((a, b) => a - b)).toEqual([5555, 27042]);
  });
});

describe('frida-server on a rooted sim', () => {
  it('pushes, starts as root, waits until it listens, reports its version, and stops', async () => {
    expect(await findFridaServer(device)).toEqual({
      pids: [],
      listening: false,
      version: null,
      path: FRIDA_SERVER_PATH,
      port: 27042,
    });
    await pushFridaServer(device, simBinary('frida-server', '17.2.11'));
    expect((await device.run(['ls', '-l', FRIDA_SERVER_PATH])).startsWith('-rwxr-xr-x')).toBe(true);
    expect(await findFridaServer(device)).toMatchObject({ pids: [], listening: false, version: '17.2.11' });

    const state = await startFridaServer(device, { root: true });
    expect(state).toMatchObject({ listening: true, version: '17.2.11' });
    expect(state.pids).toHaveLength(1);
    const ps = await device.run(['ps', '-A']);
    expect(ps).toMatch(new RegExp(`^root\\s+${state.pids[0]}\\s.*frida-server$`, 'm'));
    // Starting again finds the running one.
    expect((await startFridaServer(device, { root: true })).pids).toEqual(state.pids);

    const health = await checkDevice(device, null, { loadFrida: noBinding });
    expect(health).toMatchObject({
      fridaServer: 'running',
      fridaServerVersion: '17.2.11',
      fridaListening: true,
    });
    expect(health.fridaNote).toBe(
      'frida-server 17.2.11; host binding unavailable: install frida (package not installed; npm i frida fetches its native binding)',
    );
    const older = await checkDevice(device, null, { loadFrida: binding('16.5.9') });
    expect(older.problems).toContain(
      'frida-server 17.2.11 does not match host binding 16.5.9: install frida-server 16.5.9',
    );

    await stopFridaServer(device, state.pids);
    expect(await findFridaServer(device)).toMatchObject({ pids: [], listening: false, version: '17.2.11' });
    expect((await checkDevice(device, null, { loadFrida: noBinding })).fridaServer).toBe('not running');
  });

  it('refuses a file that is not a runnable frida-server, saying so', async () => {
    await device.push(Buffer.from('\x7fELF\x02\x01\x01 not for this ABI'), '/data/local/tmp/other', {
      timeoutMs: 10_000,
      mode: 0o755,
    });
    await expect(startFridaServer(device, { root: true, path: '/data/local/tmp/other' })).rejects.toThrow(
      `Failed to start frida-server on ${device.serial}: there is no runnable frida-server at /data/local/tmp/other.`,
    );
    const r = await device.shell(['/data/local/tmp/other', '--version']);
    expect(r).toMatchObject({ exitCode: 126 });
    expect(r.stderr).toContain('not executable: ELF file');
  });
});

describe('frida-server without root', () => {
  it('is refused as a missing capability; the binary itself fails as the shell user', async () => {
    await pushFridaServer(unrooted, simBinary('frida-server', '17.2.11'));
    await expect(startFridaServer(unrooted, { root: false })).rejects.toThrow(CapabilityMissing);
    await expect(startFridaServer(unrooted, { root: false })).rejects.toThrow(
      `Failed to start frida-server on ${unrooted.serial}: requires root.`,
    );
    const r = await unrooted.shell([FRIDA_SERVER_PATH, '-D']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Unable to load SELinux policy/);
    expect((await findFridaServer(unrooted)).listening).toBe(false);
    // The version is still readable, so `devices check` shows what is installed.
    expect(await checkDevice(unrooted, null, { loadFrida: noBinding })).toMatchObject({
      fridaServer: 'unknown',
      fridaServerVersion: '17.2.11',
    });
  });
});

describe('version check against the host binding', () => {
  it('compares major versions, and says plainly when the binding is absent', async () => {
    expect(await checkFridaVersions('17.2.11', binding('17.0.5'))).toMatchObject({
      compatible: true,
      note: 'frida-server 17.2.11 matches host binding 17.0.5',
    });
    expect(await checkFridaVersions(null, binding('17.0.5'))).toMatchObject({
      compatible: null,
      note: 'frida-server not installed; host binding 17.0.5',
    });
    // The real loader: frida is not installed on this machine.
    const real = await checkFridaVersions('17.2.11');
    expect(real).toMatchObject({ server: '17.2.11', host: null, compatible: null });
    expect(real.note).toMatch(/^frida-server 17\.2\.11; host binding unavailable: install frida/);
  });
});

describe('frida-server through the real adb', () => {
  const port = 19000 + (process.pid % 900);
  const adb = (...args: string[]) =>
    execa('adb', ['-P', String(port), ...args], { timeout: 15_000, reject: false });

  afterAll(async () => {
    await adb('kill-server');
  });

  it('is pushed with adb, started by the op through the adb server, and seen listening by adb shell', async () => {
    const s = await startSim({ seed: 'frida-adb', profile: { root: true } });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-frida-'));
    try {
      expect((await adb('connect', s.serial)).stdout).toContain(`connected to ${s.serial}`);
      const bin = path.join(tmp, 'frida-server');
      fs.writeFileSync(bin, simBinary('frida-server', '17.2.11'));
      expect((await adb('-s', s.serial, 'push', bin, FRIDA_SERVER_PATH)).exitCode).toBe(0);
      expect((await adb('-s', s.serial, 'shell', 'chmod', '755', FRIDA_SERVER_PATH)).exitCode).toBe(0);
      expect((await adb('-s', s.serial, 'shell', FRIDA_SERVER_PATH, '--version')).stdout.trim()).toBe(
        '17.2.11',
      );

      const d = await Device.connect('adb', {
        via: 'server',
        serial: s.serial,
        server: { host: '127.0.0.1', port },
      });
      try {
        const state = await startFridaServer(d, { root: true });
        expect(state).toMatchObject({ listening: true, version: '17.2.11' });
        const tcp = await adb('-s', s.serial, 'shell', 'cat', '/proc/net/tcp');
        expect(tcp.stdout).toMatch(/^\s*\d+: 00000000:69A2 00000000:0000 0A /m);
        expect((await adb('-s', s.serial, 'shell', 'pidof', 'frida-server')).stdout.trim()).toBe(
          String(state.pids[0]),
        );
      } finally {
        await d.close();
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      await s.stop();
    }
  });
});
