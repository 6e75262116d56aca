import { z } from 'zod';
import { defineStep } from './define.ts';
import { exactlyOneSelector, pointSchema, SELECTOR_KEYS, selectorFields, textShorthand } from './selector.ts';

/** Emits TAP with the node tapped. Exactly one selector: text, id, desc, xpath or point. */
export const tapOn = defineStep({
  name: 'tapOn',
  summary: 'Tap an element by text, id, desc or xpath, or a screen point',
  shorthand: textShorthand,
  options: z
    .object({
      ...selectorFields,
      point: pointSchema.optional(),
      index: z.number().int().min(0).default(0).describe('which match to tap when several match (0 = first)'),
      optional: z.boolean().default(false).describe('go on without failing when nothing matches'),
      timeout: z.number().min(0).max(3600).default(5).describe('how long to wait for the element (seconds)'),
    })
    .strict()
    .superRefine(exactlyOneSelector([...SELECTOR_KEYS, 'point'])),
});
