import { z } from 'zod';
import { defineStep } from './define.ts';

export const screenOff = defineStep({
  name: 'screenOff',
  summary: 'Turn the screen off (emits SCREEN_OFF)',
  bare: true,
  options: z.object({}).strict(),
});
