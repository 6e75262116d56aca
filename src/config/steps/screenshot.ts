import { z } from 'zod';
import { defineStep } from './define.ts';

export const screenshot = defineStep({
  name: 'screenshot',
  summary: 'Store a screenshot in the session evidence',
  bare: true,
  shorthand: { schema: z.string().min(1), expand: (name: string) => ({ name }) },
  options: z.object({ name: z.string().min(1).optional().describe('label shown in reports') }).strict(),
});
