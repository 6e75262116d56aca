/**
 * The queries rules and reports run must stay index lookups on millions of rows: every statement the store
 * prepares for them is checked with EXPLAIN QUERY PLAN (a timing test would be flaky on a shared machine).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { apiCall, cleanupTempDirs, flow, freshStore, populate } from './helpers.ts';

afterAll(cleanupTempDirs);

const ID = 'session-20261128-011500-abcdef';

/** Runs `query` on a fresh store and returns the plan of every SELECT it prepared. */
function plansOf(query: (s: EvidenceStore) => unknown): string[] {
  const store = freshStore();
  populate(store, ID);
  store.writer.appendApiCall(ID, 50, apiCall('a.B.c', 'location'));
  store.writer.appendFlow(flow(ID, 51, 'x.example'));
  void store.flush();
  const seen: string[] = [];
  const prepare = store.db.prepare.bind(store.db);
  store.db.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as typeof store.db.prepare;
  query(store);
  store.db.prepare = prepare;
  const plans = seen
    .filter((sql) => /^\s*SELECT/i.test(sql) && !/FROM sessions WHERE id = \?/.test(sql))
    .map((sql) => {
      const params = (sql.match(/\?/g) ?? []).map(() => 1);
      const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      return rows.map((r) => r.detail).join(' | ');
    });
  void store.close();
  return plans;
}

describe('lean reads', () => {
  it('flow summaries are the full flows without bodies, timing and extras', () => {
    const store = freshStore();
    populate(store, ID);
    store.writer.appendFlow(
      flow(ID, 51, 'x.example', { status: undefined, error: 'reset', extra: { n: 1 } }),
    );
    // Captured after the t=51 one but earlier: key order is not time order.
    store.writer.appendFlow(flow(ID, 8, 'early.example'));
    const full = store.flows(ID);
    expect(full.map((f) => [f.t, f.id])).toEqual([
      [8, 3],
      [10, 1],
      [51, 2],
    ]);
    expect(store.flowSummaries(ID)).toEqual(
      full.map(({ requestBody: _b, responseBody: _r, timing: _t, extra: _e, ...rest }) => rest),
    );
    // One flow by its id is the same row, bodies included.
    expect(store.flow(ID, 2)).toEqual(full.find((f) => f.id === 2));
    expect(store.flow(ID, 99)).toBeUndefined();
    void store.close();
  });

  it('unparsed events are the stored rows of that type, in time order', () => {
    const store = freshStore();
    populate(store, ID);
    store.writer.appendApiCall(ID, 3, apiCall('a.B.c', 'location'));
    const rows = [...store.iterateEventData(ID, 'api')];
    expect(rows).toEqual(store.events(ID, { type: 'api' }).map((e) => [e.id, e.t, JSON.stringify(e.data)]));
    expect(rows.map((r) => r[1])).toEqual([3, 5]);
    void store.close();
  });
});

describe('known payloads', () => {
  it('returns the index of a known text instead of the text, byte for byte', () => {
    const store = freshStore();
    populate(store, ID);
    const a = apiCall('a.B.c', 'location');
    for (const t of [1, 2, 3]) store.writer.appendApiCall(ID, t, a);
    store.writer.appendApiCall(ID, 4, { ...a, ret: 'other' });
    const repeated = store.repeatedEventData(ID, 'api');
    expect(repeated).toEqual([JSON.stringify(a)]);
    // A text that differs only by a space is not the known one.
    const spaced = JSON.stringify(a).replace('{', '{ ');
    const rows = [...store.iterateEventData(ID, 'api', [spaced, ...repeated])];
    const stored = store.events(ID, { type: 'api' }).map((e) => JSON.stringify(e.data));
    expect(rows.map((r) => r[2])).toEqual([1, 1, 1, stored[3], stored[4]]);
    expect(rows.map((r) => r[0])).toEqual(store.events(ID, { type: 'api' }).map((e) => e.id));
    void store.close();
  });
});

describe('query plans', () => {
  it.each<[string, (s: EvidenceStore) => unknown, RegExp]>([
    [
      'events of a session in time order',
      (s) => s.events(ID),
      /SEARCH events USING INDEX events_t \(sk=\?\)/,
    ],
    [
      'events by source and time',
      (s) => s.events(ID, { source: 'hook', fromT: 1, toT: 9 }),
      // Without statistics SQLite may pick either; both are bounded index searches.
      /SEARCH events USING INDEX (events_source_t \(sk=\? AND source=\? AND t>\? AND t<\?\)|events_t \(sk=\? AND t>\? AND t<\?\))/,
    ],
    [
      'events by type',
      (s) => s.events(ID, { type: 'marker' }),
      /SEARCH events USING INDEX events_type_t \(sk=\? AND type=\?\)/,
    ],
    [
      'unparsed events of one type (the analysis load)',
      (s) => [...s.iterateEventData(ID, 'api')],
      /SEARCH events USING INDEX events_type_t \(sk=\? AND type=\?\)/,
    ],
    [
      'flow summaries',
      (s) => s.flowSummaries(ID),
      /SEARCH flows USING (PRIMARY KEY|INDEX sqlite_autoindex_flows_1) \(sk=\?\)/,
    ],
    ['one event by id', (s) => s.event(ID, 3), /SEARCH events USING INDEX events_id \(sk=\? AND id=\?\)/],
    [
      'one flow by id (a cited flow in a report)',
      (s) => s.flow(ID, 1),
      /SEARCH flows USING (PRIMARY KEY|INDEX sqlite_autoindex_flows_1) \(sk=\? AND id=\?\)/,
    ],
    [
      'flows by host',
      (s) => s.flows(ID, { host: 'x.example' }),
      /SEARCH flows USING INDEX flows_host \(sk=\? AND host=\?\)/,
    ],
    [
      'API calls by api',
      (s) => s.apiCalls(ID, { api: 'a.B.c' }),
      /SEARCH a USING INDEX api_calls_api \(sk=\? AND api=\?\)/,
    ],
    [
      'API calls by category',
      (s) => s.apiCalls(ID, { category: 'location' }),
      /SEARCH a USING INDEX api_calls_category \(sk=\? AND category=\?\)/,
    ],
  ])('%s uses an index', (_name, query, plan) => {
    const plans = plansOf(query);
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.join('\n')).toMatch(plan);
    for (const p of plans) expect(p).not.toMatch(/SCAN (events|flows|api_calls)\b/);
  });
});
