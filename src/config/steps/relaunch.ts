import { z } from 'zod';
import { defineStep } from './define.ts';

/** Emits FORCE_STOP then LAUNCH; data and permissions are kept (that is the point: re-prompts). */
export const relaunch = defineStep({
  name: 'relaunch',
  summary: 'Force-stop and start the app again, keeping its data',
  bare: true,
  options: z.object({}).strict(),
});
