import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/agent/core/flood.ts';
import type { AgentMessage, ApiMessage } from '../../src/agent/core/messages.ts';

function call(api: string, ts: number, extra: Partial<ApiMessage> = {}): ApiMessage {
  return {
    type: 'api',
    v: 1,
    api,
    category: 'device-id',
    data: ['imei'],
    args: [],
    ret: 'x',
    stack: ['a.B.c(B.java:1)'],
    process: 'p',
    thread: 'main',
    ts,
    ...extra,
  };
}

describe('flood control', () => {
  it('sends the first call at once and coalesces repeats with count, first/last and bounded times', () => {
    const out: AgentMessage[] = [];
    const c = new Coalescer((m) => out.push(m), {
      flushMs: 1000,
      maxTimes: 3,
      maxKeys: 100,
      maxMessagesPerWindow: 100,
    });
    for (const ts of [10, 20, 30, 40, 50]) c.hit(call('A.get', ts));
    expect(out).toHaveLength(1);
    c.flush();
    expect(out[1]).toMatchObject({
      api: 'A.get',
      ts: 20,
      count: 4,
      first: 20,
      last: 50,
      times: [20, 30, 40],
    });
    // a new window starts: the next identical call is sent at once again
    c.hit(call('A.get', 60));
    expect(out).toHaveLength(3);
    expect(out[2]?.type === 'api' && out[2].count).toBeUndefined();
  });

  it('keeps calls apart that differ in stack, arguments or result', () => {
    const out: AgentMessage[] = [];
    const c = new Coalescer((m) => out.push(m));
    c.hit(call('A.get', 1));
    c.hit(call('A.get', 2, { stack: ['x.Y.z(Y.java:2)'] }));
    c.hit(call('A.get', 3, { args: ['other'] }));
    c.hit(call('A.get', 4, { ret: 'changed' }));
    c.hit(call('A.get', 5));
    c.flush();
    expect(out.map((m) => (m.type === 'api' ? [m.ts, m.count ?? 1] : m.type))).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
  });

  it('caps distinct messages per window and reports the rest as dropped per API', () => {
    const out: AgentMessage[] = [];
    const c = new Coalescer((m) => out.push(m), {
      flushMs: 1000,
      maxTimes: 8,
      maxKeys: 1000,
      maxMessagesPerWindow: 10,
    });
    for (let i = 0; i < 500; i++) c.hit(call('Digest.update', 100 + i, { args: [`input-${i}`] }));
    expect(out).toHaveLength(10);
    c.flush();
    expect(out.at(-1)).toEqual({
      type: 'dropped',
      v: 1,
      api: 'Digest.update',
      count: 490,
      first: 110,
      last: 599,
    });
    expect(c.stats).toEqual({ hits: 500, sent: 10, coalesced: 0, dropped: 490 });
  });

  it('flushes early when too many distinct keys are pending', () => {
    const out: AgentMessage[] = [];
    const c = new Coalescer((m) => out.push(m), {
      flushMs: 1000,
      maxTimes: 8,
      maxKeys: 2,
      maxMessagesPerWindow: 100,
    });
    c.hit(call('A', 1));
    c.hit(call('A', 2));
    c.hit(call('B', 3)); // second key → early flush sends A's repeat
    expect(out.map((m) => (m.type === 'api' ? `${m.api}:${m.count ?? 1}` : m.type))).toEqual([
      'A:1',
      'B:1',
      'A:1',
    ]);
  });
});
