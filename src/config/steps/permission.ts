import { z } from 'zod';
import { defineStep } from './define.ts';

export const PERMISSION_ANSWERS = ['allow', 'deny', 'denyForever', 'allowOnce'] as const;
const answer = z.enum(PERMISSION_ANSWERS);

/** Answers whatever system permission dialog is showing; emits PERM_PROMPT(p), PERM_GRANTED / PERM_DENIED. */
export const permission = defineStep({
  name: 'permission',
  summary: 'Answer the system permission dialog that is showing',
  shorthand: { schema: answer, expand: (a: (typeof PERMISSION_ANSWERS)[number]) => ({ answer: a }) },
  options: z
    .object({
      answer: answer.describe('allow, deny, denyForever or allowOnce'),
      timeout: z.number().min(0).max(600).default(5).describe('how long to wait for the dialog (seconds)'),
      optional: z.boolean().default(false).describe('go on when no dialog appears'),
    })
    .strict(),
});
