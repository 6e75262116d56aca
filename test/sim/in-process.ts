import type { SimDevice } from '../../src/sim/device/device.ts';
import { runShellLine } from '../../src/sim/shell/interpreter.ts';
import { SimUi } from '../../src/sim/ui/ui.ts';

/** Driving an in-process sim (no ADB): a shell line's output, waiting on its state, tapping a node. */

/** Runs one `adb shell` line on the sim; stdout and stderr together. */
export async function sh(d: SimDevice, line: string): Promise<string> {
  let out = '';
  await runShellLine(d, line, {
    output: { out: (b) => (out += b.toString()), err: (b) => (out += b.toString()) },
  });
  return out;
}

/** Waits until `cond` holds, polling every 10 ms; fails naming `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `input tap` at the centre of the first node of the active window with this resource id or text. */
export async function tapOn(d: SimDevice, match: string): Promise<void> {
  const n = d.ui.find(
    (x) => x.resourceId === match || x.resourceId.endsWith(`:id/${match}`) || x.text === match,
  );
  if (!n) throw new Error(`no node ${match} in\n${d.ui.pageSource()}`);
  const [x, y] = SimUi.centre(n);
  await sh(d, `input tap ${x} ${y}`);
}
