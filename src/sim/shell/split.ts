/**
 * A small sh-like parser for command lines the sim's shell receives: words with '…', "…" and \
 * quoting; `;`, newlines, `&&`, `||` between pipelines; `|` inside them; `>`, `>>`, `2>`, `2>&1`
 * and `<` redirections; `#` comments. No globbing or variable expansion except `$?` (substituted when the command runs) — real tooling
 * (adb's own escape_arg, Appium, httptoolkit) quotes its arguments, so this is what arrives.
 */
export interface Redirect {
  fd: 0 | 1 | 2;
  /** A path, or `&1` / `&2` for fd duplication. */
  target: string;
  append: boolean;
}

export interface SimpleCommand {
  argv: string[];
  /** Leading `NAME=value` words. */
  env: Record<string, string>;
  redirects: Redirect[];
}

export interface Pipeline {
  commands: SimpleCommand[];
  /** How this pipeline joins the previous one. */
  joiner: ';' | '&&' | '||';
}

export class ShellSyntaxError extends Error {}

type Token = { kind: 'word'; value: string; quoted: boolean } | { kind: 'op'; value: string };

const OPERATORS = ['&&', '||', '2>&1', '>>', '2>', ';', '|', '>', '<', '\n', '&'];

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: string | null = null;
  let quoted = false;
  const flush = (): void => {
    if (word !== null) tokens.push({ kind: 'word', value: word, quoted });
    word = null;
    quoted = false;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      i++;
      continue;
    }
    if (c === '#' && word === null) {
      while (i < line.length && line[i] !== '\n') i++;
      continue;
    }
    const op = word === null || c !== '2' ? OPERATORS.find((o) => line.startsWith(o, i)) : undefined;
    if (op && !(op.startsWith('2') && word !== null)) {
      flush();
      tokens.push({ kind: 'op', value: op });
      i += op.length;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated ''");
      word = (word ?? '') + line.slice(i + 1, end);
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= line.length) throw new ShellSyntaxError('unterminated ""');
        const d = line[j] as string;
        if (d === '"') break;
        if (d === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1] as string)) {
          s += line[j + 1];
          j += 2;
          continue;
        }
        if (d === '$' && line[j + 1] === '?') {
          s += STATUS_MARK;
          j += 2;
          continue;
        }
        s += d;
        j++;
      }
      word = (word ?? '') + s;
      quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < line.length) {
        if (line[i + 1] !== '\n') word = (word ?? '') + line[i + 1];
        i += 2;
      } else i++;
      continue;
    }
    if (c === '$' && line[i + 1] === '?') {
      word = (word ?? '') + STATUS_MARK;
      i += 2;
      continue;
    }
    word = (word ?? '') + c;
    i++;
  }
  flush();
  return tokens;
}

/** Stands for `$?` in parsed words; the interpreter substitutes the status when the command runs. */
export const STATUS_MARK = '\u0000?\u0000';

/** Parses one command line into pipelines. */
export function parseCommandLine(line: string): Pipeline[] {
  const tokens = tokenize(line);
  const pipelines: Pipeline[] = [];
  let joiner: Pipeline['joiner'] = ';';
  let commands: SimpleCommand[] = [];
  let cur: SimpleCommand = { argv: [], env: {}, redirects: [] };
  const endCommand = (what: string): void => {
    if (cur.argv.length === 0 && Object.keys(cur.env).length === 0) {
      throw new ShellSyntaxError(`syntax error: '${what}' unexpected`);
    }
    commands.push(cur);
    cur = { argv: [], env: {}, redirects: [] };
  };
  const endPipeline = (what: string, next: Pipeline['joiner']): void => {
    if (cur.argv.length === 0 && commands.length === 0) {
      if (what === '\n' || what === ';' || what === 'end') {
        joiner = next === ';' ? joiner : next;
        return;
      }
    }
    endCommand(what);
    pipelines.push({ commands, joiner });
    commands = [];
    joiner = next;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'word') {
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(t.value);
      if (assign && cur.argv.length === 0) cur.env[assign[1] as string] = assign[2] as string;
      else cur.argv.push(t.value);
      continue;
    }
    switch (t.value) {
      case ';':
      case '\n':
      case '&':
        endPipeline(t.value, ';');
        break;
      case '&&':
      case '||':
        endPipeline(t.value, t.value);
        break;
      case '|':
        endCommand('|');
        break;
      case '2>&1':
        cur.redirects.push({ fd: 2, target: '&1', append: false });
        break;
      default: {
        const target = tokens[++i];
        if (!target || target.kind !== 'word')
          throw new ShellSyntaxError(`syntax error: '${t.value}' unexpected`);
        const fd = t.value === '<' ? 0 : t.value === '2>' ? 2 : 1;
        cur.redirects.push({ fd, target: target.value, append: t.value === '>>' });
      }
    }
  }
  if (cur.argv.length > 0 || commands.length > 0 || Object.keys(cur.env).length > 0) endPipeline('end', ';');
  return pipelines;
}
