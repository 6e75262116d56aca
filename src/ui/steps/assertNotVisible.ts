import { defineExecutor } from './define.ts';
import { expectVisible } from './visibility.ts';

export const assertNotVisible = defineExecutor({
  name: 'assertNotVisible',
  run: (j, o) => expectVisible(j, o, o.timeout, false),
});
