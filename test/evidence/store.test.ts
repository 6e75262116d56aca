import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyIdentity } from '../../src/config/identity.ts';
import { newId, openStore, DATABASE_FILE } from '../../src/evidence/store.ts';
import { SCHEMA_VERSION } from '../../src/evidence/migrations.ts';
import { apiCall, cleanupTempDirs, flow, freshStore, populate, session, T0, tempDir } from './helpers.ts';

afterAll(cleanupTempDirs);

describe('evidence store', () => {
  it('numbers ids per session, synchronously, and returns the timeline in time order', async () => {
    const store = freshStore();
    store.createRun({ id: 'run-1' });
    store.createSession(session('s-a', { run: 'run-1' }));
    store.createSession(session('s-b', { run: 'run-1' }));
    const w = store.writer;
    expect(w.appendEvent({ session: 's-a', t: 50, source: 'ui', type: 'tap', data: { x: 1 } })).toBe(1);
    expect(w.appendEvent({ session: 's-b', t: 1, source: 'ui', type: 'tap', data: null })).toBe(1);
    expect(
      w.appendEvent({ session: 's-a', t: 10, source: 'journey', type: 'marker', data: { name: 'LAUNCH' } }),
    ).toBe(2);
    const f = w.appendFlow(flow('s-a', 20, 'a.example'));
    expect(f).toEqual({ flowId: 1, eventId: 3 });
    const ev = store.events('s-a');
    expect(ev.map((e) => [e.id, e.t, e.type])).toEqual([
      [2, 10, 'marker'],
      [3, 20, 'flow'],
      [1, 50, 'tap'],
    ]);
    expect(ev[1]?.data).toMatchObject({ flowId: 1, host: 'a.example', matches: 1 });
    expect(store.event('s-a', 1)).toMatchObject({ session: 's-a', source: 'ui', data: { x: 1 } });
    await store.close();

    // Counters continue after the committed rows when the store is reopened.
    const again = openStore({ dataDir: store.dataDir });
    again.createSession(session('s-c', { run: 'run-1' }));
    expect(again.writer.appendEvent({ session: 's-a', t: 60, source: 'ui', type: 'tap', data: 1 })).toBe(4);
    expect(again.writer.appendFlow(flow('s-a', 61, 'b.example'))).toEqual({ flowId: 2, eventId: 5 });
    await again.close();
  });

  it('filters events by source, type and time, and streams them', async () => {
    const store = freshStore();
    store.createRun({ id: 'run-1' });
    store.createSession(session('s', { run: 'run-1' }));
    for (let i = 0; i < 300; i++) {
      store.writer.appendEvent({
        session: 's',
        t: i,
        wall: T0 + i,
        source: i % 3 === 0 ? 'hook' : 'device',
        type: i % 2 === 0 ? 'even' : 'odd',
        data: { i },
      });
    }
    expect(store.events('s', { source: 'hook' })).toHaveLength(100);
    expect(
      store
        .events('s', { type: 'odd', source: 'device' })
        .every((e) => (e.data as { i: number }).i % 2 === 1),
    ).toBe(true);
    expect(store.events('s', { fromT: 10, toT: 19 }).map((e) => e.t)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect(store.events('s', { limit: 3 }).map((e) => e.t)).toEqual([0, 1, 2]);
    let n = 0;
    for (const e of store.iterateEvents('s', { source: 'device' })) {
      expect(e.source).toBe('device');
      n++;
    }
    expect(n).toBe(200);
    await store.close();
  });

  it('stores flows, API calls, UI snapshots, findings and identity, and counts them', async () => {
    const store = freshStore();
    const id = 'session-20261128-011500-abcdef';
    const { blobs } = populate(store, id);
    store.writer.appendApiCall(
      id,
      40,
      apiCall('android.location.LocationManager.getLastKnownLocation', 'location'),
    );
    store.writer.appendFlow(
      flow(id, 41, 'cdn.example.org', { tls: 'passthrough', matches: [], status: undefined }),
    );

    const flows = store.flows(id);
    expect(flows.map((f) => f.host)).toEqual(['track.example.net', 'cdn.example.org']);
    expect(store.flows(id, { host: 'cdn.example.org' })).toHaveLength(1);
    const [first] = flows;
    expect(first).toMatchObject({
      id: 1,
      method: 'POST',
      status: 200,
      tls: 'intercepted',
      requestHeaders: [['content-type', 'application/json']],
      requestBody: { raw: blobs[0], truncated: false },
      matches: [{ type: 'imei', where: 'body', path: '$.imei' }],
    });
    expect(store.event(id, first!.eventId)?.type).toBe('flow');
    expect(flows[1]?.status).toBeUndefined();

    expect(store.apiCalls(id).map((c) => c.data.api)).toEqual([
      'android.telephony.TelephonyManager.getImei',
      'android.location.LocationManager.getLastKnownLocation',
    ]);
    expect(store.apiCalls(id, { category: 'location' })).toHaveLength(1);
    expect(store.apiCalls(id, { api: 'android.telephony.TelephonyManager.getImei' })[0]).toMatchObject({
      source: 'hook',
      type: 'api',
      data: { ret: '867530912345678', fg: true },
    });

    const [snap] = store.uiSnapshots(id);
    expect(snap).toMatchObject({ package: 'com.example.shop', screenshot: blobs[1], source: blobs[2] });
    expect(store.event(id, snap!.eventId)?.source).toBe('ui');

    store.replaceFindings(id, [
      {
        session: id,
        rule: 'MIIT-164-1',
        severity: 'H',
        status: 'violation',
        title: 'IMEI read before consent',
        explanation: 'x',
        clauses: ['164.1'],
        evidence: [2],
      },
    ]);
    store.replaceFindings(id, [
      {
        session: id,
        rule: 'A',
        severity: 'M',
        status: 'violation',
        title: 'a',
        explanation: '',
        clauses: [],
        evidence: [4],
      },
      {
        session: id,
        rule: 'B',
        severity: 'L',
        status: 'not-evaluated',
        title: 'b',
        explanation: 'no hooks',
        clauses: [],
        evidence: [],
      },
    ]);
    expect(store.findings(id).map((f) => [f.id, f.rule, f.evidence])).toEqual([
      [1, 'A', [4]],
      [2, 'B', []],
    ]);

    expect(store.getSessionIdentity(id)).toBeNull();
    store.setSessionIdentity(id, {
      ...emptyIdentity(),
      imei: ['867530912345678'],
      location: { lat: 1, lon: 2 },
    });
    expect(store.getSessionIdentity(id)?.imei).toEqual(['867530912345678']);

    expect(store.counts(id)).toEqual({
      eventsBySource: { journey: 2, hook: 2, ui: 1, net: 2, device: 1 },
      events: 8,
      flows: 2,
      apiCalls: 2,
      uiSnapshots: 1,
      findings: 2,
    });
    await store.close();
  });

  it('lists sessions newest first and records how they ended', async () => {
    const store = freshStore();
    store.createRun({ id: 'run-1' });
    store.createRun({ id: 'run-2' });
    store.createSession(session('old', { run: 'run-1', startedAt: T0 }));
    store.createSession(session('new', { run: 'run-2', startedAt: T0 + 1000 }));
    store.finishSession('old', 'findings');
    store.finishSession('new', 'error', 'device lost');
    store.finishRun('run-1', 'findings');
    expect(store.listSessions().map((s) => s.id)).toEqual(['new', 'old']);
    expect(store.listSessions({ run: 'run-1' }).map((s) => s.id)).toEqual(['old']);
    expect(store.listSessions({ status: 'error' })[0]).toMatchObject({ id: 'new', reason: 'device lost' });
    expect(store.getSession('old')).toMatchObject({
      status: 'findings',
      capabilities: ['root', 'frida'],
      deviceKind: 'sim',
    });
    expect(store.getRun('run-1')?.status).toBe('findings');
    const ended = store.getSession('old')?.endedAt;
    store.setSessionStatus('old', 'passed');
    expect(store.getSession('old')).toMatchObject({ status: 'passed', endedAt: ended });
    expect(() => store.setSessionStatus('old', 'done' as 'passed')).toThrow(/unknown status 'done'/);
    expect(() => store.createSession(session('old'))).toThrow(
      /Failed to create session old: a session with this id exists/,
    );
    expect(() => store.finishSession('nope', 'passed')).toThrow(/no such session/);
    await store.close();
  });

  it('refuses bad rows when they are appended, not at commit', async () => {
    const store = freshStore();
    store.createRun({ id: 'run-1' });
    store.createSession(session('s', { run: 'run-1' }));
    const w = store.writer;
    expect(() => w.appendEvent({ session: 'ghost', t: 0, source: 'ui', type: 'x', data: 1 })).toThrow(
      /Failed to append event to session ghost: no such session/,
    );
    expect(() => w.appendEvent({ session: 's', t: 0, source: 'nope' as 'ui', type: 'x', data: 1 })).toThrow(
      /unknown source 'nope'/,
    );
    expect(() => w.appendEvent({ session: 's', t: Number.NaN, source: 'ui', type: 'x', data: 1 })).toThrow(
      /'t' must be/,
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => w.appendEvent({ session: 's', t: 0, source: 'ui', type: 'x', data: circular })).toThrow(
      /not JSON-serialisable/,
    );
    expect(w.appendEvent({ session: 's', t: 0, source: 'ui', type: 'x', data: 1 })).toBe(1);
    expect(() => store.events('ghost')).toThrow(/Failed to find session ghost: no such session/);
    await store.close();
  });

  it('stores blobs content-addressed, once, under blobs/sha256/ab/', async () => {
    const store = freshStore();
    const bytes = Buffer.from('hello blob');
    const h = store.writer.putBlob(bytes);
    // sha256sum of 'hello blob'
    expect(h).toBe('e997afd18e5f6be004fc193aed2c90291e68ab2c7599a62538c935b7fca6ab0f');
    const file = path.join(store.dataDir, 'blobs', 'sha256', h.slice(0, 2), h);
    expect(fs.readFileSync(file)).toEqual(bytes);
    const mtime = fs.statSync(file).mtimeMs;
    expect(store.writer.putBlob(Buffer.from('hello blob'))).toBe(h);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(store.readBlob(h)).toEqual(bytes);
    expect(store.hasBlob(h)).toBe(true);
    expect(store.hasBlob('0'.repeat(64))).toBe(false);
    expect(store.hasBlob('../../etc/passwd')).toBe(false);
    expect(() => store.readBlob('../evidence.sqlite')).toThrow(/not a sha256 hex digest/);
    expect(() => store.readBlob('f'.repeat(64))).toThrow(/no such blob/);
    expect(fs.readdirSync(path.join(store.dataDir, 'blobs', 'tmp'))).toEqual([]);
    await store.close();
  });

  it('removes temp files of blob writes whose process died, keeping those of live processes', async () => {
    const dir = tempDir();
    const tmp = path.join(dir, 'blobs', 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(path.join(tmp, `${'a'.repeat(64)}.${dead.pid}.0001`), 'half a blob');
    fs.writeFileSync(path.join(tmp, `${'b'.repeat(64)}.${process.pid}.0002`), 'being written');
    const store = openStore({ dataDir: dir });
    expect(fs.readdirSync(tmp)).toEqual([`${'b'.repeat(64)}.${process.pid}.0002`]);
    await store.close();
  });

  it('makes new ids that sort by time', () => {
    const a = newId('run', new Date(Date.UTC(2026, 10, 28, 1, 15, 0)));
    const b = newId('session', new Date(Date.UTC(2026, 10, 28, 1, 15, 1)));
    expect(a).toMatch(/^run-20261128-011500-[0-9a-f]{6}$/);
    expect(b.slice(8) > a.slice(4)).toBe(true);
  });
});

describe('schema versions', () => {
  it('creates a fresh store at the current schema version', async () => {
    const store = freshStore();
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.close();
  });

  it('refuses a database written by a newer appwarden without touching it', async () => {
    const dir = tempDir();
    const store = openStore({ dataDir: dir });
    await store.close();
    const file = path.join(dir, DATABASE_FILE);
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openStore({ dataDir: dir })).toThrow(
      new RegExp(
        `^Failed to open evidence store in .*: written by a newer appwarden \\(schema ${SCHEMA_VERSION + 1} > ${SCHEMA_VERSION}\\)\\. Upgrade appwarden\\.$`,
      ),
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a SQLite file that is not an evidence store', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DATABASE_FILE));
    raw.exec('CREATE TABLE other (x)');
    raw.pragma('user_version = 7');
    raw.close();
    expect(() => openStore({ dataDir: dir })).toThrow(/not an appwarden evidence store/);
  });
});

describe('interrupted sessions', () => {
  it('marks sessions left running incomplete when the store is opened next', async () => {
    const dir = tempDir();
    const store = openStore({ dataDir: dir });
    store.createRun({ id: 'run-1' });
    store.createSession(session('done', { run: 'run-1' }));
    store.createSession(session('cut', { run: 'run-1' }));
    store.writer.appendEvent({ session: 'cut', t: 5, wall: T0 + 5, source: 'ui', type: 'x', data: 1 });
    store.finishSession('done', 'passed');
    await store.close();
    const again = openStore({ dataDir: dir });
    expect(again.getSession('done')?.status).toBe('passed');
    expect(again.getSession('cut')).toMatchObject({ status: 'incomplete', endedAt: T0 + 5 });
    expect(again.getSession('cut')?.reason).toMatch(/^interrupted/);
    expect(again.getRun('run-1')?.status).toBe('incomplete');
    await again.close();
  });

  it('leaves running sessions alone while another process has the store open', async () => {
    const dir = tempDir();
    const store = openStore({ dataDir: dir });
    store.createRun({ id: 'run-1' });
    store.createSession(session('live', { run: 'run-1' }));
    await store.close();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, 'evidence.open', String(other.pid)), '');
      const reader = openStore({ dataDir: dir });
      expect(reader.getSession('live')?.status).toBe('running');
      await reader.close();
      expect(fs.readdirSync(path.join(dir, 'evidence.open'))).toEqual([String(other.pid)]);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.on('exit', r));
    }
    // Once that process is gone, its marker is stale and the next open recovers.
    const later = openStore({ dataDir: dir });
    expect(later.getSession('live')?.status).toBe('incomplete');
    await later.close();
    expect(fs.readdirSync(path.join(dir, 'evidence.open'))).toEqual([]);
  });
});
