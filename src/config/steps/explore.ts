import { z } from 'zod';
import { defineStep } from './define.ts';
import { LAUNCH_PERMISSIONS } from './launchApp.ts';

/**
 * Bounded breadth-first exploration. `avoid` adds to the runner's built-in list of
 * uninstall/pay/delete-like texts; it never replaces it.
 */
export const explore = defineStep({
  name: 'explore',
  summary: 'Tap unexplored clickable elements breadth-first, within bounds',
  bare: true,
  options: z
    .object({
      maxSteps: z.number().int().min(1).max(10_000).default(30).describe('taps at most'),
      seed: z.number().int().min(0).default(0).describe('seed for the order of equal candidates'),
      avoid: z.array(z.string().min(1)).default([]).describe('texts never to tap, besides the built-in list'),
      permissions: z
        .enum(LAUNCH_PERMISSIONS)
        .optional()
        .describe(
          "how prompts met while exploring are answered (grantAll / denyAll; default: the launch policy, else deny); the journey's policy is restored afterwards",
        ),
    })
    .strict(),
});
