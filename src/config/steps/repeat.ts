import { z } from 'zod';
import { defineStep, type ParsedStep } from './define.ts';
// A cycle (index → repeat → index) that z.lazy defers until the first parse.
import { stepListSchema } from './index.ts';

export const repeat = defineStep({
  name: 'repeat',
  summary: 'Run nested steps a number of times',
  options: z
    .object({
      times: z.number().int().min(1).max(1000),
      steps: z.lazy((): z.ZodType<ParsedStep[], unknown[]> => stepListSchema),
    })
    .strict(),
});
