import path from 'node:path';
import { detectConfigKind } from './detect.ts';
import type { ParamValue } from './common.ts';
import { devicesFileSchema, type DevicesFile } from './devices.ts';
import { CONFIG_KINDS, type ConfigKind } from './kinds.ts';
import { checkAt, ConfigFileError } from './problems.ts';
import { readConfigFile, yamlToData } from './read.ts';
import { checkKnownRules, rulesFileSchema, type RulesSettings } from './rules.ts';
import { parseScenario, type Scenario } from './scenario.ts';
import type { YamlSource } from './source.ts';
import { resolveSuitePaths, suiteFileSchema, type Suite } from './suite.ts';

export { CONFIG_KINDS, detectConfigKind, type ConfigKind };
export { MAX_ALIAS_COUNT, MAX_CONFIG_BYTES } from './read.ts';

export interface ConfigTypes {
  devices: DevicesFile & { file: string };
  scenario: Scenario;
  suite: Suite;
  rules: RulesSettings;
}

export interface LoadOptions {
  /** Scenario only: parameter values that replace the file's defaults (from a suite). */
  params?: Readonly<Record<string, ParamValue>>;
  /**
   * Scenario only: values for the parameters the scenario declares, ignored where it does not
   * (a suite's `params`, e.g. shorter observation times for the demo). `params` wins over these.
   */
  defaults?: Readonly<Record<string, ParamValue>>;
  /**
   * Rules only: the rule ids the analysis knows, each with its parameter names. When given,
   * unknown ids and parameter names are positioned problems with a suggestion.
   */
  knownRules?: Readonly<Record<string, readonly string[]>>;
}

function parseKind<K extends ConfigKind>(
  src: YamlSource,
  raw: Record<string, unknown>,
  kind: K,
  opts: LoadOptions,
): ConfigTypes[K] {
  switch (kind) {
    case 'devices':
      return { ...checkAt(devicesFileSchema, src, raw), file: src.file } as ConfigTypes[K];
    case 'scenario':
      return parseScenario(src, raw, opts) as ConfigTypes[K];
    case 'suite': {
      const s = checkAt(suiteFileSchema, src, raw);
      const suite: Suite = resolveSuitePaths(s, src.file);
      return suite as ConfigTypes[K];
    }
    case 'rules': {
      const rules = checkAt(rulesFileSchema, src, raw);
      if (opts.knownRules) checkKnownRules(src, rules, opts.knownRules);
      return { ...rules, file: src.file } as ConfigTypes[K];
    }
    default:
      throw new Error(`Failed to parse config: unknown kind '${String(kind)}'.`);
  }
}

/**
 * Parses config text of a known kind. `file` names it in messages and anchors relative paths.
 * Throws ConfigFileError (a ConfigError) whose message is `file:line:col where: what`.
 */
export function parseConfigText<K extends ConfigKind>(
  text: string,
  file: string,
  kind: K,
  opts: LoadOptions = {},
): ConfigTypes[K] {
  const { src, raw } = yamlToData(text, path.resolve(file), kind);
  return parseKind(src, raw, kind, opts);
}

/** Reads and parses a config file of a known kind (see parseConfigText). */
export function loadConfigFile<K extends ConfigKind>(
  file: string,
  kind: K,
  opts: LoadOptions = {},
): ConfigTypes[K] {
  return parseConfigText(readConfigFile(file), file, kind, opts);
}

export type AnyConfig = { [K in ConfigKind]: { kind: K; value: ConfigTypes[K] } }[ConfigKind];

/** Loads a file whose kind is detected (for `appwarden validate`). */
export function loadAnyConfigFile(file: string, opts: LoadOptions = {}): AnyConfig {
  const text = readConfigFile(file);
  const kind = detectConfigKind(file, text);
  if (!kind) {
    throw new ConfigFileError([
      {
        pos: { file: path.resolve(file), line: 1, col: 1 },
        where: 'top level',
        message: `cannot tell what kind of config this is; add 'kind: ${CONFIG_KINDS.join('|')}' at the top`,
      },
    ]);
  }
  return { kind, value: parseConfigText(text, file, kind, opts) } as AnyConfig;
}

/** The scenarios of a suite, each loaded with the suite's shared params and the entry's own overrides. */
export function loadSuiteScenarios(suite: Suite): Scenario[] {
  return suite.scenarios.map((sc) =>
    loadConfigFile(sc.file, 'scenario', { defaults: suite.params, params: sc.params }),
  );
}
