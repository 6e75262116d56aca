import { z } from 'zod';
import { didYouMean, describeValue, PARSE_PARAMS } from '../problems.ts';
import type { ParsedStep, StepDefinition } from './define.ts';
import { assertNotVisible } from './assertNotVisible.ts';
import { assertVisible } from './assertVisible.ts';
import { back } from './back.ts';
import { background } from './background.ts';
import { consent } from './consent.ts';
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

/** Every scenario step, one line each (issue 7's list). */
export const STEP_DEFINITIONS = [
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
] as const;

type StepOf<D> = D extends StepDefinition<infer N, infer S> ? ParsedStep<N, z.output<S>> : never;
/** A parsed step; narrow on `name` to get its options' type. */
export type Step = StepOf<(typeof STEP_DEFINITIONS)[number]>;
export type StepName = Step['name'];
export type StepOptions<N extends StepName> = Extract<Step, { name: N }>['options'];

/** Registry by name; a name taken twice is a programming error caught at start-up. */
export function buildStepRegistry(defs: readonly StepDefinition[]): ReadonlyMap<string, StepDefinition> {
  const byName = new Map<string, StepDefinition>();
  for (const def of defs) {
    if (byName.has(def.name)) {
      throw new Error(
        `Failed to register scenario step '${def.name}': two step definitions use that name. Rename one of them.`,
      );
    }
    byName.set(def.name, def);
  }
  return byName;
}

export const STEPS = buildStepRegistry(STEP_DEFINITIONS as readonly StepDefinition[]);
const STEP_NAMES = [...STEPS.keys()];

export function isStep<N extends StepName>(step: ParsedStep, name: N): step is Extract<Step, { name: N }> {
  return step.name === name;
}

const PLACEHOLDER = { file: '', line: 0, col: 0 };

type Issue = z.core.$ZodRawIssue;
const problem = (message: string, input: unknown, extra: Partial<Issue> = {}): Issue =>
  ({ code: 'custom', message, input, path: [], ...extra }) as Issue;
const bad = (message: string, input: unknown, extra: Partial<Issue> = {}): Identified => ({
  ok: false,
  issue: problem(message, input, extra),
});

/** Which step an item is and the raw options it carries, or the problem with it. */
type Identified =
  { ok: true; def: StepDefinition; value: unknown; bare: boolean } | { ok: false; issue: Issue };

function identify(raw: unknown): Identified {
  if (typeof raw === 'string') {
    const def = STEPS.get(raw);
    if (!def) return bad(`unknown step '${raw}'${didYouMean(raw, STEP_NAMES)}`, raw);
    return { ok: true, def, value: undefined, bare: true };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return bad(
      `expected a step name or a one-key map like 'tapOn: {text: …}', got ${describeValue(raw)}`,
      raw,
    );
  }
  const keys = Object.keys(raw);
  const [name, extra] = keys;
  if (name === undefined) return bad('expected a step, got an empty map', raw);
  const def = STEPS.get(name);
  if (!def) {
    return bad(`unknown step '${name}'${didYouMean(name, STEP_NAMES)}`, raw, { params: { atKey: name } });
  }
  if (extra !== undefined) {
    return bad(
      `a step is one key with its options indented under it; '${extra}' is beside '${name}' (indent it under '${name}')`,
      raw,
      { params: { atKey: extra } },
    );
  }
  const value = (raw as Record<string, unknown>)[name];
  return { ok: true, def, value, bare: value === null || value === undefined };
}

/** The expected forms of a step, for messages. */
function forms(def: StepDefinition): string {
  const f = ['a map of options'];
  if (def.shorthand) f.unshift(def.shorthand.schema.description ?? 'a value');
  return f.join(' or ');
}

function parseStep(
  raw: unknown,
  ctx: z.core.ParsePayload<unknown> | { issues: Issue[] },
): ParsedStep | typeof z.NEVER {
  const found = identify(raw);
  if (!found.ok) {
    ctx.issues.push(found.issue);
    return z.NEVER;
  }
  const { def, value, bare } = found;
  const push = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const iss of issues) ctx.issues.push({ ...iss, path: [...prefix, ...iss.path] } as Issue);
  };
  let options: unknown = value;
  if (bare) {
    if (!def.bare) {
      ctx.issues.push(problem(`'${def.name}' needs ${forms(def)}`, raw, { path: [def.name] }));
      return z.NEVER;
    }
    options = {};
  } else if (typeof value !== 'object' || Array.isArray(value)) {
    if (!def.shorthand || Array.isArray(value)) {
      ctx.issues.push(
        problem(`expected ${forms(def)}, got ${describeValue(value)}`, value, { path: [def.name] }),
      );
      return z.NEVER;
    }
    const short = def.shorthand.schema.safeParse(value, PARSE_PARAMS);
    if (!short.success) {
      push(short.error.issues, [def.name]);
      return z.NEVER;
    }
    options = def.shorthand.expand(short.data as never);
  }
  const parsed = def.options.safeParse(options, PARSE_PARAMS);
  if (!parsed.success) {
    push(parsed.error.issues, [def.name]);
    return z.NEVER;
  }
  return { name: def.name, options: parsed.data, source: { ...PLACEHOLDER } };
}

/**
 * One item of a `steps:` list. Dispatches on the step name so problems name the step and its own
 * options (a plain zod union would report every alternative at once).
 */
export const stepItemSchema = z
  .unknown()
  .transform((raw, ctx) => parseStep(raw, ctx as unknown as { issues: Issue[] }));

export const stepListSchema: z.ZodType<ParsedStep[], unknown[]> = z
  .array(stepItemSchema)
  .min(1)
  .describe('the steps, in order') as unknown as z.ZodType<ParsedStep[], unknown[]>;

/**
 * The same step language as a plain zod union, for JSON Schema only: editors complete step names
 * and options from it. Nested `steps:` (repeat) refer back to it through `$ref`.
 */
export function stepFormsSchema(): z.ZodType {
  const bare = STEP_DEFINITIONS.filter((d) => 'bare' in d && d.bare).map((d) => d.name);
  const maps = (STEP_DEFINITIONS as readonly StepDefinition[]).map((d) => {
    const value: z.ZodType[] = [d.options];
    if (d.shorthand) value.push(d.shorthand.schema);
    if (d.bare) value.push(z.null());
    const inner = value.length === 1 ? d.options : z.union(value as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    return z
      .object({ [d.name]: inner })
      .strict()
      .describe(d.summary);
  });
  return z.union([z.enum(bare as [string, ...string[]]).describe('a step without options'), ...maps]);
}
