import { z } from 'zod';
import { defineStep } from './define.ts';
import { textShorthand } from './selector.ts';

export const inputText = defineStep({
  name: 'inputText',
  summary: 'Type text into the focused field',
  shorthand: textShorthand,
  options: z.object({ text: z.string().describe('the text to type') }).strict(),
});
