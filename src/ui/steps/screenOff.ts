import { defineExecutor } from './define.ts';

export const screenOff = defineExecutor({
  name: 'screenOff',
  async run(j) {
    await j.driver.key('KEYCODE_SLEEP');
    j.mark('SCREEN_OFF');
  },
});
