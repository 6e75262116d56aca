import { defineExecutor } from './define.ts';

export const screenshot = defineExecutor({
  name: 'screenshot',
  async run(j, o) {
    await j.snapshot({ screenshot: o.name ?? null });
  },
});
