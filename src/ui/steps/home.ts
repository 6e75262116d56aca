import { defineExecutor } from './define.ts';

/** HOME sends the app to the background: BG. */
export const home = defineExecutor({
  name: 'home',
  async run(j) {
    await j.driver.key('KEYCODE_HOME');
    j.mark('BG', j.pkg);
  },
});
