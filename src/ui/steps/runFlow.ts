import { loadConfigFile } from '../../config/load.ts';
import { findNodes } from '../page.ts';
import { defineExecutor, StepFailed } from './define.ts';

export const runFlow = defineExecutor({
  name: 'runFlow',
  async run(j, o, env) {
    if (o.when) {
      const s = await j.look();
      if (findNodes(s.page, o.when.visible).length === 0)
        return { result: 'skipped', note: 'condition not visible' };
    }
    if (j.flowStack.includes(o.file))
      throw new StepFailed(`runFlow cycle: ${[...j.flowStack, o.file].join(' → ')}`);
    const flow = loadConfigFile(o.file, 'scenario', { params: o.params });
    j.flowStack.push(o.file);
    try {
      await env.runSteps(flow.steps, '');
    } finally {
      j.flowStack.pop();
    }
  },
});
