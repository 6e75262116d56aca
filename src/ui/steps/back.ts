import { defineExecutor } from './define.ts';

export const back = defineExecutor({
  name: 'back',
  async run(j) {
    await j.driver.key('KEYCODE_BACK');
  },
});
