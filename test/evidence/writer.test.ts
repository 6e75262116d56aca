import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { AppwardenError } from '../../src/errors.ts';
import { log } from '../../src/log.ts';
import { DATABASE_FILE } from '../../src/evidence/store.ts';
import { cleanupTempDirs, freshStore, session } from './helpers.ts';

afterAll(cleanupTempDirs);

function committed(dataDir: string): number {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batching writer', () => {
  it('commits queued rows within the batch delay', async () => {
    const store = freshStore({ batch: { maxDelayMs: 50 } });
    store.createRun({ id: 'r' });
    store.createSession(session('s', { run: 'r' }));
    for (let i = 0; i < 5; i++)
      store.writer.appendEvent({ session: 's', t: i, source: 'ui', type: 'x', data: i });
    expect(committed(store.dataDir)).toBe(0);
    await sleep(200);
    expect(committed(store.dataDir)).toBe(5);
    expect(store.writer.stats()).toMatchObject({ committedRows: 5, batches: 1, queuedRows: 0 });
    await store.close();
  });

  it('commits at once when a batch is full, so the queue stays bounded', async () => {
    const store = freshStore({ batch: { maxRows: 10, maxDelayMs: 10_000 } });
    store.createRun({ id: 'r' });
    store.createSession(session('s', { run: 'r' }));
    for (let i = 0; i < 25; i++)
      store.writer.appendEvent({ session: 's', t: i, source: 'ui', type: 'x', data: i });
    expect(committed(store.dataDir)).toBe(20);
    expect(store.writer.stats().queuedRows).toBe(5);
    await store.flush();
    expect(committed(store.dataDir)).toBe(25);
    await store.close();
  });

  it('takes rows from many interleaved producers without losing or duplicating one', async () => {
    const store = freshStore({ batch: { maxRows: 64 } });
    store.createRun({ id: 'r' });
    for (let p = 0; p < 4; p++) store.createSession(session(`s${p}`, { run: 'r' }));
    const ids: number[][] = [[], [], [], []];
    await Promise.all(
      Array.from({ length: 8 }, async (_, p) => {
        for (let i = 0; i < 500; i++) {
          ids[p % 4]!.push(
            store.writer.appendEvent({
              session: `s${p % 4}`,
              t: i,
              source: 'hook',
              type: 'x',
              data: { p, i },
            }),
          );
          if (i % 37 === 0) await sleep(0);
        }
      }),
    );
    await store.flush();
    for (let s = 0; s < 4; s++) {
      expect([...ids[s]!].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(store.events(`s${s}`)).toHaveLength(1000);
    }
    await store.close();
  });

  it('keeps rows of a failing commit, reports the failure, and commits them once the database recovers', async () => {
    const errors: AppwardenError[] = [];
    // The failures below are expected; keep their log lines out of the test output.
    const level = log.level;
    log.level = 'fatal';
    onTestFinished(() => {
      log.level = level;
    });
    const store = freshStore({
      batch: { maxRows: 5, maxDelayMs: 20, maxQueuedRows: 12, onError: (e) => errors.push(e) },
    });
    store.createRun({ id: 'r' });
    store.createSession(session('s', { run: 'r' }));
    store.db.pragma('busy_timeout = 0');
    // Another process holding the write lock is a real way for a commit to fail.
    const other = new Database(path.join(store.dataDir, DATABASE_FILE));
    other.exec('BEGIN IMMEDIATE');
    store.writer.appendEvent({ session: 's', t: 0, source: 'ui', type: 'x', data: 0 });
    await expect(store.flush()).rejects.toThrow(
      /^Failed to commit 1 evidence rows: database is locked\. They stay queued/,
    );
    expect(errors).toHaveLength(1);
    expect(store.writer.error?.message).toMatch(/database is locked/);
    for (let i = 1; i < 12; i++)
      store.writer.appendEvent({ session: 's', t: i, source: 'ui', type: 'x', data: i });
    expect(() =>
      store.writer.appendEvent({ session: 's', t: 12, source: 'ui', type: 'x', data: 12 }),
    ).toThrow(/^Failed to append evidence row: 12 rows are waiting because commits fail/);
    other.exec('COMMIT');
    other.close();
    await store.flush();
    expect(store.writer.error).toBeNull();
    expect(store.events('s').map((e) => e.data)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    await store.close();
  });

  it('refuses appends after close, having committed everything', async () => {
    const store = freshStore({ batch: { maxDelayMs: 10_000 } });
    store.createRun({ id: 'r' });
    store.createSession(session('s', { run: 'r' }));
    store.writer.appendEvent({ session: 's', t: 0, source: 'ui', type: 'x', data: 0 });
    await store.close();
    expect(committed(store.dataDir)).toBe(1);
    expect(() => store.writer.appendEvent({ session: 's', t: 1, source: 'ui', type: 'x', data: 1 })).toThrow(
      /the evidence store is closed/,
    );
  });
});
