import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import {
  checkAt,
  ConfigFileError,
  describePath,
  describeValue,
  didYouMean,
  displayFile,
} from './problems.ts';
import { kindHint, paramNameSchema, paramValueSchema, type ParamValue } from './common.ts';
import { stepListSchema, type Step } from './steps/index.ts';
import { locate, type PathSegment, type YamlSource } from './source.ts';
import type { ParsedStep } from './steps/define.ts';

/** Android package name (com.example.app). */
export const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

export const scenarioParamsSchema = z
  .record(paramNameSchema, paramValueSchema)
  .default({})
  .describe('parameters with their defaults; steps use them as ${name}; suites override them');

/**
 * A scenario file (issue 7): a header and a list of steps. Observation times belong in `params`
 * so that suites (the demo above all) can shorten them.
 */
export const scenarioFileSchema = z
  .object({
    $schema: z.string().optional(),
    kind: kindHint('scenario'),
    name: z.string().min(1).describe('short name shown in reports'),
    description: z.string().optional().describe('what the journey does and which rules it feeds'),
    appId: z
      .string()
      .regex(PACKAGE_NAME)
      .optional()
      .describe('package the journey is written for (normally the suite gives the target)'),
    params: scenarioParamsSchema,
    steps: stepListSchema,
  })
  .strict()
  .meta({ title: 'appwarden scenario', description: 'A journey through an app: Maestro-like steps' });

export type ScenarioFile = Omit<z.output<typeof scenarioFileSchema>, 'steps'> & { steps: Step[] };

/** A loaded scenario: `params` are the values in effect (defaults with overrides applied). */
export interface Scenario extends ScenarioFile {
  /** Absolute path of the scenario file. */
  file: string;
}

export interface SubstitutionProblem {
  path: PathSegment[];
  message: string;
}

const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const REF = /\$(\$?)\{([^}]*)\}/g;

/**
 * Replaces `${name}` in every string of `value` (keys untouched). A string that is exactly one
 * reference takes the parameter's own type (`seconds: ${observe}` stays a number); inside a longer
 * string the value is spliced in as text. `$${` writes a literal `${`.
 */
export function substituteParams(
  value: unknown,
  params: Readonly<Record<string, ParamValue>>,
  path: PathSegment[] = [],
  problems: SubstitutionProblem[] = [],
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole?.[1] !== undefined && Object.hasOwn(params, whole[1])) return params[whole[1]];
    return value.replace(REF, (all, escaped: string, name: string) => {
      if (escaped) return all.slice(1);
      if (Object.hasOwn(params, name)) return String(params[name]);
      problems.push({
        path,
        message: `unknown parameter '\${${name}}'${didYouMean(name, Object.keys(params))}; declare it under 'params:'`,
      });
      return all;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteParams(v, params, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteParams(v, params, [...path, k], problems)]),
    );
  }
  return value;
}

/** Every step, nested ones (repeat) included, in file order. */
export function* allSteps(steps: readonly Step[]): Generator<Step> {
  for (const step of steps) {
    yield step;
    if (step.name === 'repeat') yield* allSteps(step.options.steps as Step[]);
  }
}

/** Options of loading one scenario (see LoadOptions in load.ts). */
export interface ScenarioParamOptions {
  params?: Readonly<Record<string, ParamValue>>;
  defaults?: Readonly<Record<string, ParamValue>>;
}

function checkParamValue(src: YamlSource, name: string, value: unknown): void {
  if (paramValueSchema.safeParse(value).success) return;
  throw new ConfigError(
    `Failed to apply parameter '${name}' to scenario ${displayFile(src.file)}: expected a string, number or true/false, got ${describeValue(value)}. Give a plain value.`,
  );
}

export function parseScenario(
  src: YamlSource,
  raw: Record<string, unknown>,
  opts: ScenarioParamOptions,
): Scenario {
  // Params first: they decide what every `${name}` in the steps becomes.
  const defaults = checkAt(scenarioParamsSchema, src, raw.params, ['params']);
  const overrides = opts.params ?? {};
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(defaults, name)) {
      const declared = Object.keys(defaults);
      throw new ConfigError(
        `Failed to apply parameter '${name}' to scenario ${displayFile(src.file)}: the scenario does not declare it${didYouMean(name, declared)}. Declared: ${declared.join(', ') || 'none'}.`,
      );
    }
    checkParamValue(src, name, value);
  }
  const shared = Object.entries(opts.defaults ?? {}).filter(([name]) => Object.hasOwn(defaults, name));
  for (const [name, value] of shared) checkParamValue(src, name, value);
  const params = { ...defaults, ...Object.fromEntries(shared), ...overrides };
  const problems: { path: PathSegment[]; message: string }[] = [];
  const { params: _declared, ...rest } = raw;
  const substituted = substituteParams(rest, params, [], problems);
  if (problems.length) {
    throw new ConfigFileError(
      problems.map((p) => ({ pos: locate(src, p.path), where: describePath(p.path), message: p.message })),
    );
  }
  const parsed = checkAt(scenarioFileSchema, src, { ...(substituted as object), params });
  const dir = path.dirname(src.file);
  const place = (steps: ParsedStep[], at: PathSegment[]) => {
    steps.forEach((step, i) => {
      step.source = locate(src, [...at, i]);
      const o = step.options as { steps?: ParsedStep[]; file?: string };
      if (step.name === 'runFlow' && typeof o.file === 'string') o.file = path.resolve(dir, o.file);
      if (step.name === 'repeat' && Array.isArray(o.steps)) place(o.steps, [...at, i, step.name, 'steps']);
    });
  };
  place(parsed.steps, ['steps']);
  return { ...(parsed as Omit<Scenario, 'file'>), file: src.file };
}
