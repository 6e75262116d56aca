import { forceStop, startApp } from '../../device/ops/activity.ts';
import { defineExecutor } from './define.ts';

/** FORCE_STOP then LAUNCH, keeping data and permissions (re-prompt counting, PERM-002). */
export const relaunch = defineExecutor({
  name: 'relaunch',
  async run(j) {
    await forceStop(j.ctx.device, j.pkg);
    j.mark('FORCE_STOP', j.pkg);
    j.mark('LAUNCH', j.pkg, { relaunch: true });
    await startApp(j.ctx.device, j.pkg);
    await j.look();
  },
});
