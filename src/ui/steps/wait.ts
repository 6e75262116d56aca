import { defineExecutor } from './define.ts';

/** Observes: looks at the screen every 500 ms, so prompts and policy dialogs are marked as they appear. */
export const wait = defineExecutor({
  name: 'wait',
  async run(j, o) {
    await j.watchFor(o.seconds * 1000);
  },
});
