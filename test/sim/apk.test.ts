import fs from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApkInstallError, readApk } from '../../src/sim/apk/manifest.ts';
import { readZipDirectory, readZipEntry, ZipFormatError } from '../../src/sim/apk/zip.ts';
import { ensureApks } from './helpers.ts';

let apks: ReturnType<typeof ensureApks>;
beforeAll(() => {
  apks = ensureApks();
});

/** A one-entry ZIP built by hand (deflated), to test the reader without the fixtures. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const nameBuf = Buffer.from(name);
  const loc = Buffer.alloc(30);
  loc.writeUInt32LE(0x04034b50, 0);
  loc.writeUInt16LE(8, 8);
  loc.writeUInt32LE(data.length, 18);
  loc.writeUInt32LE(content.length, 22);
  loc.writeUInt16LE(nameBuf.length, 26);
  const cen = Buffer.alloc(46);
  cen.writeUInt32LE(0x02014b50, 0);
  cen.writeUInt16LE(8, 10);
  cen.writeUInt32LE(data.length, 20);
  cen.writeUInt32LE(content.length, 24);
  cen.writeUInt16LE(nameBuf.length, 28);
  cen.writeUInt32LE(0, 42);
  const cdOffset = loc.length + nameBuf.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cen.length + nameBuf.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([loc, nameBuf, data, cen, nameBuf, eocd]);
}

describe('APK reading', () => {
  it('reads package, version, SDKs, permissions and the launcher activity of a real APK', () => {
    const info = readApk(fs.readFileSync(apks.hello));
    expect(info).toMatchObject({
      packageName: 'com.appwarden.fixture.hello',
      versionCode: 3,
      versionName: '1.2',
      minSdk: 21,
      targetSdk: 29,
      permissions: ['android.permission.INTERNET', 'android.permission.CAMERA'],
      launchActivity: 'com.appwarden.fixture.hello.MainActivity',
      activities: [
        'com.appwarden.fixture.hello.MainActivity',
        'com.appwarden.fixture.hello.SettingsActivity',
      ],
      model: null,
    });
  });

  it('extracts the app model asset when the APK carries one', () => {
    const info = readApk(fs.readFileSync(apks.model));
    expect(info.model).toBe(
      fs.readFileSync(new URL('../fixtures/apks/model/assets/appwarden-sim.yaml', import.meta.url), 'utf8'),
    );
  });

  it('fails like the package manager on a non-ZIP and on a ZIP without a manifest', () => {
    const code = (buf: Buffer): string => {
      try {
        readApk(buf);
        return 'ok';
      } catch (err) {
        return err instanceof ApkInstallError ? err.code : String(err);
      }
    };
    expect(code(Buffer.from('not a zip at all, just text'))).toBe('INSTALL_PARSE_FAILED_NOT_APK');
    expect(code(zipOf('classes.dex', Buffer.from('dex')))).toBe('INSTALL_PARSE_FAILED_BAD_MANIFEST');
    expect(code(zipOf('AndroidManifest.xml', Buffer.from('<manifest/>')))).toBe(
      'INSTALL_PARSE_FAILED_BAD_MANIFEST',
    );
  });

  it('refuses entries that inflate past the limit (zip bomb)', () => {
    const zip = zipOf('AndroidManifest.xml', Buffer.alloc(2 * 1024 * 1024));
    const entry = readZipDirectory(zip).get('AndroidManifest.xml')!;
    expect(() => readZipEntry(zip, entry, 1024 * 1024)).toThrow(ZipFormatError);
    expect(readZipEntry(zip, entry, 4 * 1024 * 1024).length).toBe(2 * 1024 * 1024);
  });
});
