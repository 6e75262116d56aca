import { defineExecutor } from './define.ts';

export const screenOn = defineExecutor({
  name: 'screenOn',
  async run(j) {
    await j.driver.key('KEYCODE_WAKEUP');
  },
});
