import { execFileSync } from 'node:child_process';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { pidof, startApp } from '../../src/device/ops/activity.ts';
import { APEX_CA_DIR, installCa, SYSTEM_CA_DIR, USER_CA_DIR } from '../../src/device/ops/ca.ts';
import { installApks } from '../../src/device/ops/packages.ts';
import { rebootAndWait } from '../../src/device/ops/reboot.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { mountsOf } from '../../src/sim/mounts.ts';

/**
 * The farm CA on rooted devices, played against rooted sims that answer `su`, `mount`, `umount`, `nsenter`,
 * `cp`, `chown`, `chcon`. The sim has one file tree, so these tests check the command sequence (which
 * namespaces got the bind) and what the stores hold afterwards — not kernel mount semantics.
 */
const root = path.resolve(import.meta.dirname, '../..');
const HELLO = path.join(root, 'test/fixtures/apks/build/hello.apk');
const PKG = 'com.appwarden.fixture.hello';
const OURS = { fileName: 'abcdef01.0', pem: tls.rootCertificates[0] as string };
/** Stand-ins for the certificates an image ships. */
const SHIPPED = ['11111111.0', '22222222.0'];
const sims: Sim[] = [];

beforeAll(() => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

async function device(sdk: number, rooted: boolean): Promise<{ sim: Sim; device: Device }> {
  const sim = await startSim({ seed: `ca-${sdk}-${rooted}`, profile: { sdk, root: rooted } });
  sims.push(sim);
  const store = sdk >= 34 ? APEX_CA_DIR : SYSTEM_CA_DIR;
  for (const [i, name] of SHIPPED.entries())
    sim.device.fs.write(`${store}/${name}`, Buffer.from(tls.rootCertificates[i + 1] as string));
  return { sim, device: await Device.connect('adb', { via: 'daemon', host: '127.0.0.1', port: sim.port }) };
}

const ls = async (d: Device, dir: string) =>
  (await d.shell(['ls', dir])).stdout.trim().split('\n').filter(Boolean);

describe('farm CA on a rooted Android 14 device (Conscrypt APEX)', () => {
  it('binds a tmpfs store with the shipped CAs plus ours over the APEX store in zygote and every app', async () => {
    const { sim, device: d } = await device(34, true);
    await installApks(d, [HELLO]);
    await startApp(d, PKG);
    const [appPid] = await pidof(d, PKG);
    const zygote = sim.device.pidOf('zygote64') as number;
    // zygote's children: system_server, the system apps and ours.
    const children = sim.device
      .processList()
      .filter((p) => p.ppid === zygote)
      .map((p) => p.pid);
    expect(children).toContain(appPid);

    const ca = await installCa(d, OURS, { sim: false, root: true, sdk: 34 });
    expect(ca.store).toBe('system');
    expect(ca.note).toBe(
      `Conscrypt APEX store: bind-mounted into ${children.length + 1} mount namespace(s) (zygote and running apps)`,
    );
    expect(await ls(d, APEX_CA_DIR)).toEqual([...SHIPPED, OURS.fileName].sort());
    expect((await d.run(['cat', `${APEX_CA_DIR}/${OURS.fileName}`])).trim()).toBe(OURS.pem.trim());
    const mounts = mountsOf(sim.device).map((m) => ({
      type: m.type,
      target: m.target,
      ns: [...m.namespaces].sort(),
    }));
    expect(mounts).toEqual([
      { type: 'tmpfs', target: SYSTEM_CA_DIR, ns: [0] },
      { type: 'bind', target: APEX_CA_DIR, ns: [zygote, ...children].sort() },
    ]);

    await ca.remove();
    expect(mountsOf(sim.device)).toEqual([]);
    expect(await ls(d, APEX_CA_DIR)).toEqual(SHIPPED);
    expect(await ls(d, SYSTEM_CA_DIR)).toEqual([]);
    await d.close();
  });

  it('is undone by a reboot, as on a device', async () => {
    const { sim, device: d } = await device(34, true);
    const ca = await installCa(d, OURS, { sim: false, root: true, sdk: 34 });
    expect(ca.store).toBe('system');
    await d.close();
    await rebootAndWait(
      'adb',
      { via: 'daemon', host: '127.0.0.1', port: sim.port },
      { timeoutMs: 10_000, pollMs: 50 },
    );
    const again = await Device.connect('adb', { via: 'daemon', host: '127.0.0.1', port: sim.port });
    expect(await ls(again, APEX_CA_DIR)).toEqual(SHIPPED);
    await again.close();
  });

  it('falls back to the user store, saying why, on an unrooted device', async () => {
    const { sim, device: d } = await device(34, false);
    const ca = await installCa(d, OURS, { sim: false, root: false, sdk: 34 });
    expect(ca.store).toBe('user');
    expect(ca.note).toMatch(/not rooted: CA placed in the user store, which apps targeting API 24\+ ignore/);
    expect(await ls(d, USER_CA_DIR)).toEqual([OURS.fileName]);
    expect(await ls(d, APEX_CA_DIR)).toEqual(SHIPPED);
    expect(mountsOf(sim.device)).toEqual([]);
    await d.close();
  });
});

describe('farm CA on a rooted Android 11 device', () => {
  it('mounts a tmpfs over the system store holding its CAs plus ours, without touching the APEX', async () => {
    const { sim, device: d } = await device(30, true);
    const ca = await installCa(d, OURS, { sim: false, root: true, sdk: 30 });
    expect(ca.store).toBe('system');
    expect(await ls(d, SYSTEM_CA_DIR)).toEqual([...SHIPPED, OURS.fileName].sort());
    expect(mountsOf(sim.device).map((m) => m.type)).toEqual(['tmpfs']);
    await ca.remove();
    expect(await ls(d, SYSTEM_CA_DIR)).toEqual(SHIPPED);
    await d.close();
  });
});
