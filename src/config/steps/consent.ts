import { z } from 'zod';
import { defineStep } from './define.ts';

export const CONSENT_ANSWERS = ['accept', 'refuse'] as const;
const answer = z.enum(CONSENT_ANSWERS);

/**
 * Finds the privacy-policy dialog unaided, emits POLICY_SHOWN and POLICY_ACCEPTED / POLICY_REFUSED.
 * The 10 s default wait is RULES.md PI-CONSENT-001's "wait ≥10 s for the dialog [S:A4]".
 */
export const consent = defineStep({
  name: 'consent',
  summary: 'Accept or refuse the privacy-policy dialog (found by itself)',
  shorthand: { schema: answer, expand: (a: (typeof CONSENT_ANSWERS)[number]) => ({ answer: a }) },
  options: z
    .object({
      answer: answer.describe('accept or refuse'),
      timeout: z.number().min(0).max(600).default(10).describe('how long to wait for the dialog (seconds)'),
      optional: z.boolean().default(false).describe('go on when no dialog appears (the rules still see it)'),
    })
    .strict(),
});
