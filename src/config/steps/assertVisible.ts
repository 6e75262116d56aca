import { defineStep } from './define.ts';
import { textShorthand, visibilityOptions } from './selector.ts';

export const assertVisible = defineStep({
  name: 'assertVisible',
  summary: 'Fail unless an element is visible (text, id, desc or xpath; timeout in seconds)',
  shorthand: textShorthand,
  options: visibilityOptions(5),
});
