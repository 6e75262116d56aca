import { z } from 'zod';
import { defineStep } from './define.ts';

export const back = defineStep({
  name: 'back',
  summary: 'Press the Back key',
  bare: true,
  options: z.object({}).strict(),
});
