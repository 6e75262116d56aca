import { defineExecutor } from './define.ts';
import { OPPOSITE, stroke } from './scrollSwipe.ts';

export const scroll = defineExecutor({
  name: 'scroll',
  async run(j, o) {
    const size = await j.screenSize();
    for (let i = 0; i < o.times; i++) {
      j.checkAborted();
      const s = stroke(size, OPPOSITE[o.direction]);
      await j.driver.swipe(s.from, s.to, 300);
    }
  },
});
