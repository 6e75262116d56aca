import { startApp } from '../../device/ops/activity.ts';
import { defineExecutor } from './define.ts';

/** HOME, BG, wait (watching), bring the app back, FG. */
export const background = defineExecutor({
  name: 'background',
  async run(j, o) {
    await j.driver.key('KEYCODE_HOME');
    j.mark('BG', j.pkg, { seconds: o.seconds });
    await j.watchFor(o.seconds * 1000);
    // The launcher intent brings the existing task to the front, as tapping the app's icon does.
    await startApp(j.ctx.device, j.pkg);
    j.mark('FG', j.pkg);
    await j.look();
  },
});
