import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { DeviceLost } from '../../src/errors.ts';
import { foreground, forceStop, pidof, startApp } from '../../src/device/ops/activity.ts';
import { deviceFacts } from '../../src/device/ops/facts.ts';
import { readIdentity } from '../../src/device/ops/identity.ts';
import {
  InstallFailed,
  installApks,
  isInstalled,
  listPackages,
  uninstall,
} from '../../src/device/ops/packages.ts';
import { grant, permissionStates, revoke } from '../../src/device/ops/permissions.ts';
import { clearGlobalProxy, getGlobalProxy, setGlobalProxy } from '../../src/device/ops/proxy.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const apkDir = path.join(root, 'test/fixtures/apks/build');

let sim: Sim;
let device: Device;

beforeAll(async () => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  sim = await startSim({ seed: 'device-layer-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
});

function fixture(name: string): string {
  const p = path.join(apkDir, `${name}.apk`);
  if (!fs.existsSync(p)) throw new Error(`fixture APK ${p} was not built`);
  return p;
}

describe('device layer on a sim, over the ADB daemon protocol (no adb binary)', () => {
  it('runs shell commands with exit codes and argv that survive quoting', async () => {
    const r = await device.shell(['echo', "it's a $HOME; test"]);
    expect(r.stdout.trim()).toBe("it's a $HOME; test");
    expect(r.exitCode).toBe(0);
    const missing = await device.shell(['definitely-not-a-command']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr + missing.stdout).toMatch(/inaccessible or not found/);
  });

  it('reads device facts', async () => {
    const facts = await deviceFacts(device);
    expect(facts.bootCompleted).toBe(true);
    expect(facts.sdk).toBeGreaterThanOrEqual(21);
    expect(facts.model).not.toBe('unknown');
  });

  it('pushes and pulls bytes unchanged', async () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256));
    await device.push(bytes, '/data/local/tmp/blob.bin');
    expect((await device.pull('/data/local/tmp/blob.bin')).equals(bytes)).toBe(true);
  });

  it('installs a real APK, lists it, grants and revokes, starts and stops it, uninstalls it', async () => {
    await installApks(device, [fixture('hello')]);
    const pkgs = await listPackages(device, true);
    expect(pkgs.length).toBeGreaterThan(0);
    const pkg = pkgs.find((p) => p.includes('hello')) as string;
    expect(pkg).toBeDefined();
    expect(await isInstalled(device, pkg)).toBe(true);

    const before = await permissionStates(device, pkg);
    const perm = before[0]?.name;
    if (perm) {
      await grant(device, pkg, perm);
      expect((await permissionStates(device, pkg)).find((p) => p.name === perm)?.granted).toBe(true);
      await revoke(device, pkg, perm);
      expect((await permissionStates(device, pkg)).find((p) => p.name === perm)?.granted).toBe(false);
    }

    await startApp(device, pkg);
    expect((await foreground(device))?.package).toBe(pkg);
    expect((await pidof(device, pkg)).length).toBeGreaterThan(0);
    await forceStop(device, pkg);
    expect(await pidof(device, pkg)).toEqual([]);

    expect(await uninstall(device, pkg)).toBe(true);
    expect(await isInstalled(device, pkg)).toBe(false);
  });

  it("refuses a file that is not an APK with the installer's reason", async () => {
    const bogus = path.join(apkDir, 'not-an-apk.apk');
    fs.writeFileSync(bogus, 'this is not a zip');
    const err = await installApks(device, [bogus]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstallFailed);
    expect((err as InstallFailed).reason).toMatch(/^INSTALL_(PARSE_)?FAILED_/);
    expect((err as Error).message).toContain(bogus);
  });

  it("refuses an APK path it cannot read as the file's problem, before touching the device", async () => {
    for (const bad of [path.join(apkDir, 'no-such.apk'), apkDir]) {
      const err = await installApks(device, [bad]).catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(InstallFailed);
      expect((err as Error).message).toMatch(new RegExp(`Failed to install ${bad}: cannot read it`));
    }
    const left = await device.shell(['ls', '/data/local/tmp']);
    expect(left.stdout).not.toMatch(/appwarden-/);
  });

  it('sets and clears the global proxy', async () => {
    const target = await setGlobalProxy(device, { host: '127.0.0.1', port: 18_080 }, false);
    expect(await getGlobalProxy(device)).toBe(target);
    await clearGlobalProxy(device);
    expect(await getGlobalProxy(device)).toBeNull();
  });

  it("reads the sim's identity through the same shell commands a real device offers", async () => {
    const expected = sim.device.identity;
    const { identity } = await readIdentity(device, 29);
    expect(identity.androidId).toBe(expected.androidId);
    expect(identity.serial).toBe(expected.serial);
    expect(identity.ssid).toBe(expected.ssid);
    expect(identity.bssid.toLowerCase()).toBe(expected.bssid.toLowerCase());
    expect(identity.imei).toEqual([expected.imei[0]]);
    expect(identity.imsi).toEqual([expected.imsi]);
    expect(identity.iccid).toEqual([expected.iccid]);
  });

  it('turns lost when the device goes away, failing pending and later calls with DeviceLost', async () => {
    const other = await startSim({ seed: 'lost' });
    const d = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: other.port });
    expect((await d.shell(['echo', 'hi'])).stdout.trim()).toBe('hi');
    const pending = d.shell(['sleep', '5']).catch((e: unknown) => e);
    await other.stop();
    expect(await pending).toBeInstanceOf(DeviceLost);
    await expect(d.shell(['echo', 'again'])).rejects.toBeInstanceOf(DeviceLost);
    expect(d.lost).toBe(true);
  });
});
