import { defineExecutor } from './define.ts';

export const marker = defineExecutor({
  name: 'marker',
  async run(j, o) {
    j.mark(o.name, o.arg);
  },
});
