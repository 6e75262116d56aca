import { z } from 'zod';
import { defineStep } from './define.ts';

export const home = defineStep({
  name: 'home',
  summary: 'Press the Home key (emits BG)',
  bare: true,
  options: z.object({}).strict(),
});
