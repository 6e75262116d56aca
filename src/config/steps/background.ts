import { z } from 'zod';
import { defineStep } from './define.ts';
import { seconds } from '../common.ts';

/** Emits BG, waits, brings the app back (FG). PI-BG-001 wants ≥5 min dwells [P], so no low cap here. */
export const background = defineStep({
  name: 'background',
  summary: 'Send the app to the background for a while, then bring it back',
  shorthand: { schema: seconds('time in the background'), expand: (s: number) => ({ seconds: s }) },
  options: z.object({ seconds: seconds('time in the background') }).strict(),
});
