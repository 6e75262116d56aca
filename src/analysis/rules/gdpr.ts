/** RULES.md §2 G: tracking before consent and after rejection (GDPR-CONSENT-001…002). */
import { z } from 'zod';
import { ORGANISATION_CATEGORIES } from '../data/organisations.ts';
import type { FlowLink } from '../correlation.ts';
import { evidenceIds, fmtT, listWords, sentence } from './common.ts';
import { shortObservation } from './consent.ts';
import { A1_DEVICE_IDS, piLabel } from './pi-set.ts';
import { defineRule, type RuleContext, type Violation } from './types.ts';

const trackerParams = {
  /** Device-bound identifiers that count (A1's list). */
  identifiers: z.array(z.string()).default([...A1_DEVICE_IDS]),
  /** Organisation categories (src/analysis/data/organisations.ts) that are trackers. */
  trackerCategories: z
    .array(z.enum(ORGANISATION_CATEGORIES))
    .default(['analytics', 'ads', 'attribution', 'social', 'push', 'crash', 'location']),
};

function trackerLinks(
  ctx: RuleContext<{ identifiers: string[]; trackerCategories: string[] }>,
  keep: (l: FlowLink) => boolean,
): Violation[] {
  const ids = new Set(ctx.params.identifiers);
  const cats = new Set(ctx.params.trackerCategories);
  const byOrg = new Map<string, FlowLink[]>();
  for (const l of ctx.correlation.links) {
    const org = l.destination.org;
    if (!org || !cats.has(org.category) || !ids.has(l.type) || ctx.phases.ambiguous(l.flow.t) || !keep(l))
      continue;
    const list = byOrg.get(org.id);
    if (list) list.push(l);
    else byOrg.set(org.id, [l]);
  }
  return [...byOrg.entries()]
    .map(([id, links]) => {
      const first = links[0] as FlowLink;
      return {
        key: id,
        t: first.flow.t,
        evidence: evidenceIds(links.map((l) => l.flow.id)),
        data: {
          tracker: first.destination.org?.name ?? id,
          domains: [...new Set(links.map((l) => l.destination.domain))].sort(),
          types: [...new Set(links.map((l) => l.type))].sort(),
          flows: new Set(links.map((l) => l.flow.id)).size,
        },
      };
    })
    .sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
}

function sentenceOf(data: Record<string, unknown>, t: number, when: string): string {
  const types = (data.types as string[]).map(piLabel);
  return `${sentence(listWords(types))} reached the tracker ${String(data.tracker)} (${listWords(data.domains as string[])}) at ${fmtT(t)}, ${when}.`;
}

export const gdprConsent001 = defineRule({
  id: 'GDPR-CONSENT-001',
  title: 'Tracking before consent',
  clauses: ['G', 'A1', 'A3'],
  severity: 'C',
  params: z
    .object({
      ...trackerParams,
      /** Wait 10 s for the dialog [S:A4] … */
      dialogWaitMs: z.number().min(0).default(10_000),
      /** … then capture 60 s [S:A4]. */
      captureMs: z.number().min(0).default(60_000),
    })
    .strict(),
  needs: ['traffic', 'markers'],
  evaluate(ctx) {
    return {
      violations: trackerLinks(ctx, (l) => ctx.phases.clearlyBeforeConsent(l.flow.t)),
      notEvaluated: shortObservation(ctx, ctx.params.dialogWaitMs + ctx.params.captureMs),
    };
  },
  explain: (v) => sentenceOf(v.data, v.t, 'before the user consented'),
});

export const gdprConsent002 = defineRule({
  id: 'GDPR-CONSENT-002',
  title: 'Tracking after rejection',
  clauses: ['A2', 'A4'],
  severity: 'C',
  params: z
    .object({
      ...trackerParams,
      /** Capture 60 s after tapping reject [S:A4]. */
      captureMs: z.number().min(0).default(60_000),
    })
    .strict(),
  needs: ['traffic', 'markers'],
  evaluate(ctx) {
    const refusal = ctx.phases.firstRefusal;
    if (!refusal) return { violations: [], notEvaluated: 'the journey did not reject consent' };
    const refused = (t: number): boolean => {
      const p = ctx.phases.stateAt(t);
      return (p.state === 'refused' || p.state === 'withdrawn') && t >= p.graceUntil;
    };
    const violations = trackerLinks(ctx, (l) => refused(l.flow.t));
    // Which SDKs read the stored TCF choice: context for the reader (do they honour it?).
    const tcfReaders = new Set<string>();
    for (const c of ctx.ev.apiCalls) {
      if (c.category !== 'consent-storage' || c.t < refusal.t) continue;
      const who = ctx.derived.collectorOf(c);
      if (who) tcfReaders.add(who.name);
    }
    for (const v of violations) {
      v.data.tcfReaders = [...tcfReaders].sort();
      v.evidence = evidenceIds([refusal.id, ...v.evidence]);
    }
    const observed = ctx.ev.endT - refusal.t;
    return {
      violations,
      notEvaluated:
        observed < ctx.params.captureMs
          ? `the app was observed for only ${fmtT(observed)} of the ${fmtT(ctx.params.captureMs)} needed after the rejection`
          : undefined,
    };
  },
  explain: (v) => sentenceOf(v.data, v.t, 'after the user rejected tracking'),
});
