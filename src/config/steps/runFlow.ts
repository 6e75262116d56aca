import { z } from 'zod';
import { paramNameSchema, paramValueSchema, filePathSchema } from '../common.ts';
import { defineStep } from './define.ts';
import { SELECTOR_KEYS, selectorFields, exactlyOneSelector } from './selector.ts';

const visibleSchema = z.union([
  z
    .string()
    .min(1)
    .transform((text) => ({ text })),
  z.object(selectorFields).strict().superRefine(exactlyOneSelector(SELECTOR_KEYS)),
]);

/** Runs another scenario file's steps; `file` resolves against this scenario's folder. */
export const runFlow = defineStep({
  name: 'runFlow',
  summary: 'Run the steps of another scenario file, optionally only when something is visible',
  shorthand: { schema: filePathSchema, expand: (file: string) => ({ file }) },
  options: z
    .object({
      file: filePathSchema,
      when: z
        .object({ visible: visibleSchema.describe('text, or {text|id|desc|xpath}') })
        .strict()
        .optional()
        .describe('run only if this is on screen'),
      params: z
        .record(paramNameSchema, paramValueSchema)
        .default({})
        .describe("overrides of the flow's params"),
    })
    .strict(),
});
