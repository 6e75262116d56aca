import type { Entry } from '../hierarchy.ts';

/**
 * The `-android uiautomator` strategy: UiSelector chains as UiAutomator2 accepts them, e.g.
 * `new UiSelector().className("android.widget.Button").textContains("同意").instance(0)`.
 * Supported: the text/description/resourceId/className/packageName matchers (exact, Contains,
 * StartsWith, Matches), the boolean states, index(n), instance(n); several selectors separated by `;`
 * (results concatenated, as the server does). UiScrollable and child/parent selectors are refused with
 * an invalid-selector error rather than guessed at.
 */

export type Predicate = (e: Entry) => boolean;

export interface Selector {
  preds: Predicate[];
  /** instance(n): the n-th match (0-based) only. */
  instance?: number;
}

export class SelectorSyntaxError extends Error {}

type Arg = string | number | boolean;

/** Java's `String.matches`: the whole string must match. */
function fullMatch(pattern: string): (s: string) => boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, 's');
  } catch (err) {
    throw new SelectorSyntaxError(
      `bad regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`,
    );
  }
  return (s) => re.test(s);
}

type Field = 'text' | 'contentDesc' | 'resourceId' | 'class' | 'package';

const STRING_FIELDS: Record<string, Field> = {
  text: 'text',
  description: 'contentDesc',
  resourceId: 'resourceId',
  className: 'class',
  packageName: 'package',
};

const BOOLEAN_FIELDS = {
  checkable: 'checkable',
  checked: 'checked',
  clickable: 'clickable',
  enabled: 'enabled',
  focusable: 'focusable',
  focused: 'focused',
  scrollable: 'scrollable',
  longClickable: 'longClickable',
  selected: 'selected',
} as const;

function stringMatcher(method: string, arg: string): Predicate | undefined {
  for (const [prefix, field] of Object.entries(STRING_FIELDS)) {
    if (!method.startsWith(prefix)) continue;
    const suffix = method.slice(prefix.length);
    const get = (e: Entry): string => e.node[field];
    switch (suffix) {
      case '':
        return (e) => get(e) === arg;
      case 'Contains':
        return (e) => get(e).includes(arg);
      case 'StartsWith':
        return (e) => get(e).startsWith(arg);
      case 'Matches': {
        const m = fullMatch(arg);
        return (e) => m(get(e));
      }
    }
  }
  return undefined;
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  skipSpace(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  eat(token: string): boolean {
    this.skipSpace();
    if (this.src.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  expect(token: string): void {
    if (!this.eat(token)) throw this.error(`expected '${token}'`);
  }

  ident(): string {
    this.skipSpace();
    const m = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos));
    if (!m) throw this.error('expected a method name');
    this.pos += m[0].length;
    return m[0];
  }

  arg(): Arg {
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === '"') {
      let out = '';
      this.pos++;
      for (;;) {
        const c = this.src[this.pos++];
        if (c === undefined) throw this.error('unterminated string');
        if (c === '"') return out;
        if (c === '\\') {
          const n = this.src[this.pos++];
          if (n === 'n') out += '\n';
          else if (n === 't') out += '\t';
          else if (n === 'u') {
            out += String.fromCharCode(parseInt(this.src.slice(this.pos, this.pos + 4), 16));
            this.pos += 4;
          } else out += n ?? '';
        } else out += c;
      }
    }
    const m = /^(true|false|-?\d+)/.exec(this.src.slice(this.pos));
    if (!m) throw this.error('expected a string, number or boolean argument');
    this.pos += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : Number(m[0]);
  }

  error(msg: string): SelectorSyntaxError {
    return new SelectorSyntaxError(`${msg} at position ${this.pos} of ${JSON.stringify(this.src)}`);
  }
}

function parseOne(src: string): Selector {
  const r = new Reader(src);
  if (r.eat('new')) {
    const cls = r.ident();
    if (cls !== 'UiSelector') throw r.error(`${cls} is not supported on the sim (only UiSelector)`);
    r.expect('(');
    r.expect(')');
  }
  const sel: Selector = { preds: [] };
  let any = false;
  while (r.eat('.')) {
    const method = r.ident();
    r.expect('(');
    const arg = r.arg();
    r.expect(')');
    any = true;
    if (method === 'instance' || method === 'index') {
      if (typeof arg !== 'number' || arg < 0) throw r.error(`${method}() takes a non-negative number`);
      if (method === 'instance') sel.instance = arg;
      else sel.preds.push((e) => e.index === arg);
      continue;
    }
    if (method in BOOLEAN_FIELDS) {
      if (typeof arg !== 'boolean') throw r.error(`${method}() takes true or false`);
      const field = BOOLEAN_FIELDS[method as keyof typeof BOOLEAN_FIELDS];
      sel.preds.push((e) => e.node[field] === arg);
      continue;
    }
    if (typeof arg !== 'string') throw r.error(`${method}() takes a string`);
    const pred = stringMatcher(method, arg);
    if (!pred) throw r.error(`UiSelector method ${method}() is not supported on the sim`);
    sel.preds.push(pred);
  }
  r.skipSpace();
  if (r.pos < src.length) throw r.error('unexpected text');
  if (!any) throw r.error('empty selector');
  return sel;
}

/** Parses `;`-separated UiSelector chains (a `;` inside a string literal does not split). */
export function parseUiSelectors(src: string): Selector[] {
  const parts: string[] = [];
  let cur = '';
  let inString = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (inString && c === '\\') {
      cur += c + (src[++i] ?? '');
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === ';' && !inString) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const selectors = parts.filter((p) => p.trim() !== '').map(parseOne);
  if (selectors.length === 0) throw new SelectorSyntaxError('empty selector');
  return selectors;
}

/** The entries a selector picks, in document order. */
export function applySelector(sel: Selector, entries: readonly Entry[]): Entry[] {
  const hits = entries.filter((e) => sel.preds.every((p) => p(e)));
  if (sel.instance === undefined) return hits;
  const one = hits[sel.instance];
  return one ? [one] : [];
}
