import { z } from 'zod';
import { defineStep } from './define.ts';

export const DIRECTIONS = ['up', 'down', 'left', 'right'] as const;
export const directionSchema = z.enum(DIRECTIONS);
export type Direction = (typeof DIRECTIONS)[number];

/** Scroll the content (the finger moves the other way). */
export const scroll = defineStep({
  name: 'scroll',
  summary: 'Scroll the screen content',
  bare: true,
  shorthand: { schema: directionSchema, expand: (direction: Direction) => ({ direction }) },
  options: z
    .object({
      direction: directionSchema
        .default('down')
        .describe('where the content moves to reveal: up, down, left, right'),
      times: z.number().int().min(1).max(100).default(1),
    })
    .strict(),
});
