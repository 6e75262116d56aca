import { z } from 'zod';
import { defineStep } from './define.ts';

/** Emits FORCE_STOP. */
export const stopApp = defineStep({
  name: 'stopApp',
  summary: 'Force-stop the app under test',
  bare: true,
  options: z.object({}).strict(),
});
