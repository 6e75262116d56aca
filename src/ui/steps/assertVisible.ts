import { defineExecutor } from './define.ts';
import { expectVisible } from './visibility.ts';

export const assertVisible = defineExecutor({
  name: 'assertVisible',
  run: (j, o) => expectVisible(j, o, o.timeout, true),
});
