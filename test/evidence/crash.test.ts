import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/evidence/store.ts';
import { cleanupTempDirs, tempDir } from './helpers.ts';

afterAll(cleanupTempDirs);

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/evidence');
const child = path.join(fixtures, 'crash-writer.ts');

/** Runs the writer child until `killAfterMs` after its first commit report, then SIGKILLs it. */
function ingestAndKill(
  dataDir: string,
  killAfterMs: number,
): Promise<{ lastId: number; blobs: Set<string> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastId = 0;
    const blobs = new Set<string>();
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    proc.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        const [, id, blob] = l.split(' ');
        lastId = Math.max(lastId, Number(id));
        if (blob) blobs.add(blob);
      }
      timer ??= setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    });
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer child ended by itself: ${stderr}`));
      else resolve({ lastId, blobs });
    });
  });
}

describe('crash safety', () => {
  it.each([0, 1])(
    'keeps every committed row after kill -9 mid-ingestion and marks the session incomplete (round %i)',
    async () => {
      const dataDir = tempDir();
      const { lastId, blobs } = await ingestAndKill(dataDir, 200 + Math.floor(Math.random() * 800));
      expect(lastId).toBeGreaterThan(0);

      const store = openStore({ dataDir });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.getSession('crash')?.status).toBe('incomplete');
      expect(store.getSession('done')?.status).toBe('passed');
      const rows = store.db
        .prepare('SELECT id, data FROM events WHERE sk = ? AND id <= ? ORDER BY id')
        .all(store.sk('crash'), lastId) as { id: number; data: string }[];
      expect(rows).toHaveLength(lastId);
      rows.forEach((r, k) => {
        expect(r.id).toBe(k + 1);
        expect((JSON.parse(r.data) as { i: number }).i).toBe(k + 1);
      });
      for (const h of blobs) {
        expect(createHash('sha256').update(store.readBlob(h)).digest('hex')).toBe(h);
      }
      // The store goes on: new rows continue after what survived.
      const survived = (
        store.db.prepare('SELECT max(id) AS n FROM events WHERE sk = ?').get(store.sk('crash')) as {
          n: number;
        }
      ).n;
      expect(survived).toBeGreaterThanOrEqual(lastId);
      expect(
        store.writer.appendEvent({ session: 'crash', t: 0, source: 'device', type: 'x', data: null }),
      ).toBe(survived + 1);
      await store.close();
    },
    // Each round starts a tsx child; on a loaded host that alone can take seconds.
    40_000,
  );

  it('commits queued rows when the process exits without closing the store', () => {
    const dataDir = tempDir();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(fixtures, 'exit-writer.ts'), dataDir],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const store = openStore({ dataDir });
    expect(store.events('exit').map((e) => e.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    void store.close();
  }, 40_000);
});
