import { defineExecutor } from './define.ts';
import { expectVisible } from './visibility.ts';

export const waitFor = defineExecutor({
  name: 'waitFor',
  run: (j, o) => expectVisible(j, o, o.timeout, true),
});
