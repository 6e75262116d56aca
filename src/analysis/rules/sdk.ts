/** RULES.md §2 B: SDKs collecting before consent (SDK-001). */
import { z } from 'zod';
import { gatherPi, groupViolation, whatHappened } from './pi-evidence.ts';
import { defineRule } from './types.ts';

export const sdk001 = defineRule({
  id: 'SDK-001',
  title: 'SDK collects before consent / SDK同意前收集',
  clauses: ['R1 scenes 1.1-4/5, 1.2-7/8', 'R10 (SDK guide, GB/T 43435)'],
  severity: 'C',
  params: z.object({}).strict(),
  needs: ['hooks', 'markers'],
  evaluate(ctx) {
    // PI-CONSENT-001's reads whose first non-framework frame is a known SDK, one finding per SDK.
    const groups = gatherPi(ctx, {
      read: (c) => ctx.phases.clearlyBeforeConsent(c.t) && ctx.derived.collectorOf(c)?.kind === 'sdk',
      link: (l) => ctx.phases.clearlyBeforeConsent(l.flow.t) && l.reader?.kind === 'sdk',
      // clearlyBeforeConsent is false from here on.
      readsBefore: ctx.phases.firstAccept
        ? ctx.phases.firstAccept.t - ctx.phases.params.ambiguityMs
        : Infinity,
    });
    return {
      violations: groups.map((g) => groupViolation(ctx, g, { accepted: ctx.phases.firstAccept !== null })),
    };
  },
  explain(v) {
    const when = v.data.accepted
      ? 'before the user accepted the privacy policy'
      : 'while the user had not accepted the privacy policy';
    return `The SDK ${whatHappened(v.data, v.t)}, ${when}.`;
  },
});
