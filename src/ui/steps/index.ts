import { STEP_DEFINITIONS } from '../../config/steps/index.ts';
import type { StepDefinition } from '../../config/steps/define.ts';
import { assertNotVisible } from './assertNotVisible.ts';
import { assertVisible } from './assertVisible.ts';
import { back } from './back.ts';
import { background } from './background.ts';
import { consent } from './consent.ts';
import type { StepExecutor } from './define.ts';
import { explore } from './explore.ts';
import { home } from './home.ts';
import { inputText } from './inputText.ts';
import { launchApp } from './launchApp.ts';
import { marker } from './marker.ts';
import { permission } from './permission.ts';
import { relaunch } from './relaunch.ts';
import { repeat } from './repeat.ts';
import { runFlow } from './runFlow.ts';
import { screenOff } from './screenOff.ts';
import { screenOn } from './screenOn.ts';
import { screenshot } from './screenshot.ts';
import { scroll } from './scroll.ts';
import { shake } from './shake.ts';
import { stopApp } from './stopApp.ts';
import { swipe } from './swipe.ts';
import { tapOn } from './tapOn.ts';
import { wait } from './wait.ts';
import { waitFor } from './waitFor.ts';

/** Every step executor, one line each; paired with src/config/steps by name. */
export const STEP_EXECUTORS = [
  launchApp,
  stopApp,
  relaunch,
  tapOn,
  inputText,
  back,
  home,
  scroll,
  swipe,
  waitFor,
  assertVisible,
  assertNotVisible,
  background,
  screenOff,
  screenOn,
  shake,
  consent,
  permission,
  wait,
  marker,
  repeat,
  runFlow,
  screenshot,
  explore,
] as readonly StepExecutor[];

/**
 * Pairs definitions with executors by name. Fails at start-up on an executor named twice, a definition
 * without an executor, or an executor without a definition.
 */
export function buildExecutorRegistry(
  defs: readonly Pick<StepDefinition, 'name'>[],
  executors: readonly { name: string }[],
): ReadonlyMap<string, StepExecutor> {
  const byName = new Map<string, StepExecutor>();
  for (const e of executors) {
    if (byName.has(e.name)) {
      throw new Error(
        `Failed to register step executor '${e.name}': two executors use that name. Remove one.`,
      );
    }
    byName.set(e.name, e as unknown as StepExecutor);
  }
  const defined = new Set(defs.map((d) => d.name));
  for (const d of defined) {
    if (!byName.has(d)) {
      throw new Error(
        `Failed to register scenario step '${d}': it has no executor. Add src/ui/steps/${d}.ts and list it in src/ui/steps/index.ts.`,
      );
    }
  }
  for (const name of byName.keys()) {
    if (!defined.has(name)) {
      throw new Error(
        `Failed to register step executor '${name}': no step definition has that name. Define it in src/config/steps.`,
      );
    }
  }
  return byName;
}

export const EXECUTORS = buildExecutorRegistry(STEP_DEFINITIONS, STEP_EXECUTORS);
