import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadAnyConfigFile, loadConfigFile, type AnyConfig, type ConfigKind } from './load.ts';
import { ConfigFileError, displayFile, formatProblem } from './problems.ts';
import { allSteps, type Scenario } from './scenario.ts';

export interface ValidationResult {
  file: string;
  kind?: ConfigKind;
  /** One positioned line per problem; empty when the file is valid. */
  problems: string[];
}

function messages(err: unknown): string[] {
  if (err instanceof ConfigFileError) return err.problems.map(formatProblem);
  if (err instanceof ConfigError) return [err.message];
  throw err;
}

/**
 * What a suite names must load too: each scenario with the suite's parameter overrides, and the
 * rules settings file. Their problems name their own files.
 */
function checkReferences(config: AnyConfig, opts: ValidateOptions): string[] {
  if (config.kind === 'scenario') return checkFlows(config.value, [config.value.file]);
  if (config.kind !== 'suite') return [];
  const problems: string[] = [];
  const suite = config.value;
  for (const sc of suite.scenarios) {
    try {
      const scenario = loadConfigFile(sc.file, 'scenario', { defaults: suite.params, params: sc.params });
      problems.push(...checkFlows(scenario, [scenario.file]));
    } catch (err) {
      problems.push(...messages(err).map((m) => `${m} (scenario of suite ${displayFile(suite.file)})`));
    }
  }
  if (suite.rules !== undefined) {
    try {
      loadConfigFile(suite.rules, 'rules', opts.knownRules ? { knownRules: opts.knownRules } : {});
    } catch (err) {
      problems.push(...messages(err).map((m) => `${m} (rules of suite ${displayFile(suite.file)})`));
    }
  }
  return problems;
}

/** Flows a scenario runs (runFlow) must load with the overrides given, and must not run themselves. */
function checkFlows(scenario: Scenario, chain: readonly string[]): string[] {
  const problems: string[] = [];
  for (const step of allSteps(scenario.steps)) {
    if (step.name !== 'runFlow') continue;
    const { file, params } = step.options;
    const at = `${displayFile(step.source.file)}:${step.source.line}:${step.source.col} step 'runFlow'`;
    if (chain.includes(file)) {
      problems.push(
        `${at}: the flow runs itself (${[...chain, file].map((f) => path.basename(f)).join(' → ')})`,
      );
      continue;
    }
    try {
      problems.push(...checkFlows(loadConfigFile(file, 'scenario', { params }), [...chain, file]));
    } catch (err) {
      problems.push(...messages(err).map((m) => `${m} (flow run from ${at})`));
    }
  }
  return problems;
}

export interface ValidateOptions {
  /** Rule ids and their parameter names (src/analysis/known-rules.ts), so rules files are checked too. */
  knownRules?: Readonly<Record<string, readonly string[]>>;
}

/** Checks config files; the kind is detected per file unless given. Never throws for bad files. */
export function validateConfigFiles(
  files: readonly string[],
  kind?: ConfigKind,
  opts: ValidateOptions = {},
): ValidationResult[] {
  const load = opts.knownRules ? { knownRules: opts.knownRules } : {};
  return files.map((file) => {
    const shown = displayFile(path.resolve(file));
    try {
      const config: AnyConfig = kind
        ? ({ kind, value: loadConfigFile(file, kind, load) } as AnyConfig)
        : loadAnyConfigFile(file, load);
      return { file: shown, kind: config.kind, problems: checkReferences(config, opts) };
    } catch (err) {
      return { file: shown, ...(kind ? { kind } : {}), problems: messages(err) };
    }
  });
}
