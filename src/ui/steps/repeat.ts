import type { Step } from '../../config/steps/index.ts';
import { defineExecutor } from './define.ts';

export const repeat = defineExecutor({
  name: 'repeat',
  async run(_j, o, env) {
    for (let i = 0; i < o.times; i++) await env.runSteps(o.steps as Step[], `#${i + 1}`);
  },
});
