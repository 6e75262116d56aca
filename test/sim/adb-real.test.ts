import { execa } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { ensureApks } from './helpers.ts';

/**
 * The sim driven by the real Debian `adb` (29.0.6) through a private adb server port — never the
 * user's 5037. Everything here is what a lab engineer would type.
 */
const ADB_SERVER_PORT = 15000 + (process.pid % 2000);
let sim: Sim;
let apks: ReturnType<typeof ensureApks>;
let tmp: string;

async function adb(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await execa('adb', ['-P', String(ADB_SERVER_PORT), '-s', sim.serial, ...args], {
    timeout: 15_000,
    reject: false,
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

beforeAll(async () => {
  apks = ensureApks();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-sim-adb-'));
  sim = await startSim({ seed: 'adb-real' });
  const c = await execa('adb', ['-P', String(ADB_SERVER_PORT), 'connect', sim.serial], { timeout: 15_000 });
  expect(c.stdout).toContain(`connected to ${sim.serial}`);
});

afterAll(async () => {
  await execa('adb', ['-P', String(ADB_SERVER_PORT), 'kill-server'], { timeout: 10_000, reject: false });
  await sim?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('sim with the real adb', () => {
  it('is listed as a device with its model', async () => {
    const r = await execa('adb', ['-P', String(ADB_SERVER_PORT), 'devices', '-l'], { timeout: 10_000 });
    const model = sim.device.props.get('ro.product.model')?.replace(/ /g, '_');
    expect(r.stdout).toMatch(new RegExp(`${sim.serial.replace(/\./g, '\\.')}\\s+device .*model:${model}`));
  });

  it('answers getprop, and exit codes travel over shell v2', async () => {
    const r = await adb('shell', 'getprop', 'ro.build.version.sdk');
    expect(r.stdout.trim()).toBe('29');
    expect((await adb('shell', 'getprop', 'ro.serialno')).stdout.trim()).toBe(sim.device.identity.serial);
    const missing = await adb('shell', 'frobnicate');
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('/system/bin/sh: frobnicate: inaccessible or not found');
  });

  it('pushes and pulls files byte for byte', async () => {
    const src = path.join(tmp, 'in.bin');
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) & 0xff));
    fs.writeFileSync(src, data);
    expect((await adb('push', src, '/sdcard/Download/in.bin')).exitCode).toBe(0);
    expect(sim.device.fs.read('/sdcard/Download/in.bin')?.equals(data)).toBe(true);
    const back = path.join(tmp, 'back.bin');
    expect((await adb('pull', '/sdcard/Download/in.bin', back)).exitCode).toBe(0);
    expect(fs.readFileSync(back).equals(data)).toBe(true);
    const missing = await adb('pull', '/sdcard/nope.bin', back);
    expect(missing.exitCode).not.toBe(0);
  });

  it('installs a real APK, lists, launches, grants and uninstalls it', async () => {
    const inst = await adb('install', apks.hello);
    expect(inst.stdout).toContain('Success');
    expect((await adb('shell', 'pm', 'list', 'packages', '-3')).stdout).toContain(
      'package:com.appwarden.fixture.hello',
    );
    await adb('shell', 'monkey', '-p', 'com.appwarden.fixture.hello', '1');
    const focus = await adb('shell', 'dumpsys window | grep mCurrentFocus');
    expect(focus.stdout).toContain('com.appwarden.fixture.hello/com.appwarden.fixture.hello.MainActivity');
    expect(
      (await adb('shell', 'pm', 'grant', 'com.appwarden.fixture.hello', 'android.permission.CAMERA'))
        .exitCode,
    ).toBe(0);
    const dump = await adb('shell', 'dumpsys', 'package', 'com.appwarden.fixture.hello');
    expect(dump.stdout).toMatch(/runtime permissions:\n\s+android\.permission\.CAMERA: granted=true/);
    const un = await adb('uninstall', 'com.appwarden.fixture.hello');
    expect(un.stdout).toContain('Success');
    expect((await adb('shell', 'pm', 'path', 'com.appwarden.fixture.hello')).exitCode).toBe(1);
  });

  it('installs the legacy way too (push to /data/local/tmp, then pm install) and runs shell without v2', async () => {
    const r = await adb('install', '--no-streaming', apks.model);
    expect(r.stdout).toContain('Performing Push Install');
    expect(r.stdout).toContain('Success');
    expect(sim.device.packages.get('com.appwarden.fixture.model')?.model).toContain('screens:');
    expect(sim.device.fs.list('/data/local/tmp')?.map((e) => e.name)).not.toContain('model.apk');
    expect((await adb('shell', '-x', 'getprop ro.product.brand')).stdout.trim()).toBe(
      sim.device.identity.profile.brand,
    );
  });

  it('installs through an install session as adb install-multiple does for split APKs', async () => {
    const r = await adb('install-multiple', '-g', apks.model);
    expect(r.stdout).toContain('Success');
    expect(
      sim.device.packages.get('com.appwarden.fixture.model')?.granted.has('android.permission.READ_CONTACTS'),
    ).toBe(true);
    const mixed = await adb('install-multiple', apks.model, apks.hello);
    expect(`${mixed.stdout}${mixed.stderr}`).toContain('INSTALL_FAILED_INVALID_APK');
  });

  it('rejects a file that is not an APK with the Android failure code', async () => {
    const bad = path.join(tmp, 'bad.apk');
    fs.writeFileSync(bad, 'this is not a zip');
    const r = await adb('install', bad);
    expect(r.exitCode).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('Failure [INSTALL_PARSE_FAILED_NOT_APK');
  });

  it('dumps logcat and captures a PNG screen over exec-out', async () => {
    const log = await adb('logcat', '-d');
    expect(log.stdout).toMatch(
      /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+\d+\s+\d+ I ActivityManager: System now ready$/m,
    );
    const png = await execa(
      'adb',
      ['-P', String(ADB_SERVER_PORT), '-s', sim.serial, 'exec-out', 'screencap', '-p'],
      {
        timeout: 15_000,
        encoding: 'buffer',
      },
    );
    const buf = Buffer.from(png.stdout);
    expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(buf.readUInt32BE(16)).toBe(sim.device.screen.width);
    expect(buf.readUInt32BE(20)).toBe(sim.device.screen.height);
  });

  it('carries a device-side connection back to the host through adb reverse', async () => {
    const server = net.createServer((s) =>
      s.on('data', (d) => s.end(Buffer.concat([Buffer.from('host got '), d]))),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const hostPort = (server.address() as net.AddressInfo).port;
    try {
      expect((await adb('reverse', 'tcp:7000', `tcp:${hostPort}`)).exitCode).toBe(0);
      const stream = await sim.daemon.reverse.open(7000);
      expect(stream).toBeDefined();
      await stream!.write('hello');
      const parts: Buffer[] = [];
      for (let c = await stream!.read(); c; c = await stream!.read()) parts.push(c);
      expect(Buffer.concat(parts).toString()).toBe('host got hello');
      expect(await sim.daemon.reverse.open(7001)).toBeUndefined();
    } finally {
      await adb('reverse', '--remove-all');
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('streams binary screencap output intact through adb shell, and refuses adb root like a user build', async () => {
    const png = await execa(
      'adb',
      ['-P', String(ADB_SERVER_PORT), '-s', sim.serial, 'shell', 'screencap', '-p'],
      {
        timeout: 15_000,
        encoding: 'buffer',
      },
    );
    expect(Buffer.from(png.stdout).equals(sim.device.screenshot())).toBe(true);
    const root = await adb('root');
    expect(`${root.stdout}${root.stderr}`).toContain('adbd cannot run as root in production builds');
  });

  it('sets up and lists adb reverse rules', async () => {
    expect((await adb('reverse', 'tcp:8080', 'tcp:18080')).exitCode).toBe(0);
    expect((await adb('reverse', '--list')).stdout).toContain('tcp:8080 tcp:18080');
    expect((await adb('reverse', '--remove-all')).exitCode).toBe(0);
    expect(sim.daemon.reverse.list()).toEqual([]);
  });

  it('drops a peer that sends garbage and keeps serving adb', async () => {
    const dropped = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: sim.port }, () => s.write(Buffer.alloc(64, 0x41)));
      s.on('close', () => resolve(true));
      s.on('error', () => undefined);
      setTimeout(() => resolve(false), 5000);
    });
    expect(dropped).toBe(true);
    expect((await adb('shell', 'echo', 'still here')).stdout.trim()).toBe('still here');
  });
});
