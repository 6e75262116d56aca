/**
 * Flood control: identical calls (same API, stack, arguments and result) are coalesced. The first
 * one in a window is sent at once (so its time is exact and it arrives promptly); repeats are counted
 * and sent as one message at the next flush with their first/last times and a bounded list of
 * timestamps (enough for PI-FREQ-001's period detection). A per-window message budget caps distinct
 * calls too; what exceeds it is reported per API as `dropped`, never silently lost.
 */
import { AGENT_PROTOCOL, type AgentMessage, type ApiMessage } from './messages.ts';

export interface FloodOptions {
  /** Flush period of coalesced repeats (ms). */
  flushMs: number;
  /** Timestamps kept per coalesced key and window. */
  maxTimes: number;
  /** Distinct keys held before an early flush. */
  maxKeys: number;
  /** Immediate (first-in-window) messages per window; beyond it calls are counted as dropped. */
  maxMessagesPerWindow: number;
}

export const DEFAULT_FLOOD: FloodOptions = {
  flushMs: 1000,
  maxTimes: 64,
  maxKeys: 2048,
  maxMessagesPerWindow: 1000,
};

interface Pending {
  msg: ApiMessage;
  count: number;
  first: number;
  last: number;
  times: number[];
}

export interface FloodStats {
  hits: number;
  sent: number;
  coalesced: number;
  dropped: number;
}

export class Coalescer {
  private readonly pending = new Map<string, Pending>();
  private readonly dropped = new Map<string, { count: number; first: number; last: number }>();
  private sentInWindow = 0;
  readonly stats: FloodStats = { hits: 0, sent: 0, coalesced: 0, dropped: 0 };

  constructor(
    private readonly send: (m: AgentMessage) => void,
    private readonly opts: FloodOptions = DEFAULT_FLOOD,
  ) {}

  /** Key of identical calls: API, stack and the summarised values. */
  static keyOf(m: ApiMessage): string {
    return `${m.api}\u0000${m.stack.join('\u0001')}\u0000${JSON.stringify(m.args)}\u0000${JSON.stringify(m.ret)}\u0000${m.threw ?? ''}`;
  }

  hit(m: ApiMessage): void {
    this.stats.hits++;
    const key = Coalescer.keyOf(m);
    const p = this.pending.get(key);
    if (p !== undefined) {
      p.count++;
      p.last = m.ts;
      if (p.first < 0) p.first = m.ts;
      if (p.times.length < this.opts.maxTimes) p.times.push(m.ts);
      this.stats.coalesced++;
      return;
    }
    if (this.sentInWindow >= this.opts.maxMessagesPerWindow) {
      const d = this.dropped.get(m.api);
      if (d === undefined) this.dropped.set(m.api, { count: 1, first: m.ts, last: m.ts });
      else {
        d.count++;
        d.last = m.ts;
      }
      this.stats.dropped++;
      return;
    }
    this.sentInWindow++;
    this.emit(m);
    this.pending.set(key, { msg: m, count: 0, first: -1, last: -1, times: [] });
    if (this.pending.size >= this.opts.maxKeys) this.flush();
  }

  /** Sends coalesced repeats and drop counts; starts a new window. */
  flush(): void {
    for (const p of this.pending.values()) {
      if (p.count === 0) continue;
      this.emit({ ...p.msg, ts: p.first, count: p.count, first: p.first, last: p.last, times: p.times });
    }
    this.pending.clear();
    for (const [api, d] of this.dropped) {
      this.send({ type: 'dropped', v: AGENT_PROTOCOL, api, count: d.count, first: d.first, last: d.last });
    }
    this.dropped.clear();
    this.sentInWindow = 0;
  }

  private emit(m: ApiMessage): void {
    this.stats.sent++;
    this.send(m);
  }
}
