import type { Step, StepName, StepOptions } from '../../config/steps/index.ts';
import type { Journey } from '../journey.ts';

/** How a step ended when it did not throw. `unsupported`: this device cannot (e.g. shake on a phone). */
export interface StepOutcome {
  result: 'ok' | 'unsupported' | 'skipped';
  note?: string;
}

export interface StepEnv {
  /** Runs nested steps (repeat, runFlow) with the same recording; `label` prefixes their numbers. */
  runSteps(steps: readonly Step[], label: string): Promise<void>;
}

/** The executor of one scenario step, paired with its definition (src/config/steps) by name. */
export interface StepExecutor<N extends StepName = StepName> {
  name: N;
  run(j: Journey, options: StepOptions<N>, env: StepEnv): Promise<StepOutcome | void>;
}

export function defineExecutor<N extends StepName>(e: StepExecutor<N>): StepExecutor<N> {
  return e;
}

/** A failure the step explains itself (the runner adds "step N 'name' (file:line:col): "). */
export class StepFailed extends Error {}
