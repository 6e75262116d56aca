import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { ConfigFileError, describeValue, displayFile, type ConfigProblem } from './problems.ts';
import { firstAliasOffset, parseYamlSource, posAt, type YamlSource } from './source.ts';

/** A config file larger than this is a mistake (or an attack), not a journey. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Alias references allowed when building values (the yaml package's billion-laughs guard). */
export const MAX_ALIAS_COUNT = 100;

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
export function yamlToData(
  text: string,
  file: string,
  kind: string | undefined,
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

/** The text of a config file, or a one-line reason it cannot be read. */
export function readConfigFile(file: string): string {
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
