import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore, sha256 } from '../../src/evidence/blobs.ts';
import { exportSession, importBundle } from '../../src/evidence/bundle.ts';
import { cleanupTempDirs, flow, freshStore, session, tempDir } from './helpers.ts';

afterAll(() => cleanupTempDirs());

const blob = (text: string) => {
  const bytes = Buffer.from(text);
  return { hash: sha256(bytes), bytes };
};

function packFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'blobs', 'packs');
  return fs.readdirSync(dir).filter((n) => n.endsWith('.pack'));
}

describe('blob packs', () => {
  it('stores a batch in one pack that another reader of the folder finds, byte for byte', () => {
    const dir = tempDir();
    const writer = new BlobStore(dir);
    const batch = [blob('{"imei":"867530912345678"}'), blob('x'.repeat(100_000)), blob('')];
    writer.putPacked(batch);

    const reader = new BlobStore(dir);
    for (const b of batch) {
      expect(reader.has(b.hash)).toBe(true);
      expect(reader.read(b.hash)).toEqual(b.bytes);
    }
    expect(reader.has(sha256(Buffer.from('never stored')))).toBe(false);
    expect(() => reader.read(sha256(Buffer.from('never stored')))).toThrow(/no such blob/);
    // Not a file per blob: the bodies are in one pack, readable only by its owner.
    expect(fs.existsSync(path.join(dir, 'blobs', 'sha256'))).toBe(false);
    const packs = packFiles(dir);
    expect(packs).toHaveLength(1);
    expect(fs.statSync(path.join(dir, 'blobs', 'packs', packs[0] as string)).mode & 0o777).toBe(0o600);
    writer.close();
    reader.close();
  });

  it('stores each content once, within a batch, across batches and across writers', () => {
    const dir = tempDir();
    const a = blob('same body');
    const first = new BlobStore(dir);
    first.putPacked([a, a, blob('other')]);
    const pack = path.join(dir, 'blobs', 'packs', packFiles(dir)[0] as string);
    const size = fs.statSync(pack).size;
    expect(size).toBe(2 * 36 + a.bytes.length + 'other'.length);
    first.putPacked([a]);
    expect(fs.statSync(pack).size).toBe(size);
    first.close();

    // A second writer (another process, say) learns from the index that the body is stored.
    const second = new BlobStore(dir);
    second.putPacked([a, blob('new')]);
    const sizes = packFiles(dir).map((n) => fs.statSync(path.join(dir, 'blobs', 'packs', n)).size);
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(size + 36 + 'new'.length);
    second.close();
  });

  it('refuses to return another record when the index is wrong', () => {
    const dir = tempDir();
    const store = new BlobStore(dir);
    const [a, b] = [blob('first body'), blob('second body')];
    store.putPacked([a, b]);
    store.close();
    const index = new Database(path.join(dir, 'blobs', 'packs', 'index.sqlite'));
    const at = index.prepare('SELECT offset FROM packed WHERE hash = ?').pluck();
    index.prepare('UPDATE packed SET offset = ? WHERE hash = ?').run(at.get(b.hash), a.hash);
    index.close();
    const reader = new BlobStore(dir);
    expect(() => reader.read(a.hash)).toThrow(
      new RegExp(`blob ${a.hash} in pack .*index points at another record`),
    );
    expect(reader.read(b.hash)).toEqual(b.bytes);
    reader.close();
  });

  it('fails loudly, indexing nothing, when the pack cannot be written', () => {
    const dir = tempDir();
    // A file where the packs folder should be: even root cannot create packs there.
    fs.mkdirSync(path.join(dir, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'blobs', 'packs'), 'in the way');
    const store = new BlobStore(dir);
    const a = blob('lost?');
    expect(() => store.putPacked([a])).toThrow();
    expect(store.has(a.hash)).toBe(false);
    store.close();
  });

  it('goes into a bundle as files, and comes out of the import readable', async () => {
    const store = freshStore();
    const id = 'session-20261128-071500-abcdef';
    store.createRun({ id: 'run-20261128-011500-aaaaaa' });
    store.createSession(session(id));
    const body = blob('{"oaid":"f1e2d3c4-b5a6-4789-9abc-def012345678"}');
    store.blobs.putPacked([body]);
    store.writer.appendFlow(
      flow(id, 10, 'track.example.net', {
        requestBody: {
          raw: body.hash,
          decoded: null,
          size: body.bytes.length,
          captured: body.bytes.length,
          truncated: false,
        },
      }),
    );
    const file = path.join(tempDir(), 'packed.tar.gz');
    const { manifest } = await exportSession(store, id, file);
    expect(manifest.files.map((f) => f.path)).toContain(`blobs/sha256/${body.hash.slice(0, 2)}/${body.hash}`);
    await store.close();

    const target = freshStore();
    await importBundle(file, target);
    expect(target.readBlob(body.hash)).toEqual(body.bytes);
    await target.close();
  });
});
