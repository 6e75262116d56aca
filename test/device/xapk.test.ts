import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { installApks, isInstalled, uninstall } from '../../src/device/ops/packages.ts';
import { readXapk } from '../../src/device/xapk.ts';
import { planJobs } from '../../src/farm/run.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { craftZip } from './zip-craft.ts';

const root = path.resolve(import.meta.dirname, '../..');
const apkDir = path.join(root, 'test/fixtures/apks/build');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-xapk-'));
const PKG = 'com.appwarden.fixture.hello';
const OBB = `Android/obb/${PKG}/main.3.${PKG}.obb`;
const obbBytes = randomBytes(300 * 1024);
let sim: Sim;
let device: Device;

beforeAll(async () => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  sim = await startSim({ seed: 'xapk-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
}, 120_000);

afterAll(async () => {
  await device?.close();
  await sim?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base = () => fs.readFileSync(path.join(apkDir, 'hello.apk'));
const split = () => fs.readFileSync(path.join(apkDir, 'hello-split.apk'));

function xapk(name: string, manifest: unknown, files: { name: string; data: Buffer }[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    craftZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }, ...files]),
  );
  return file;
}

const goodManifest = {
  xapk_version: 2,
  package_name: PKG,
  version_code: '3',
  // Listed split first: the reader must still install the base first.
  split_apks: [
    { file: 'config.xxhdpi.apk', id: 'config.xxhdpi' },
    { file: `${PKG}.apk`, id: 'base' },
  ],
  expansions: [{ file: OBB, install_location: 'EXTERNAL_STORAGE', install_path: OBB }],
};

describe('XAPK bundles', () => {
  it('installs the base with its split and places the OBB where the app looks for it', async () => {
    const file = xapk('good.xapk', goodManifest, [
      { name: `${PKG}.apk`, data: base() },
      { name: 'config.xxhdpi.apk', data: split() },
      { name: OBB, data: obbBytes },
      { name: 'icon.png', data: Buffer.from('not needed') },
    ]);
    const x = await readXapk(file, fs.mkdtempSync(path.join(dir, 'good-')));
    expect(x.apks.map((f) => fs.readFileSync(f).equals(base()))).toEqual([true, false]);
    await uninstall(device, PKG);
    await installApks(device, [file]);
    expect(await isInstalled(device, PKG)).toBe(true);
    const pulled = await device.pull(`/sdcard/${OBB}`);
    expect(pulled.equals(obbBytes)).toBe(true);
    // Nothing from the bundle is left in the temp folder.
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('appwarden-xapk-'))).toEqual([]);
  });

  it('names a suite target by the package its manifest declares', async () => {
    const file = xapk('target.xapk', { package_name: PKG }, [{ name: `${PKG}.apk`, data: base() }]);
    const suite = parseConfigText(
      JSON.stringify({
        name: 'x',
        targets: [{ apk: file, category: 'utilities' }],
        scenarios: [path.join(root, 'scenarios/first-launch-idle.yaml')],
      }),
      path.join(dir, 'suite.yaml'),
      'suite',
    );
    const [job] = await planJobs(suite);
    expect(job?.target).toMatchObject({ pkg: PKG, apks: [file] });
  });

  it('reads a version-1 bundle (one APK, no split list)', async () => {
    const file = xapk('v1.xapk', { package_name: PKG }, [{ name: `${PKG}.apk`, data: base() }]);
    const work = fs.mkdtempSync(path.join(dir, 'v1-'));
    const x = await readXapk(file, work);
    expect(x.packageName).toBe(PKG);
    expect(x.apks).toHaveLength(1);
    expect(fs.readFileSync(x.apks[0] as string).equals(base())).toBe(true);
    expect(x.obbs).toEqual([]);
  });

  it('refuses hostile or broken bundles with one line naming the file, writing nothing outside its folder', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'escape-obb.xapk',
        xapk(
          'escape-obb.xapk',
          {
            ...goodManifest,
            expansions: [{ file: OBB, install_path: `Android/obb/${PKG}/../../../data/x` }],
          },
          [
            { name: `${PKG}.apk`, data: base() },
            { name: 'config.xxhdpi.apk', data: split() },
            { name: OBB, data: obbBytes },
          ],
        ),
        /would be placed outside Android\/obb\/com\.appwarden\.fixture\.hello\//,
      ],
      [
        'other-pkg-obb.xapk',
        xapk(
          'other-pkg-obb.xapk',
          { ...goodManifest, expansions: [{ file: OBB, install_path: 'Android/obb/com.bank/main.1.obb' }] },
          [{ name: OBB, data: obbBytes }],
        ),
        /outside Android\/obb\/com\.appwarden\.fixture\.hello\//,
      ],
      [
        'escape-entry.xapk',
        xapk(
          'escape-entry.xapk',
          { package_name: PKG, split_apks: [{ file: '../../evil.apk', id: 'base' }] },
          [{ name: '../../evil.apk', data: base() }],
        ),
        /unsafe path|invalid relative path/,
      ],
      [
        'missing.xapk',
        xapk('missing.xapk', goodManifest, [{ name: `${PKG}.apk`, data: base() }]),
        /names "config\.xxhdpi\.apk", which the archive does not contain/,
      ],
      [
        'bad-manifest.xapk',
        xapk('bad-manifest.xapk', { package_name: 'not a package' }, []),
        /not a valid XAPK manifest/,
      ],
      [
        'no-manifest.xapk',
        (() => {
          const f = path.join(dir, 'no-manifest.xapk');
          fs.writeFileSync(f, craftZip([{ name: 'a.apk', data: base() }]));
          return f;
        })(),
        /has no manifest\.json/,
      ],
      [
        'not-zip.xapk',
        (() => {
          const f = path.join(dir, 'not-zip.xapk');
          fs.writeFileSync(f, 'this is not a zip');
          return f;
        })(),
        /not a readable ZIP archive/,
      ],
    ];
    for (const [name, file, why] of cases) {
      const work = fs.mkdtempSync(path.join(dir, 'work-'));
      const err = (await readXapk(file, work).catch((e: unknown) => e)) as Error;
      expect(err, name).toBeInstanceOf(Error);
      expect(err.message, name).toMatch(new RegExp(`^Failed to read XAPK .*${name.replace('.', '\\.')}: `));
      expect(err.message, name).toMatch(why);
      expect(err.message.includes('\n'), name).toBe(false);
      // Nothing was written outside the work folder (the escape target would be next to `dir`).
      expect(fs.existsSync(path.join(dir, '..', 'evil.apk'))).toBe(false);
    }
  });

  it('bounds the extracted size', async () => {
    const file = xapk('big.xapk', goodManifest, [
      { name: `${PKG}.apk`, data: base() },
      { name: 'config.xxhdpi.apk', data: split() },
      { name: OBB, data: obbBytes },
    ]);
    await expect(
      readXapk(file, fs.mkdtempSync(path.join(dir, 'big-')), { maxBytes: 100_000 }),
    ).rejects.toThrow(/would extract to more than 100000 bytes/);
  });
});
