import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyIdentity } from '../../src/config/identity.ts';
import { exportSession, importBundle, type BundleManifest } from '../../src/evidence/bundle.ts';
import { SCHEMA_VERSION } from '../../src/evidence/migrations.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { cleanupTempDirs, freshStore, populate, session, tempDir } from './helpers.ts';
import { craftTarGz, type CraftEntry } from './tar-craft.ts';

const ID = 'session-20261128-011500-abcdef';
let source: EvidenceStore;
let bundle: string;
let blobs: string[];

beforeAll(async () => {
  source = freshStore();
  ({ blobs } = populate(source, ID));
  source.setSessionIdentity(ID, { ...emptyIdentity(), imei: ['867530912345678'], adId: 'ad-1' });
  source.replaceFindings(ID, [
    {
      session: ID,
      rule: 'MIIT-164-1',
      severity: 'H',
      status: 'violation',
      title: 'IMEI sent before consent',
      explanation: 'The app sent the IMEI to track.example.net before the policy was accepted.',
      clauses: ['164.1'],
      evidence: [2, 4],
      data: { host: 'track.example.net' },
    },
  ]);
  source.finishSession(ID, 'findings');
  source.finishRun('run-20261128-011500-aaaaaa', 'findings');
  // Another session in the same store must stay out of the bundle.
  source.createSession(session('other-session', { run: 'run-20261128-011500-aaaaaa' }));
  source.writer.appendEvent({ session: 'other-session', t: 1, source: 'ui', type: 'x', data: 'other' });
  source.writer.putBlob(Buffer.from('blob of another session'));
  bundle = path.join(tempDir(), 'out', 'bundle.tar.gz');
  await exportSession(source, ID, bundle);
});

afterAll(async () => {
  await source.close();
  cleanupTempDirs();
});

/** Every row of a session in every table, without the internal session key. */
function dump(store: EvidenceStore, id: string): Record<string, unknown[]> {
  const sk = store.sk(id);
  const out: Record<string, unknown[]> = {};
  for (const t of ['events', 'flows', 'api_calls', 'ui_snapshots', 'findings', 'session_identity']) {
    out[t] = (
      store.db.prepare(`SELECT * FROM ${t} WHERE sk = ? ORDER BY 2`).all(sk) as Record<string, unknown>[]
    ).map(({ sk: _sk, ...rest }) => rest);
  }
  const { sk: _sk, ...sessionRow } = store.db
    .prepare('SELECT * FROM sessions WHERE sk = ?')
    .get(sk) as Record<string, unknown>;
  out.sessions = [sessionRow];
  return out;
}

/** Files and their hashes under a folder, to prove that a refused import wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const full = path.join(f.parentPath, f.name);
    out[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return out;
}

/** Unpacks the good bundle, lets `mutate` change it, and packs it again. */
async function repack(mutate: (dir: string) => void): Promise<string> {
  const dir = tempDir('aw-repack-');
  await tar.x({ file: bundle, cwd: dir });
  mutate(dir);
  const out = path.join(tempDir(), 'changed.tar.gz');
  await tar.c({ gzip: true, file: out, cwd: dir, portable: true }, fs.readdirSync(dir));
  return out;
}

function rewriteManifest(dir: string, change: (m: BundleManifest) => void): void {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as BundleManifest;
  change(m);
  for (const f of m.files) {
    const bytes = fs.readFileSync(path.join(dir, f.path));
    f.sha256 = createHash('sha256').update(bytes).digest('hex');
    f.size = bytes.length;
  }
  fs.writeFileSync(file, JSON.stringify(m));
}

async function expectRefused(file: string, reason: RegExp): Promise<void> {
  const target = tempDir('aw-target-');
  const existing = openStore({ dataDir: target });
  existing.createRun({ id: 'run-x' });
  existing.createSession(session('kept', { run: 'run-x' }));
  existing.finishSession('kept', 'passed');
  await existing.close();
  const before = snapshot(target);
  const fresh = path.join(tempDir('aw-fresh-'), 'data');
  await expect(importBundle(file, target)).rejects.toThrow(reason);
  await expect(importBundle(file, fresh)).rejects.toThrow(
    /^Failed to import bundle .*\. Nothing was written\.$/,
  );
  expect(snapshot(target)).toEqual(before);
  expect(fs.existsSync(fresh)).toBe(false);
}

describe('session bundles', () => {
  it('round-trips a session into a fresh data folder: rows row-for-row, blobs byte-for-byte', async () => {
    const target = path.join(tempDir(), 'data');
    const res = await importBundle(bundle, target);
    expect(res).toMatchObject({ session: ID, blobs: 3, events: 6 });
    const store = openStore({ dataDir: target });
    try {
      expect(dump(store, ID)).toEqual(dump(source, ID));
      expect(store.getSession(ID)).toEqual(source.getSession(ID));
      expect(store.getRun('run-20261128-011500-aaaaaa')).toEqual(source.getRun('run-20261128-011500-aaaaaa'));
      expect(store.events(ID)).toEqual(source.events(ID));
      expect(store.flows(ID)).toEqual(source.flows(ID));
      expect(store.apiCalls(ID)).toEqual(source.apiCalls(ID));
      expect(store.uiSnapshots(ID)).toEqual(source.uiSnapshots(ID));
      expect(store.findings(ID)).toEqual(source.findings(ID));
      expect(store.getSessionIdentity(ID)).toEqual(source.getSessionIdentity(ID));
      for (const h of blobs) expect(store.readBlob(h).equals(source.readBlob(h))).toBe(true);
      expect(store.getSession('other-session')).toBeUndefined();
      expect(snapshot(path.join(target, 'blobs', 'sha256'))).toEqual(
        Object.fromEntries(blobs.map((h) => [path.join(h.slice(0, 2), h), h])),
      );
    } finally {
      await store.close();
    }
    await expect(importBundle(bundle, target)).rejects.toThrow(
      /^Failed to import bundle .*: session session-20261128-011500-abcdef already exists in .*\. Nothing was written\.$/,
    );
  });

  it('lists every file with its hash and size and the versions in the manifest', async () => {
    const dir = tempDir();
    await tar.x({ file: bundle, cwd: dir });
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
    expect(m).toMatchObject({
      format: 'appwarden-session-bundle',
      formatVersion: 1,
      schemaVersion: SCHEMA_VERSION,
      session: ID,
    });
    expect(m.appwardenVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.files.map((f) => f.path).sort()).toEqual(
      ['identity.json', 'session.sqlite', ...blobs.map((h) => `blobs/sha256/${h.slice(0, 2)}/${h}`)].sort(),
    );
    for (const f of m.files) {
      const bytes = fs.readFileSync(path.join(dir, f.path));
      expect({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }).toEqual({
        sha256: f.sha256,
        size: f.size,
      });
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'identity.json'), 'utf8'))).toMatchObject({
      adId: 'ad-1',
    });
    const db = new Database(path.join(dir, 'session.sqlite'), { readonly: true });
    expect((db.prepare('SELECT id FROM sessions').all() as { id: string }[]).map((r) => r.id)).toEqual([ID]);
    db.close();
  });

  it('refuses a tampered blob', async () => {
    const file = await repack((dir) => {
      const p = path.join(dir, 'blobs', 'sha256', blobs[0]!.slice(0, 2), blobs[0]!);
      fs.writeFileSync(p, Buffer.from('{"imei":"000000000000000"}'));
    });
    await expectRefused(file, /does not match its manifest entry \(tampered or damaged\)/);
  });

  it('refuses a tampered database', async () => {
    const file = await repack((dir) => {
      const db = new Database(path.join(dir, 'session.sqlite'));
      db.exec("UPDATE findings SET severity = 'L'");
      db.close();
    });
    await expectRefused(file, /'session\.sqlite' does not match its manifest entry/);
  });

  it('refuses a file that is not in the manifest', async () => {
    const file = await repack((dir) => {
      const h = createHash('sha256').update('extra').digest('hex');
      fs.mkdirSync(path.join(dir, 'blobs', 'sha256', h.slice(0, 2)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'blobs', 'sha256', h.slice(0, 2), h), 'extra');
    });
    await expectRefused(file, /is in the archive but not in the manifest/);
  });

  it('refuses a bundle that would unpack to more than the space allowed, before filling it', async () => {
    const target = path.join(tempDir(), 'data');
    await expect(importBundle(bundle, target, { maxBytes: 50_000 })).rejects.toThrow(
      /^Failed to import bundle .*: too large: it unpacks to more than 50000 bytes\. Nothing was written\.$/,
    );
    expect(fs.existsSync(target)).toBe(false);
  });

  it('refuses truncated and corrupt archives', async () => {
    const full = fs.readFileSync(bundle);
    const truncated = path.join(tempDir(), 'truncated.tar.gz');
    fs.writeFileSync(truncated, full.subarray(0, Math.floor(full.length * 0.6)));
    await expectRefused(truncated, /corrupt or truncated archive \(zlib: unexpected end of file\)/);
    const garbage = path.join(tempDir(), 'garbage.tar.gz');
    fs.writeFileSync(garbage, randomBytes(4096));
    await expectRefused(garbage, /corrupt or truncated archive/);
  });

  it('refuses a bundle from a newer schema or bundle format', async () => {
    const newerSchema = await repack((dir) => {
      const db = new Database(path.join(dir, 'session.sqlite'));
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      rewriteManifest(dir, (m) => (m.schemaVersion = SCHEMA_VERSION + 1));
    });
    await expectRefused(
      newerSchema,
      new RegExp(
        `written by a newer appwarden \\(schema ${SCHEMA_VERSION + 1} > ${SCHEMA_VERSION}\\); upgrade appwarden`,
      ),
    );
    const sneaky = await repack((dir) => {
      const db = new Database(path.join(dir, 'session.sqlite'));
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      rewriteManifest(dir, () => undefined);
    });
    await expectRefused(sneaky, /written by a newer appwarden/);
    const newerFormat = await repack((dir) => rewriteManifest(dir, (m) => (m.formatVersion = 99)));
    await expectRefused(newerFormat, /bundle format 99 is newer than this appwarden reads/);
  });

  it('imports a session exported while running as incomplete, saying why', async () => {
    const store = freshStore();
    store.createRun({ id: 'run-live' });
    store.createSession(session('live', { run: 'run-live' }));
    store.writer.appendEvent({ session: 'live', t: 1, source: 'ui', type: 'x', data: 1 });
    const file = path.join(tempDir(), 'live.tar.gz');
    await exportSession(store, 'live', file);
    await store.close();
    const target = freshStore();
    await importBundle(file, target);
    expect(target.getSession('live')).toMatchObject({
      status: 'incomplete',
      reason: expect.stringMatching(/^exported while still running/),
    });
    expect(target.getRun('run-live')?.status).toBe('incomplete');
    expect(target.events('live')).toHaveLength(1);
    await target.close();
  });

  it('refuses to export a session that does not exist', async () => {
    await expect(exportSession(source, 'nope', path.join(tempDir(), 'x.tar.gz'))).rejects.toThrow(
      /^Failed to export session nope to .*: no such session/,
    );
  });

  describe('entries that would land outside the target', () => {
    const manifest = JSON.stringify({
      format: 'appwarden-session-bundle',
      formatVersion: 1,
      appwardenVersion: '0.1.0',
      schemaVersion: 1,
      session: 's',
      createdAt: '2026-11-28T01:15:00Z',
      files: [],
    });
    const marker = `aw-escape-${randomBytes(4).toString('hex')}`;
    const cases: [string, CraftEntry, RegExp][] = [
      [
        'a relative path with ..',
        { path: `../${marker}`, body: 'x' },
        /unsafe entry: path '\.\.\/aw-escape-.*' leaves the bundle/,
      ],
      ['a nested ..', { path: `blobs/../../${marker}`, body: 'x' }, /leaves the bundle/],
      [
        'an absolute path',
        { path: path.join(os.tmpdir(), marker), body: 'x' },
        /unsafe entry: absolute path/,
      ],
      [
        'a symlink',
        { path: 'session.sqlite', type: '2', linkpath: '/etc/passwd' },
        /is a SymbolicLink, not a regular file/,
      ],
      [
        'a hard link',
        { path: 'identity.json', type: '1', linkpath: '/etc/passwd' },
        /is a Link, not a regular file/,
      ],
      [
        'a character device',
        { path: 'identity.json', type: '3' },
        /is a CharacterDevice, not a regular file/,
      ],
      ['a FIFO', { path: 'identity.json', type: '6' }, /is a FIFO, not a regular file/],
      ['an unexpected file', { path: 'run.sh', body: 'rm -rf /' }, /unexpected file 'run\.sh'/],
    ];
    it.each(cases)('refuses %s', async (_name, entry, reason) => {
      const file = path.join(tempDir(), 'evil.tar.gz');
      fs.writeFileSync(file, craftTarGz([{ path: 'manifest.json', body: manifest }, entry]));
      await expectRefused(file, reason);
      expect(fs.existsSync(path.join(os.tmpdir(), marker))).toBe(false);
    });
  });
});
