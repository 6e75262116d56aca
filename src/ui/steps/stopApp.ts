import { forceStop } from '../../device/ops/activity.ts';
import { defineExecutor } from './define.ts';

export const stopApp = defineExecutor({
  name: 'stopApp',
  async run(j) {
    await forceStop(j.ctx.device, j.pkg);
    j.mark('FORCE_STOP', j.pkg);
  },
});
