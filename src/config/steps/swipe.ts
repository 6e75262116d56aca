import { z } from 'zod';
import { defineStep } from './define.ts';
import { pointSchema } from './selector.ts';
import { directionSchema, type Direction } from './scroll.ts';

/** A swipe is either a direction across the middle of the screen or from one point to another. */
export const swipe = defineStep({
  name: 'swipe',
  summary: 'Swipe in a direction, or from one point to another',
  shorthand: { schema: directionSchema, expand: (direction: Direction) => ({ direction }) },
  options: z
    .object({
      direction: directionSchema.optional().describe('finger direction: up, down, left, right'),
      from: pointSchema.optional(),
      to: pointSchema.optional(),
      duration: z.number().min(0.05).max(10).default(0.3).describe('seconds'),
    })
    .strict()
    .superRefine((o, ctx) => {
      const points = o.from !== undefined || o.to !== undefined;
      if (o.direction !== undefined && points) {
        ctx.addIssue({
          code: 'custom',
          message: "expected either 'direction' or 'from' and 'to', not both",
          params: { atKey: o.from !== undefined ? 'from' : 'to' },
        });
      } else if (!points && o.direction === undefined) {
        ctx.addIssue({ code: 'custom', message: "expected 'direction', or 'from' and 'to'" });
      } else if (points && (o.from === undefined || o.to === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `missing required key '${o.from === undefined ? 'from' : 'to'}'`,
        });
      }
    }),
});
