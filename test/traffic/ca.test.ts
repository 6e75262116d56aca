import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { caPaths, exportCa, initCa, loadCa, subjectHashOld } from '../../src/traffic/ca.ts';
import { CertMinter } from '../../src/traffic/certs.ts';

const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-ca-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('farm CA', () => {
  const dataDir = path.join(tmp, 'data');

  it('is created once per data folder, its private key readable by its owner only', () => {
    const first = initCa(dataDir);
    expect(first.created).toBe(true);
    const p = caPaths(dataDir);
    expect(mode(p.key)).toBe(0o600);
    expect(mode(path.dirname(p.key))).toBe(0o700);
    expect(mode(p.dir)).toBe(0o700);
    expect(fs.readFileSync(p.key, 'utf8')).toMatch(/BEGIN RSA PRIVATE KEY/);
    const second = initCa(dataDir);
    expect(second.created).toBe(false);
    expect(second.ca.certPem).toBe(first.ca.certPem);
  });

  it('tightens a key left world-readable (e.g. by http-mitm-proxy) when loading it', () => {
    const p = caPaths(dataDir);
    fs.chmodSync(p.key, 0o644);
    fs.chmodSync(path.dirname(p.key), 0o755);
    loadCa(dataDir);
    expect(mode(p.key)).toBe(0o600);
    expect(mode(path.dirname(p.key))).toBe(0o700);
  });

  it('is a CA that OpenSSL accepts, and the certificates it signs verify against it', async () => {
    const { ca } = initCa(dataDir);
    const text = (await run('openssl', ['x509', '-in', caPaths(dataDir).cert, '-noout', '-text'])).stdout;
    expect(text).toMatch(/CA:TRUE/);
    expect(text).toMatch(/Certificate Sign/);
    const leaf = path.join(tmp, 'leaf.pem');
    fs.writeFileSync(leaf, new CertMinter(ca).certPemFor('api.example.com'));
    const verify = await run('openssl', ['verify', '-CAfile', caPaths(dataDir).cert, leaf]);
    expect(verify.stdout.trim()).toBe(`${leaf}: OK`);
    const leafText = (await run('openssl', ['x509', '-in', leaf, '-noout', '-text'])).stdout;
    expect(leafText).toMatch(/DNS:api\.example\.com/);
  });

  it('computes the Android system-store name exactly as `openssl x509 -subject_hash_old`', async () => {
    for (const dir of [dataDir, path.join(tmp, 'other')]) {
      const { ca } = initCa(dir);
      const expected = (
        await run('openssl', ['x509', '-in', caPaths(dir).cert, '-noout', '-subject_hash_old'])
      ).stdout.trim();
      expect(subjectHashOld(ca.cert)).toBe(expected);
      expect(exportCa(ca, 'android').fileName).toBe(`${expected}.0`);
    }
  });

  it('exports PEM, DER and the android file, never the key', async () => {
    const ca = loadCa(dataDir);
    const der = exportCa(ca, 'der');
    const derFile = path.join(tmp, der.fileName);
    fs.writeFileSync(derFile, der.bytes);
    const fromDer = (
      await run('openssl', ['x509', '-inform', 'DER', '-in', derFile, '-noout', '-fingerprint', '-sha256'])
    ).stdout;
    const fromPem = (
      await run('openssl', ['x509', '-in', caPaths(dataDir).cert, '-noout', '-fingerprint', '-sha256'])
    ).stdout;
    expect(fromDer).toBe(fromPem);
    for (const f of ['pem', 'der', 'android'] as const) {
      expect(exportCa(ca, f).bytes.toString('latin1')).not.toMatch(/PRIVATE KEY/);
    }
    expect(exportCa(ca, 'android').bytes.toString()).toBe(ca.certPem);
  });

  it('fails with a remedy when there is no CA yet', () => {
    expect(() => loadCa(path.join(tmp, 'empty'))).toThrow(
      /Failed to load the farm CA: there is no CA in .*Run `appwarden ca init` first\./,
    );
  });
});

describe('appwarden ca', () => {
  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const code = await main(['node', 'appwarden', ...args], {
      out: (s) => (out += s),
      err: (s) => (err += `${s}\n`),
    });
    return { code, out, err };
  }

  it('init then export --format android writes <subject_hash_old>.0 into a folder', async () => {
    const data = path.join(tmp, 'cli-data');
    const init = await cli(['--data', data, 'ca', 'init']);
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/^Created CA "appwarden CA [0-9a-f]{6}"/);
    const outDir = fs.mkdtempSync(path.join(tmp, 'out-'));
    const exp = await cli(['--data', data, 'ca', 'export', '--format', 'android', '--out', outDir]);
    expect(exp.code).toBe(0);
    const hash = subjectHashOld(loadCa(data).cert);
    expect(exp.out.trim()).toBe(path.join(outDir, `${hash}.0`));
    expect(fs.readFileSync(path.join(outDir, `${hash}.0`), 'utf8')).toBe(loadCa(data).certPem);
    const pem = await cli(['--data', data, 'ca', 'export']);
    expect(pem.out).toBe(loadCa(data).certPem);
    expect((await cli(['--data', data, 'ca', 'init'])).out).toMatch(/^Kept existing CA/);
  });

  it('rejects an unknown format with exit 2', async () => {
    const r = await cli(['--data', path.join(tmp, 'cli-data'), 'ca', 'export', '--format', 'p12']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/format/);
  });
});
