import type { ParamValue } from '../config/common.ts';
import { loadConfigFile } from '../config/load.ts';
import { displayFile } from '../config/problems.ts';
import type { Scenario } from '../config/scenario.ts';
import type { Step } from '../config/steps/index.ts';
import type { ScenarioContext, ScenarioResult, ScenarioRunner } from '../farm/session.ts';
import { describeError } from '../errors.ts';
import { childLog } from '../log.ts';
import type { UiDriver } from './driver.ts';
import { AdbUiDriver } from './drivers/adb.ts';
import { WdioUiDriver, type AppiumEndpoint } from './drivers/wdio.ts';
import { Journey, JourneyAborted } from './journey.ts';
import { StepFailed, type StepOutcome } from './steps/define.ts';
import { EXECUTORS } from './steps/index.ts';

const log = childLog({ part: 'runner' });

export interface RunnerOptions {
  /**
   * The Appium server (src/ui/appium-server.ts) to drive the UI through: UiAutomator2 on devices and
   * emulators, AppwardenSim on sims. Without it, the journey drives the UI over plain ADB.
   */
  appium?: AppiumEndpoint;
  /** Snapshots (page source + screenshot) before and after each step; default true. */
  snapshots?: boolean;
}

/** The error a failing step ends the journey with. */
export function stepError(label: string, step: Step, reason: string): string {
  const at = `${displayFile(step.source.file)}:${step.source.line}:${step.source.col}`;
  return `step ${label} '${step.name}' (${at}): ${reason}`;
}

class JourneyFailed extends Error {}

/**
 * Turns a scenario file into the farm's ScenarioRunner. The file is loaded (and validated) here, so a
 * broken scenario fails before any device is touched, with its positioned problem.
 */
export function createScenarioRunner(
  file: string,
  params: Readonly<Record<string, ParamValue>> = {},
  options: RunnerOptions = {},
): ScenarioRunner {
  const scenario = loadConfigFile(file, 'scenario', { params });
  return {
    name: scenario.name,
    run: (ctx) => runScenario(scenario, ctx, options),
  };
}

async function openDriver(ctx: ScenarioContext, options: RunnerOptions): Promise<UiDriver> {
  if (!options.appium) return new AdbUiDriver(ctx.device, ctx.deviceKind);
  const endpoint = options.appium;
  return ctx.scope.acquire(
    'Appium session',
    () => WdioUiDriver.open(endpoint, ctx.deviceKind, ctx.device.serial),
    (d) => d.close(),
  );
}

export async function runScenario(
  scenario: Scenario,
  ctx: ScenarioContext,
  options: RunnerOptions = {},
): Promise<ScenarioResult> {
  let driver: UiDriver;
  try {
    driver = await openDriver(ctx, options);
  } catch (err) {
    const reason = `Failed to open the UI session: ${describeError(err)}`;
    ctx.writer.appendEvent({
      session: ctx.session,
      t: ctx.clock.now(),
      source: 'ui',
      type: 'ui-unavailable',
      data: { reason },
    });
    return { status: 'error', reason };
  }
  const j = new Journey(ctx, driver, scenario);
  const snapshots = options.snapshots ?? true;

  const runStep = async (step: Step, label: string) => {
    j.checkAborted();
    const executor = EXECUTORS.get(step.name);
    if (!executor) throw new JourneyFailed(stepError(label, step, 'no executor for this step'));
    ctx.status(`step ${label} ${step.name}`);
    const at = `${displayFile(step.source.file)}:${step.source.line}:${step.source.col}`;
    const t0 = ctx.clock.now();
    const nested = step.name === 'repeat' || step.name === 'runFlow';
    if (snapshots && !nested) await j.snapshot({ step: label, name: step.name, phase: 'before' });
    let outcome: StepOutcome = { result: 'ok' };
    let failure: unknown;
    try {
      outcome =
        (await executor.run(j, step.options as never, {
          runSteps: (steps, prefix) => runSteps(steps, `${label}${prefix}.`),
        })) ?? outcome;
    } catch (err) {
      failure = err;
    }
    const record = (result: string, reason?: string) =>
      j.event(
        'step',
        {
          index: label,
          name: step.name,
          options: step.options,
          at,
          result,
          durationMs: Math.round(ctx.clock.now() - t0),
          ...(reason !== undefined ? { reason } : {}),
        },
        'journey',
      );
    if (failure instanceof JourneyAborted || (failure !== undefined && ctx.signal.aborted)) {
      record('aborted', describeError(failure));
      throw failure instanceof JourneyAborted ? failure : new JourneyAborted(ctx.signal.reason);
    }
    if (failure instanceof JourneyFailed) throw failure;
    if (failure !== undefined) {
      const reason = failure instanceof StepFailed ? failure.message : describeError(failure);
      record('failed', reason);
      // Evidence of the screen the step failed on.
      if (snapshots) {
        await j.snapshot({ step: label, name: step.name, phase: 'failed' }).catch((err: unknown) => {
          log.debug({ err }, 'no snapshot of the failure');
        });
      }
      throw new JourneyFailed(stepError(label, step, reason), { cause: failure });
    }
    if (snapshots && !nested) await j.snapshot({ step: label, name: step.name, phase: 'after' });
    record(outcome.result, outcome.note);
  };

  const runSteps = async (steps: readonly Step[], prefix: string) => {
    for (const [i, step] of steps.entries()) await runStep(step, `${prefix}${i + 1}`);
  };

  try {
    await runSteps(scenario.steps, '');
    j.windows.close(ctx.clock.now());
    return { status: 'passed' };
  } catch (err) {
    j.windows.close(ctx.clock.now());
    if (err instanceof JourneyAborted || ctx.signal.aborted)
      return { status: 'aborted', reason: describeError(err) };
    if (err instanceof JourneyFailed) return { status: 'error', reason: err.message };
    return { status: 'error', reason: describeError(err) };
  } finally {
    if (!options.appium) await driver.close();
  }
}
