import path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { CONFIG_KINDS, type ConfigKind } from './kinds.ts';
import { parseYamlSource } from './source.ts';

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
