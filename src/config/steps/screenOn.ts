import { z } from 'zod';
import { defineStep } from './define.ts';

export const screenOn = defineStep({
  name: 'screenOn',
  summary: 'Turn the screen on and unlock',
  bare: true,
  options: z.object({}).strict(),
});
