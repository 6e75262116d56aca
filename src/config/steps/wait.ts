import { z } from 'zod';
import { defineStep } from './define.ts';
import { seconds } from '../common.ts';

/** Observation windows: keep them parameters (`${observe}`) so suites can shorten them. */
export const wait = defineStep({
  name: 'wait',
  summary: 'Do nothing for a while (observe)',
  shorthand: { schema: seconds('time to wait'), expand: (s: number) => ({ seconds: s }) },
  options: z.object({ seconds: seconds('time to wait') }).strict(),
});
