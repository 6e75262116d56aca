import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { paramValueSchema, type ParamValue } from './common.ts';
import { devicesFileSchema, type DevicesFile } from './devices.ts';
import {
  ConfigFileError,
  describePath,
  describeValue,
  didYouMean,
  displayFile,
  issuesToProblems,
  PARSE_PARAMS,
  type ConfigProblem,
} from './problems.ts';
import { rulesFileSchema, type RulesFile, type RulesSettings } from './rules.ts';
import { scenarioFileSchema, scenarioParamsSchema, substituteParams, type Scenario } from './scenario.ts';
import {
  firstAliasOffset,
  locate,
  parseYamlSource,
  posAt,
  type PathSegment,
  type YamlSource,
} from './source.ts';
import type { ParsedStep } from './steps/define.ts';
import { suiteFileSchema, type Suite } from './suite.ts';

export const CONFIG_KINDS = ['devices', 'scenario', 'suite', 'rules'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

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

/** A config file larger than this is a mistake (or an attack), not a journey. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Alias references allowed when building values (the yaml package's billion-laughs guard). */
export const MAX_ALIAS_COUNT = 100;

/** Where each kind's schema lives, for `appwarden validate` messages. */
export const SCHEMA_FILES: Record<ConfigKind, string> = {
  devices: 'scenarios/schemas/devices.schema.json',
  scenario: 'scenarios/schemas/scenario.schema.json',
  suite: 'scenarios/schemas/suite.schema.json',
  rules: 'scenarios/schemas/rules.schema.json',
};

const fail = (src: YamlSource, offset: number, where: string, message: string, cause?: unknown): never => {
  throw new ConfigFileError([{ pos: posAt(src, offset), where, message }], { cause });
};

/** YAML-level problems (syntax, duplicate keys, tabs, several documents) in file order. */
function syntaxProblems(src: YamlSource, text: string): ConfigProblem[] {
  return src.doc.errors.map((e) => {
    const [start, end] = e.pos;
    let message = e.message.replace(/\s+/g, ' ').trim();
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^\s*["']?([^"':\n]*)/.exec(text.slice(start, start + 200))?.[1]?.trim();
      message = `duplicate key '${key || text.slice(start, end)}'`;
    } else if (e.code === 'TAB_AS_INDENT') message = 'tab used for indentation; indent with spaces';
    else if (e.code === 'RESOURCE_EXHAUSTION') message = `nested too deeply to parse (${message})`;
    else if (e.code === 'MULTIPLE_DOCS') message = "several YAML documents ('---'); put one in each file";
    return { pos: posAt(src, start), where: 'YAML', message };
  });
}

/** Text → plain data, or the positioned reason it is not a usable YAML map. */
function toData(
  text: string,
  file: string,
  kind: ConfigKind | undefined,
): { src: YamlSource; raw: Record<string, unknown> } {
  const src = parseYamlSource(text, file);
  const syntax = syntaxProblems(src, text);
  if (syntax.length) throw new ConfigFileError(syntax);
  let raw: unknown;
  try {
    raw = src.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      fail(
        src,
        firstAliasOffset(src),
        'YAML',
        `too many alias expansions (over ${MAX_ALIAS_COUNT}; an alias bomb?); write the values out`,
        err,
      );
    }
    throw err;
  }
  const what = kind ? `a ${kind} file` : 'a config file';
  if (raw === null || raw === undefined) fail(src, 0, 'top level', `the file is empty; expected ${what}`);
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail(
      src,
      src.doc.contents?.range[0] ?? 0,
      'top level',
      `expected a map of keys for ${what}, got ${describeValue(raw)}`,
    );
  }
  return { src, raw: raw as Record<string, unknown> };
}

function check<S extends z.ZodType>(
  schema: S,
  src: YamlSource,
  value: unknown,
  base: PathSegment[] = [],
): z.output<S> {
  const r = schema.safeParse(value, PARSE_PARAMS);
  if (!r.success) throw new ConfigFileError(issuesToProblems(src, r.error.issues, base));
  return r.data;
}

const abs = (dir: string, p: string) => path.resolve(dir, p);

function parseScenario(src: YamlSource, raw: Record<string, unknown>, opts: LoadOptions): Scenario {
  // Params first: they decide what every `${name}` in the steps becomes.
  const defaults = check(scenarioParamsSchema, src, raw.params, ['params']);
  const overrides = opts.params ?? {};
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(defaults, name)) {
      const declared = Object.keys(defaults);
      throw new ConfigError(
        `Failed to apply parameter '${name}' to scenario ${displayFile(src.file)}: the scenario does not declare it${didYouMean(name, declared)}. Declared: ${declared.join(', ') || 'none'}.`,
      );
    }
    paramValueSchema.parse(value);
  }
  const shared = Object.entries(opts.defaults ?? {}).filter(([name]) => Object.hasOwn(defaults, name));
  for (const [, value] of shared) paramValueSchema.parse(value);
  const params = { ...defaults, ...Object.fromEntries(shared), ...overrides };
  const problems: { path: PathSegment[]; message: string }[] = [];
  const { params: _declared, ...rest } = raw;
  const substituted = substituteParams(rest, params, [], problems);
  if (problems.length) {
    throw new ConfigFileError(
      problems.map((p) => ({ pos: locate(src, p.path), where: describePath(p.path), message: p.message })),
    );
  }
  const parsed = check(scenarioFileSchema, src, { ...(substituted as object), params });
  const dir = path.dirname(src.file);
  const place = (steps: ParsedStep[], at: PathSegment[]) => {
    steps.forEach((step, i) => {
      step.source = locate(src, [...at, i]);
      const o = step.options as { steps?: ParsedStep[]; file?: string };
      if (step.name === 'runFlow' && typeof o.file === 'string') o.file = abs(dir, o.file);
      if (step.name === 'repeat' && Array.isArray(o.steps)) place(o.steps, [...at, i, step.name, 'steps']);
    });
  };
  place(parsed.steps, ['steps']);
  return { ...(parsed as Omit<Scenario, 'file'>), file: src.file };
}

/** Rule ids and parameter names that the analysis does not have, each placed on its key. */
function checkKnownRules(
  src: YamlSource,
  file: RulesFile,
  known: Readonly<Record<string, readonly string[]>>,
): void {
  const ids = Object.keys(known);
  const problems: ConfigProblem[] = [];
  for (const [id, setting] of Object.entries(file.rules)) {
    const params = known[id];
    if (params === undefined) {
      problems.push({
        pos: locate(src, ['rules'], id),
        where: "'rules'",
        message: `unknown rule '${id}'${didYouMean(id, ids)}`,
      });
      continue;
    }
    for (const name of Object.keys(setting.params)) {
      if (params.includes(name)) continue;
      const hint = didYouMean(name, params) || ` (parameters: ${params.join(', ') || 'none'})`;
      problems.push({
        pos: locate(src, ['rules', id, 'params'], name),
        where: describePath(['rules', id, 'params']),
        message: `unknown parameter '${name}' of ${id}${hint}`,
      });
    }
  }
  if (problems.length)
    throw new ConfigFileError(problems.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col));
}

function parseKind<K extends ConfigKind>(
  src: YamlSource,
  raw: Record<string, unknown>,
  kind: K,
  opts: LoadOptions,
): ConfigTypes[K] {
  const dir = path.dirname(src.file);
  switch (kind) {
    case 'devices':
      return { ...check(devicesFileSchema, src, raw), file: src.file } as ConfigTypes[K];
    case 'scenario':
      return parseScenario(src, raw, opts) as ConfigTypes[K];
    case 'suite': {
      const s = check(suiteFileSchema, src, raw);
      const suite: Suite = {
        ...s,
        file: src.file,
        targets: s.targets.map((t) => ({
          ...t,
          ...(t.apk !== undefined
            ? { apk: Array.isArray(t.apk) ? t.apk.map((a) => abs(dir, a)) : abs(dir, t.apk) }
            : {}),
        })),
        scenarios: s.scenarios.map((sc) => ({ ...sc, file: abs(dir, sc.file) })),
        ...(s.rules !== undefined ? { rules: abs(dir, s.rules) } : {}),
      };
      return suite as ConfigTypes[K];
    }
    case 'rules': {
      const rules = check(rulesFileSchema, src, raw);
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
  const { src, raw } = toData(text, path.resolve(file), kind);
  return parseKind(src, raw, kind, opts);
}

function readConfigFile(file: string): string {
  const shown = displayFile(path.resolve(file));
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    throw new ConfigError(`Failed to read ${shown}: ${reason}. Check the path.`, { cause: err });
  }
  if (stat.isDirectory()) {
    throw new ConfigError(`Failed to read ${shown}: it is a directory. Name a YAML file inside it.`);
  }
  if (stat.size > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `Failed to read ${shown}: ${stat.size} bytes is over the ${MAX_CONFIG_BYTES}-byte limit for config files. Split it.`,
    );
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Failed to read ${shown}: ${(err as Error).message}. Check the file's permissions.`,
      { cause: err },
    );
  }
}

/** Reads and parses a config file of a known kind (see parseConfigText). */
export function loadConfigFile<K extends ConfigKind>(
  file: string,
  kind: K,
  opts: LoadOptions = {},
): ConfigTypes[K] {
  return parseConfigText(readConfigFile(file), file, kind, opts);
}

/**
 * The kind of a config file: its `kind:` hint, else its name or folder (devices.yaml,
 * …/suites/, …/rules/, …/scenarios/), else its shape (devices:, targets:, rules:, steps:).
 */
export function detectConfigKind(file: string, text: string): ConfigKind | undefined {
  const src = parseYamlSource(text, file);
  const top = src.doc.contents;
  const keys = new Map<string, unknown>();
  if (isMap(top)) {
    for (const p of top.items)
      if (isScalar(p.key)) keys.set(String(p.key.value), isScalar(p.value) ? p.value.value : p.value);
  }
  const hint = keys.get('kind');
  if (typeof hint === 'string' && (CONFIG_KINDS as readonly string[]).includes(hint))
    return hint as ConfigKind;
  const base = path.basename(file).toLowerCase();
  const parent = path.basename(path.dirname(path.resolve(file))).toLowerCase();
  if (/^devices(\..+)?\.ya?ml$/.test(base)) return 'devices';
  if (parent === 'suites') return 'suite';
  if (parent === 'rules') return 'rules';
  if (keys.has('devices') && !keys.has('targets')) return 'devices';
  if (keys.has('targets')) return 'suite';
  if (keys.has('steps')) return 'scenario';
  if (keys.has('rules')) return 'rules';
  if (parent === 'scenarios' && (top === null || isMap(top) || isSeq(top))) return 'scenario';
  return undefined;
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
