/** RULES.md §2 A: background or silent collection (PI-BG-001). */
import { z } from 'zod';
import { evidenceIds, fmtT, listWords, sentence } from './common.ts';
import { isPi, piLabel } from './pi-set.ts';
import { defineRule, type Violation } from './types.ts';
import type { EvApiCall } from '../session-evidence.ts';

export const piBg001 = defineRule({
  id: 'PI-BG-001',
  title: 'Background or silent collection / 静默、后台收集',
  clauses: ['R1 (特别是在静默状态下或在后台运行时) scenes 1.2-5…8', 'R9 §6.7'],
  severity: 'H',
  params: z
    .object({
      /** Reads in the first 5 s [P] after BG or SCREEN_OFF are the app pausing, not background collection. */
      graceMs: z.number().min(0).default(5000),
      /** The background stay must last ≥5 min [P]. */
      minDwellMs: z.number().min(0).default(300_000),
    })
    .strict(),
  needs: ['hooks', 'markers'],
  evaluate(ctx) {
    const stays = ctx.phases.background.filter((b) => b.to - b.from >= ctx.params.minDwellMs);
    if (stays.length === 0) {
      return {
        violations: [],
        notEvaluated: `the journey had no background stay of at least ${fmtT(ctx.params.minDwellMs)}`,
      };
    }
    const groups = new Map<
      string,
      { actor: string; calls: EvApiCall[]; types: Set<string>; stay: (typeof stays)[number] }
    >();
    for (const call of ctx.derived.piReads) {
      if (call.fg) continue;
      const stay = stays.find((b) => call.t >= b.from + ctx.params.graceMs && call.t <= b.to);
      const who = stay && ctx.derived.collectorOf(call);
      if (!stay || !who) continue;
      const key = `${who.id}|${stay.marker.id}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { actor: who.name, calls: [], types: new Set(), stay }));
      g.calls.push(call);
      for (const ty of call.data) if (isPi(ty)) g.types.add(ty);
    }
    const violations: Violation[] = [...groups.entries()].map(([key, g]) => ({
      key,
      t: (g.calls[0] as EvApiCall).t,
      evidence: evidenceIds([g.stay.marker.id, ...g.calls.map((c) => c.id)]),
      data: {
        actor: g.actor,
        types: [...g.types].sort(),
        cause: g.stay.cause,
        since: g.stay.from,
        reads: g.calls.length,
      },
    }));
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const how = d.cause === 'SCREEN_OFF' ? 'the screen was turned off' : 'the app went to the background';
    return `${sentence(String(d.actor))} read ${listWords((d.types as string[]).map(piLabel))} at ${fmtT(v.t)} while the app was not in use (${how} at ${fmtT(Number(d.since))}).`;
  },
});
