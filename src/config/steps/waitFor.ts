import { defineStep } from './define.ts';
import { textShorthand, visibilityOptions } from './selector.ts';

export const waitFor = defineStep({
  name: 'waitFor',
  summary: 'Wait until an element is visible (text, id, desc or xpath; timeout in seconds)',
  shorthand: textShorthand,
  options: visibilityOptions(10),
});
