/**
 * The lean load (loadSessionEvidence: unparsed API payloads parsed once per distinct text, flows without
 * bodies, no ORDER BY id) must give exactly the read model the full read gives: every event row parsed
 * and every flow loaded whole, in (t, id) order. Findings depend on nothing else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeEvidence, resolveRules } from '../../src/analysis/engine.ts';
import {
  buildSessionEvidence,
  loadSessionEvidence,
  READ_TYPES,
  sessionInfo,
  type SessionEvidence,
} from '../../src/analysis/session-evidence.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { API, fixture, sdkStack } from '../fixtures/sessions/factory.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempStore(): EvidenceStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-evidence-load-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

/** The read model from full rows: what loadSessionEvidence returned before it read lean. */
function fullRead(store: EvidenceStore, id: string): SessionEvidence {
  const s = store.getSession(id);
  if (!s) throw new Error(`no session ${id}`);
  return buildSessionEvidence(
    sessionInfo(s),
    READ_TYPES.flatMap((type) => store.events(id, { type })),
    store.flows(id),
    store.uiSnapshots(id),
    store.getSessionIdentity(id),
  );
}

/** Repeated identical calls, calls whose kept values differ, coalesced times, UI events, flows with bodies. */
function busy(id: string) {
  const fx = fixture({ id })
    .marker(0, 'LAUNCH')
    .ui(100, 'foreground', { package: 'com.example.app', activity: '.Main' })
    .marker(300, 'POLICY_SHOWN')
    .marker(1500, 'PERM_PROMPT', 'android.permission.READ_PHONE_STATE')
    .marker(2500, 'PERM_DENIED', 'android.permission.READ_PHONE_STATE');
  for (let i = 0; i < 40; i++) {
    fx.api(600 + i * 100, API.imei, ['imei'], { stack: sdkStack(API.imei) });
    fx.api(650 + i * 100, API.clip, ['clipboard'], { category: 'clipboard', ret: `token-${i % 3}` });
  }
  fx.api(700, API.location, ['location'], { times: [700, 710, 720], fg: false, sdk: 'umeng' })
    .flow(1200, 'alog.umeng.com', [{ type: 'imei', encoding: 'md5-hex', where: 'body' }], {
      requestBody: { raw: null, decoded: null, size: 4096, captured: 0, truncated: true },
      timing: { total: 40, wait: 30 },
      extra: { frames: 2 },
    })
    .flow(1300, 'api.example.com', [], { tls: 'passthrough', error: 'pinned' })
    .marker(5000, 'POLICY_ACCEPTED')
    .snapshot(8000);
  return fx;
}

describe('lean evidence load', () => {
  it('gives the read model of the full read, and the same findings', async () => {
    const store = tempStore();
    await busy('s-lean').write(store);
    const lean = loadSessionEvidence(store, 's-lean');
    const full = fullRead(store, 's-lean');
    expect(lean.apiCalls).toHaveLength(81);
    expect(lean.flows.map((f) => f.host)).toEqual(['alog.umeng.com', 'api.example.com']);
    expect(lean).toEqual(full);
    const rules = resolveRules();
    expect(analyzeEvidence(lean, rules).findings).toEqual(analyzeEvidence(full, rules).findings);
    await store.close();
  });

  it('parses an identical payload once: repeated calls share their lists, differing values stay apart', async () => {
    const store = tempStore();
    await busy('s-share').write(store);
    const ev = loadSessionEvidence(store, 's-share');
    const imei = ev.apiCalls.filter((c) => c.api === API.imei);
    const clip = ev.apiCalls.filter((c) => c.api === API.clip);
    expect(new Set(imei.map((c) => c.stack)).size).toBe(1);
    expect(new Set(imei.map((c) => c.id)).size).toBe(40);
    expect(clip.map((c) => c.ret).slice(0, 4)).toEqual(['token-0', 'token-1', 'token-2', 'token-0']);
    expect(ev.apiCalls.find((c) => c.api === API.location)).toMatchObject({
      times: [700, 710, 720],
      fg: false,
      sdk: 'umeng',
    });
    await store.close();
  });

  it('puts events in (t, id) order even when the rows were stored in another order', async () => {
    const store = tempStore();
    await fixture({ id: 's-order' }).marker(0, 'LAUNCH').write(store);
    // As an import might: two markers at the same t, the higher id stored first, and an API call whose
    // row precedes an earlier-timed one.
    const ins = store.db.prepare(
      `INSERT INTO events (sk, id, t, wall, source, type, data) VALUES (?, ?, ?, 0, 'journey', ?, ?)`,
    );
    const sk = store.sk('s-order');
    ins.run(sk, 11, 50, 'marker', JSON.stringify({ name: 'TAP', arg: 'b' }));
    ins.run(sk, 10, 50, 'marker', JSON.stringify({ name: 'TAP', arg: 'a' }));
    const call = JSON.stringify({
      api: API.imei,
      category: 'device-id',
      data: ['imei'],
      stack: [],
      fg: true,
    });
    ins.run(sk, 21, 60, 'api', call);
    ins.run(sk, 20, 60, 'api', call);
    const ev = loadSessionEvidence(store, 's-order');
    expect(ev.markers.map((m) => [m.t, m.id])).toEqual([
      [0, 1],
      [50, 10],
      [50, 11],
    ]);
    expect(ev.apiCalls.map((c) => c.id)).toEqual([20, 21]);
    expect(ev).toEqual(fullRead(store, 's-order'));
    await store.close();
  });

  it('counts API rows that are not JSON or name no API as malformed instead of failing the load', async () => {
    const store = tempStore();
    await fixture({ id: 's-bad' }).marker(0, 'LAUNCH').api(10, API.imei, ['imei']).write(store);
    const ins = store.db.prepare(
      `INSERT INTO events (sk, id, t, wall, source, type, data) VALUES (?, ?, ?, 0, 'hook', 'api', ?)`,
    );
    const sk = store.sk('s-bad');
    ins.run(sk, 97, 20, '{"api": "truncated');
    // Repeated, so it is read as a known payload.
    ins.run(sk, 98, 21, '{"category": "device-id"}');
    ins.run(sk, 99, 22, '{"category": "device-id"}');
    expect(store.repeatedEventData('s-bad', 'api')).toEqual(['{"category": "device-id"}']);
    const ev = loadSessionEvidence(store, 's-bad');
    expect(ev.apiCalls.map((c) => c.id)).toEqual([2]);
    expect(ev.malformed).toEqual({ api: 3 });
    expect(ev.eventCount).toBe(5);
    expect(ev.endT).toBe(22);
    await store.close();
  });
});
