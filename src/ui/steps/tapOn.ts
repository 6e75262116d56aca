import { describeSelector, findNodes } from '../page.ts';
import { defineExecutor, StepFailed } from './define.ts';

export const tapOn = defineExecutor({
  name: 'tapOn',
  async run(j, o) {
    if (o.point) {
      await j.driver.tap(o.point.x, o.point.y);
      j.mark('TAP', undefined, { x: o.point.x, y: o.point.y });
      return;
    }
    const screen = await j.watchFor(o.timeout * 1000, (s) => findNodes(s.page, o).length > o.index);
    const node = screen ? findNodes(screen.page, o)[o.index] : undefined;
    if (!node) {
      if (o.optional) return { result: 'skipped', note: `no element with ${describeSelector(o)}` };
      throw new StepFailed(
        `no element with ${describeSelector(o)}${o.index ? ` at index ${o.index}` : ''} within ${o.timeout} s`,
      );
    }
    await j.tapNode(node);
  },
});
