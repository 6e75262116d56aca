import {
  ConfigFileError,
  describePath,
  didYouMean,
  describeValue,
  issuesToProblems,
  PARSE_PARAMS,
  type ConfigProblem,
} from '../../config/problems.ts';
import { locate, parseYamlSource, posAt, type PathSegment, type YamlSource } from '../../config/source.ts';
import { modelSchema, type AppModel } from './schema.ts';

/** Where models live inside an APK. */
export const MODEL_ASSET = 'assets/appwarden-sim.yaml';
/** A model larger than this is a mistake, not an app. */
export const MAX_MODEL_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;

function syntaxProblems(src: YamlSource): ConfigProblem[] {
  return src.doc.errors.map((e) => ({
    pos: posAt(src, e.pos[0]),
    where: 'YAML',
    message: e.code === 'DUPLICATE_KEY' ? 'duplicate key' : e.message.replace(/\s+/g, ' ').trim(),
  }));
}

/** Every `show`/`dialog`/`close` names a screen or dialog the model defines. */
function referenceProblems(src: YamlSource, raw: unknown, model: AppModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const screens = Object.keys(model.screens);
  const dialogs = Object.keys(model.dialogs);
  const visit = (v: unknown, path: PathSegment[]): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...path, i]));
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const check = (key: string, names: string[], kind: string): void => {
      const name = o[key];
      if (typeof name !== 'string' || names.includes(name)) return;
      problems.push({
        pos: locate(src, [...path, key]),
        where: describePath([...path, key]),
        message: `no ${kind} named ${describeValue(name)}${didYouMean(name, names) || (names.length ? ` (${kind}s: ${names.join(', ')})` : '')}`,
      });
    };
    check('show', screens, 'screen');
    check('dialog', dialogs, 'dialog');
    check('close', dialogs, 'dialog');
    for (const [k, x] of Object.entries(o)) visit(x, [...path, k]);
  };
  visit(raw, []);
  return problems;
}

/**
 * Parses a model. `file` names it in messages (e.g. `com.x.apk!/assets/appwarden-sim.yaml`).
 * Throws ConfigFileError whose message is one line: `file:line:col where: what`.
 */
export function parseModel(text: string, file: string): AppModel {
  if (Buffer.byteLength(text) > MAX_MODEL_BYTES)
    throw new ConfigFileError([
      {
        pos: { file, line: 1, col: 1 },
        where: 'top level',
        message: `model is over ${MAX_MODEL_BYTES} bytes`,
      },
    ]);
  const src = parseYamlSource(text, file);
  const syntax = syntaxProblems(src);
  if (syntax.length) throw new ConfigFileError(syntax);
  let raw: unknown;
  try {
    raw = src.doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new ConfigFileError(
      [{ pos: posAt(src, 0), where: 'YAML', message: `cannot build the model (${(err as Error).message})` }],
      { cause: err },
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigFileError([
      {
        pos: posAt(src, 0),
        where: 'top level',
        message: `expected a map with 'app:', got ${describeValue(raw)}`,
      },
    ]);
  const r = modelSchema.safeParse(raw, PARSE_PARAMS);
  if (!r.success) throw new ConfigFileError(issuesToProblems(src, r.error.issues));
  const refs = referenceProblems(src, raw, r.data);
  if (refs.length) throw new ConfigFileError(refs);
  return r.data;
}
