import { describeSelector, findNodes, type Selector } from '../page.ts';
import type { Journey } from '../journey.ts';
import { StepFailed } from './define.ts';

/** Waits up to `timeout` s for the selector to be (or not be) on screen; fails naming it. */
export async function expectVisible(
  j: Journey,
  sel: Selector,
  timeout: number,
  visible: boolean,
): Promise<void> {
  const s = await j.watchFor(timeout * 1000, (x) => findNodes(x.page, sel).length > 0 === visible);
  if (!s) {
    throw new StepFailed(
      `${describeSelector(sel)} ${visible ? 'did not appear' : 'was still visible'} within ${timeout} s`,
    );
  }
}
