import { defineExecutor } from './define.ts';
import { stroke } from './scrollSwipe.ts';

export const swipe = defineExecutor({
  name: 'swipe',
  async run(j, o) {
    const s = o.direction ? stroke(await j.screenSize(), o.direction) : { from: o.from, to: o.to };
    if (!s.from || !s.to) throw new Error('swipe needs a direction or from/to (the schema checks this)');
    await j.driver.swipe(s.from, s.to, o.duration * 1000);
  },
});
