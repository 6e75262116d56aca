/** RULES.md §2 A: excessive collection frequency (PI-FREQ-001). */
import { z } from 'zod';
import { findCategory } from '../necessity.ts';
import type { EvApiCall } from '../session-evidence.ts';
import { evidenceIds, fmtT, sentence } from './common.ts';
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
    })
    .strict(),
  needs: ['hooks'],
  evaluate(ctx) {
    const p = ctx.params;
    const cat = findCategory(ctx.ev.session.category);
    const continuous = cat !== undefined && p.continuousLocationCategories.includes(cat.zh);
    // series per (PI type, collector): times plus whether the read returned nothing.
    const series = new Map<
      string,
      { type: string; actor: string; points: { t: number; nul: boolean; call: EvApiCall }[] }
    >();
    for (const call of ctx.derived.piReads) {
      const who = ctx.derived.collectorOf(call);
      if (!who) continue;
      for (const type of call.data) {
        if (!isPi(type) || (continuous && LOCATION_TYPES.has(type))) continue;
        const key = `${type}|${who.id}`;
        let s = series.get(key);
        if (!s) series.set(key, (s = { type, actor: who.name, points: [] }));
        for (const t of call.times ?? [call.t]) s.points.push({ t, nul: call.retNull, call });
      }
    }
    const violations: Violation[] = [];
    for (const [key, s] of series) {
      // piReads come in time order; only coalesced times can break it.
      if (s.points.some((pt, i) => i > 0 && pt.t < (s.points[i - 1] as (typeof s.points)[number]).t)) {
        s.points.sort((a, b) => a.t - b.t);
      }
      const kept: typeof s.points = [];
      for (const pt of s.points) {
        const last = kept[kept.length - 1];
        if (last && pt.t - last.t <= p.dedupeMs) continue;
        // A read right after one that returned nothing is a retry, not a new collection (FP trap).
        if (last && last.nul && pt.t - last.t <= p.maxPeriodMs) continue;
        kept.push(pt);
      }
      // Longest run of consecutive intervals ≤ maxPeriodMs.
      let best: [number, number] | null = null;
      let start = 0;
      for (let i = 1; i <= kept.length; i++) {
        const ok =
          i < kept.length &&
          (kept[i] as (typeof kept)[number]).t - (kept[i - 1] as (typeof kept)[number]).t <= p.maxPeriodMs;
        if (ok) continue;
        if (i - 1 - start >= p.minIntervals && (!best || i - 1 - start > best[1] - best[0]))
          best = [start, i - 1];
        start = i;
      }
      if (!best) continue;
      const run = kept.slice(best[0], best[1] + 1);
      const gaps = run
        .slice(1)
        .map((pt, i) => pt.t - (run[i] as (typeof run)[number]).t)
        .sort((a, b) => a - b);
      const period = gaps[Math.floor(gaps.length / 2)] as number;
      const first = run[0] as (typeof run)[number];
      const last = run[run.length - 1] as (typeof run)[number];
      violations.push({
        key,
        t: first.t,
        severity: period <= p.severePeriodMs ? 'C' : undefined,
        evidence: evidenceIds(run.map((pt) => pt.call.id)),
        data: {
          type: s.type,
          actor: s.actor,
          periodMs: period,
          reads: run.length,
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
