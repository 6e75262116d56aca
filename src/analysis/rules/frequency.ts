/** RULES.md §2 A: excessive collection frequency (PI-FREQ-001). */
import { z } from 'zod';
import { findCategory } from '../necessity.ts';
import type { EvApiCall } from '../session-evidence.ts';
import { evidenceIds, fmtT, MAX_EVIDENCE, sentence } from './common.ts';
import { isPi, piLabel } from './pi-set.ts';
import { defineRule, type Violation } from './types.ts';

const LOCATION_TYPES = new Set(['location', 'cellLocation', 'wifiScan']);

export const piFreq001 = defineRule({
  id: 'PI-FREQ-001',
  title: 'Excessive frequency / 超频次收集',
  clauses: ['R14 (超频次)', 'R2 四.4', 'R1 scenes 1.2-2/4 [T]', 'R13'],
  severity: 'H',
  params: z
    .object({
      /** Collapse reads of one type within 100 ms [P] (identical stacks, wrapper calls). */
      dedupeMs: z.number().min(0).default(100),
      /** A period of ≤30 s [P, anchored on T] … */
      maxPeriodMs: z.number().min(1).default(30_000),
      /** … for ≥3 consecutive intervals [P]. */
      minIntervals: z.number().int().min(1).default(3),
      /** A period of ≤2 s is severe [T]. */
      severePeriodMs: z.number().min(0).default(2000),
      /** Continuous-need categories (R8 names) where periodic location is the feature (FP: navigation, ride-hailing, sports). */
      continuousLocationCategories: z
        .array(z.string())
        .default(['地图导航', '网络约车', '用车服务', '运动健身']),
      /**
       * In those categories the feature is in use when the user started it: a TAP at most 3 s [P, RULES.md
       * §3 (5)] before the series' first read, or every read of it in the foreground. A series the user
       * never started (e.g. in the background) is outside the feature and is measured.
       */
      featureTapMs: z.number().min(0).default(3000),
    })
    .strict(),
  needs: ['hooks'],
  evaluate(ctx) {
    const p = ctx.params;
    const cat = findCategory(ctx.ev.session.category);
    const continuous = cat !== undefined && p.continuousLocationCategories.includes(cat.zh);
    // Series per (collector, PI type) as parallel arrays (times, calls): a long session has a million reads.
    interface Series {
      key: string;
      type: string;
      actor: string;
      /** Location in a continuous-need category: exempt while the user uses the feature. */
      continuousNeed: boolean;
      ts: number[];
      calls: EvApiCall[];
    }
    const byActor = new Map<string, Map<string, Series>>();
    const all: Series[] = [];
    for (const call of ctx.derived.piReads) {
      const who = ctx.derived.collectorOf(call);
      if (!who) continue;
      let byType = byActor.get(who.id);
      if (!byType) byActor.set(who.id, (byType = new Map()));
      for (const type of call.data) {
        if (!isPi(type)) continue;
        let s = byType.get(type);
        if (!s) {
          s = {
            key: `${type}|${who.id}`,
            type,
            actor: who.name,
            continuousNeed: continuous && LOCATION_TYPES.has(type),
            ts: [],
            calls: [],
          };
          byType.set(type, s);
          all.push(s);
        }
        for (const t of call.times ?? [call.t]) {
          s.ts.push(t);
          s.calls.push(call);
        }
      }
    }
    const violations: Violation[] = [];
    for (const s of all) {
      const key = s.key;
      let order = s.ts.map((_, i) => i);
      // piReads come in time order; only coalesced times can break it.
      if (s.ts.some((t, i) => i > 0 && t < (s.ts[i - 1] as number))) {
        order = order.sort((a, b) => (s.ts[a] as number) - (s.ts[b] as number));
      }
      const kept: number[] = [];
      for (const i of order) {
        const t = s.ts[i] as number;
        const li = kept[kept.length - 1];
        if (li !== undefined) {
          const lt = s.ts[li] as number;
          // One read through wrappers shows up as several calls with the same stack (RULES.md: identical stacks).
          if (
            t - lt <= p.dedupeMs &&
            sameStack((s.calls[li] as EvApiCall).stack, (s.calls[i] as EvApiCall).stack)
          )
            continue;
          // A read right after one that returned nothing is a retry, not a new collection (FP trap).
          if ((s.calls[li] as EvApiCall).retNull && t - lt <= p.maxPeriodMs) continue;
        }
        kept.push(i);
      }
      const tAt = (k: number): number => s.ts[kept[k] as number] as number;
      // Longest run of consecutive intervals ≤ maxPeriodMs.
      let best: [number, number] | null = null;
      let start = 0;
      for (let i = 1; i <= kept.length; i++) {
        if (i < kept.length && tAt(i) - tAt(i - 1) <= p.maxPeriodMs) continue;
        if (i - 1 - start >= p.minIntervals && (!best || i - 1 - start > best[1] - best[0]))
          best = [start, i - 1];
        start = i;
      }
      if (!best) continue;
      if (s.continuousNeed) {
        const run = kept.slice(best[0], best[1] + 1).map((i) => s.calls[i] as EvApiCall);
        const started = ctx.derived.tapBefore(tAt(best[0]), p.featureTapMs) !== undefined;
        if (started || run.every((c) => c.fg)) continue;
      }
      const gaps: number[] = [];
      for (let k = best[0] + 1; k <= best[1]; k++) gaps.push(tAt(k) - tAt(k - 1));
      gaps.sort((a, b) => a - b);
      // Measured to 0.1 s: timers jitter by milliseconds, and a read "every 2 s" that lands 3 ms late is
      // still the ≤2 s [T] case.
      const period = Math.round((gaps[Math.floor(gaps.length / 2)] as number) / 100) * 100;
      const first = { t: tAt(best[0]) };
      const last = { t: tAt(best[1]) };
      const run = kept
        .slice(best[0], Math.min(best[1] + 1, best[0] + 2 * MAX_EVIDENCE))
        .map((i) => ({ call: s.calls[i] as EvApiCall }));
      const runLength = best[1] - best[0] + 1;
      violations.push({
        key,
        t: first.t,
        severity: period <= p.severePeriodMs ? 'C' : undefined,
        evidence: evidenceIds(run.map((pt) => pt.call.id)),
        data: {
          type: s.type,
          actor: s.actor,
          periodMs: period,
          reads: runLength,
          fromT: first.t,
          toT: last.t,
        },
      });
    }
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const d = v.data;
    return `${sentence(String(d.actor))} read ${piLabel(String(d.type))} every ${fmtT(Number(d.periodMs))} (${Number(d.reads)} times from ${fmtT(Number(d.fromT))} to ${fmtT(Number(d.toT))}).`;
  },
});

function sameStack(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
