import { defineStep } from './define.ts';
import { textShorthand, visibilityOptions } from './selector.ts';

export const assertNotVisible = defineStep({
  name: 'assertNotVisible',
  summary: 'Fail if an element is visible (text, id, desc or xpath; timeout in seconds)',
  shorthand: textShorthand,
  options: visibilityOptions(5),
});
