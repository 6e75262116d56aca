import path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { locate, type PathSegment, type SourcePos, type YamlSource } from './source.ts';

/** One thing wrong in a config file, with where it is. */
export interface ConfigProblem {
  pos: SourcePos;
  /** `step 3 'tapOn'`, `'devices[1].kind'` or `top level`. */
  where: string;
  message: string;
}

/**
 * A config file that does not parse or validate. The message is the first problem on one line,
 * `file:line:col where: what`; `problems` holds every problem found, in file order.
 */
export class ConfigFileError extends ConfigError {
  constructor(
    readonly problems: ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      formatProblem(problems[0] ?? { pos: { file: '?', line: 1, col: 1 }, where: 'top level', message: '?' }),
      options,
    );
  }
}

/** The file as the user would type it: relative to the working folder when inside it. */
export function displayFile(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function formatProblem(p: ConfigProblem): string {
  return `${displayFile(p.pos.file)}:${p.pos.line}:${p.pos.col} ${p.where}: ${p.message}`;
}

/** ` (did you mean 'text'?)` when `word` is a likely typo of one of `options`, else ''. */
export function didYouMean(word: string, options: readonly string[]): string {
  if (options.length === 0) return '';
  const lower = options.find((o) => o.toLowerCase() === word.toLowerCase());
  if (lower) return ` (did you mean '${lower}'?)`;
  const best = closest(word, options);
  // Allow about one edit per three characters (a swap counts two): 'txt'→'text', 'tapon'→'tapOn', not 'foo'→'text'.
  // One-letter options (severities) are one edit from anything: no fuzzy hint for those.
  if (best.length < 2) return '';
  return distance(word, best) <= Math.ceil(best.length / 3) ? ` (did you mean '${best}'?)` : '';
}

/** `'abc'`, `3`, `a list`, `a map`, `null` — a value as a problem message shows it. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}'`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return String(v);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
  null: 'null',
};

function bound(inclusive: boolean | undefined, op: '>' | '<', n: unknown): string {
  return `${op}${inclusive === false ? '' : '='} ${String(n)}`;
}

/** The allowed keys of the object schema that raised an issue (zod 4 keeps the schema on raw issues). */
function shapeKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def
    ?.shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * Messages for zod issues that say what was expected and what was found. Schema-level messages
 * (`{ error: … }` on a schema) take precedence over this map, so schemas can be more specific.
 */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  const input: unknown = iss.input;
  switch (iss.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[iss.expected] ?? iss.expected;
      if (input === undefined) {
        const key = iss.path?.[iss.path.length - 1];
        return key === undefined ? `expected ${expected}` : `missing required key '${String(key)}'`;
      }
      return `expected ${expected}, got ${describeValue(input)}`;
    }
    case 'invalid_value': {
      const values = iss.values.map(String);
      const shown = values.length === 1 ? `'${values[0]}'` : `one of ${values.join('|')}`;
      const hint = typeof input === 'string' ? didYouMean(input, values) : '';
      return `expected ${shown}, got ${describeValue(input)}${hint}`;
    }
    case 'unrecognized_keys': {
      const allowed = shapeKeys(iss.inst);
      const [first, ...more] = iss.keys;
      if (more.length === 0 && first !== undefined) {
        const hint = didYouMean(first, allowed);
        return `unknown key '${first}'${hint || (allowed.length ? ` (allowed: ${allowed.join(', ')})` : '')}`;
      }
      return `unknown keys ${iss.keys.map((k) => `'${k}'`).join(', ')} (allowed: ${allowed.join(', ')})`;
    }
    case 'too_small':
      if (iss.origin === 'array' || iss.origin === 'set')
        return `expected at least ${String(iss.minimum)} item${Number(iss.minimum) === 1 ? '' : 's'}, got ${Array.isArray(input) ? input.length : describeValue(input)}`;
      if (iss.origin === 'string')
        return Number(iss.minimum) <= 1
          ? 'expected a non-empty string'
          : `expected at least ${String(iss.minimum)} characters`;
      return `expected a number ${bound(iss.inclusive, '>', iss.minimum)}, got ${describeValue(input)}`;
    case 'too_big':
      if (iss.origin === 'array' || iss.origin === 'set')
        return `expected at most ${String(iss.maximum)} items`;
      if (iss.origin === 'string') return `expected at most ${String(iss.maximum)} characters`;
      return `expected a number ${bound(iss.inclusive, '<', iss.maximum)}, got ${describeValue(input)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(iss.divisor)}, got ${describeValue(input)}`;
    case 'invalid_format':
      return `expected ${iss.format === 'regex' ? `text matching ${String(iss.pattern)}` : `a valid ${iss.format}`}, got ${describeValue(input)}`;
    case 'invalid_key':
      return iss.issues.map((i) => i.message).join('; ') || `invalid key ${describeValue(input)}`;
    case 'invalid_union': {
      const { discriminator, options } = iss as { discriminator?: string; options?: unknown[] };
      if (discriminator && options) {
        const values = options.map(String);
        // zod hands over the whole object; the problem is its discriminator value.
        const value = discriminatorValue(input, discriminator);
        if (value === undefined)
          return `missing required key '${discriminator}' (one of ${values.join('|')})`;
        const hint = typeof value === 'string' ? didYouMean(value, values) : '';
        return `expected one of ${values.join('|')}, got ${describeValue(value)}${hint}`;
      }
      return `expected one of the allowed forms, got ${describeValue(input)}`;
    }
    default:
      return undefined;
  }
};

function discriminatorValue(input: unknown, key: string): unknown {
  return input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[key] : input;
}

/** Parse options that produce the messages above (and keep inputs for the path fix-ups below). */
export const PARSE_PARAMS = { error: configErrorMap, reportInput: true } as const;

/** Schema-level message helper: `expected <what>, got <value>`. */
export function expected(what: string): (iss: { input?: unknown }) => string {
  return (iss) => `expected ${what}, got ${describeValue(iss.input)}`;
}

/** Custom issue params that place a problem on a key rather than its value. */
export interface AtKey {
  atKey: string;
}

/** `step 3 'tapOn'`, `step 2.1 'tapOn' 'index'`, `'devices[1].kind'`, `top level`. */
export function describePath(p: readonly PathSegment[]): string {
  const steps: number[] = [];
  let stepName: string | undefined;
  let rest: PathSegment[] = [];
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    const next = p[i + 1];
    if (seg === 'steps' && typeof next === 'number') {
      steps.push(next + 1);
      const name = p[i + 2];
      stepName = typeof name === 'string' ? name : undefined;
      rest = [];
      i += stepName === undefined ? 1 : 2;
      continue;
    }
    if (seg !== undefined) rest.push(seg);
  }
  const dotted = rest.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  if (steps.length) {
    return `step ${steps.join('.')}${stepName ? ` '${stepName}'` : ''}${dotted ? ` '${dotted}'` : ''}`;
  }
  return dotted ? `'${dotted}'` : 'top level';
}

/** zod issues → positioned problems in file order, with follow-on noise removed. */
export function issuesToProblems(
  src: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  base: readonly PathSegment[] = [],
): ConfigProblem[] {
  const unknownAt = new Set(
    issues.filter((i) => i.code === 'unrecognized_keys').map((i) => JSON.stringify([...base, ...i.path])),
  );
  const problems: ConfigProblem[] = [];
  for (const iss of issues) {
    let p: PathSegment[] = [...base, ...(iss.path as PathSegment[])];
    let key: string | undefined;
    if (iss.code === 'unrecognized_keys') key = iss.keys[0];
    else if (iss.code === 'custom' && typeof (iss.params as Partial<AtKey> | undefined)?.atKey === 'string') {
      key = (iss.params as AtKey).atKey;
    } else if (iss.code === 'invalid_key' && p.length > 0) {
      // A bad key in a record: point at the key itself.
      key = String(p[p.length - 1]);
      p = p.slice(0, -1);
    } else if (
      p.length > 0 &&
      ((iss.code === 'invalid_type' && iss.input === undefined) ||
        (iss.code === 'invalid_union' &&
          typeof iss.discriminator === 'string' &&
          discriminatorValue(iss.input, iss.discriminator) === undefined))
    ) {
      // A missing key is reported on the map that should hold it.
      p = p.slice(0, -1);
      // A typo'd key shows up as "unknown key" and "missing key" at once; the first says it all.
      if (unknownAt.has(JSON.stringify(p))) continue;
    }
    // Whole-map checks (exactly one selector, …) on a map with a typo'd key repeat the same problem.
    if (iss.code === 'custom' && key === undefined && unknownAt.has(JSON.stringify(p))) continue;
    problems.push({ pos: locate(src, p, key), where: describePath(p), message: iss.message });
  }
  return problems.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}

/** Validates `value` (found at `base` in the file) or throws the positioned problems. */
export function checkAt<S extends z.ZodType>(
  schema: S,
  src: YamlSource,
  value: unknown,
  base: PathSegment[] = [],
): z.output<S> {
  const r = schema.safeParse(value, PARSE_PARAMS);
  if (!r.success) throw new ConfigFileError(issuesToProblems(src, r.error.issues, base));
  return r.data;
}
