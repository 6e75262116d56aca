import { z } from 'zod';
import { expected } from '../problems.ts';

/** How a step names a UI element. Exactly one of these per step that targets an element. */
export const SELECTOR_KEYS = ['text', 'id', 'desc', 'xpath'] as const;
export type SelectorKey = (typeof SELECTOR_KEYS)[number];

export const selectorFields = {
  text: z.string().min(1).optional().describe('visible text (exact, or a /regex/)'),
  id: z.string().min(1).optional().describe('resource-id, e.g. com.example:id/agree'),
  desc: z.string().min(1).optional().describe('content-desc (accessibility label)'),
  xpath: z.string().min(1).optional().describe('XPath over the UiAutomator2 page source'),
};

/** A screen point as `x,y` or `{x, y}`, in device pixels. */
export const pointSchema = z
  .union(
    [
      z
        .string()
        .regex(/^\s*\d+\s*,\s*\d+\s*$/)
        .transform((s) => {
          const [x, y] = s.split(',').map((n) => Number(n.trim()));
          return { x: x ?? 0, y: y ?? 0 };
        }),
      z.object({ x: z.number().int().min(0), y: z.number().int().min(0) }).strict(),
    ],
    { error: expected("a point 'x,y' or {x, y} in pixels") },
  )
  .describe('screen point in pixels: "x,y" or {x, y}');

/**
 * Adds "exactly one selector" to an options object; a problem names the keys at fault.
 * `keys` lists every key that counts as a selector for this step.
 */
export function exactlyOneSelector(keys: readonly string[]) {
  return (options: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const given = keys.filter((k) => options[k] !== undefined);
    if (given.length === 1) return;
    const [first, second] = given;
    if (first === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one selector: ${keys.join(', ')}`,
        input: options,
      });
    } else {
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one selector, got '${first}' and '${second}'`,
        params: { atKey: second },
        input: options,
      });
    }
  };
}

/** waitFor / assertVisible / assertNotVisible: a selector and a timeout. Shorthand: the text. */
export function visibilityOptions(defaultTimeout: number) {
  return z
    .object({
      ...selectorFields,
      timeout: z.number().min(0).max(3600).default(defaultTimeout).describe('how long to wait (seconds)'),
    })
    .strict()
    .superRefine(exactlyOneSelector(SELECTOR_KEYS));
}

export const textShorthand = {
  schema: z.string().min(1).describe('the visible text'),
  expand: (text: string) => ({ text }),
};
