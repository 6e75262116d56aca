import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node, ParsedNode } from 'yaml';

/** A place in a config file, 1-based, as editors show it. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** A parsed YAML file that can still answer "where in the text is this value?". */
export interface YamlSource {
  /** Absolute path (or the name given for in-memory text). */
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  // uniqueKeys (the default) turns duplicate keys into errors; prettyErrors off keeps messages one line.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { file, doc, lines };
}

export function posAt(src: YamlSource, offset: number): SourcePos {
  const { line, col } = src.lines.linePos(offset);
  return { file: src.file, line, col };
}

export type PathSegment = string | number;

/**
 * The YAML node a data path leads to. `found` is false when the path ends before the target
 * (a missing key, a value that a shorthand expanded): the position is then the deepest node that exists.
 * With `key`, the position is that key inside the map at `path` (for "unknown key" problems).
 */
export function locate(src: YamlSource, path: readonly PathSegment[], key?: string): SourcePos {
  let node: Node | null | undefined = src.doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  const deref = (n: Node | null | undefined): Node | null | undefined =>
    isAlias(n) ? (n.resolve(src.doc) as Node | undefined) : n;
  const segments = key === undefined ? path : [...path, key];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const cur = deref(node);
    const lastIsKey = key !== undefined && i === segments.length - 1;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (lastIsKey) return posAt(src, keyNode.range?.[0] ?? offset);
      const value = pair.value as Node | null;
      // `key:` with nothing after it has a null value (or an empty scalar); point at the key then.
      if (
        !value ||
        !value.range ||
        (isScalar(value) && value.value === null && value.range[0] === value.range[1])
      ) {
        offset = keyNode.range?.[0] ?? offset;
        node = null;
        if (i < segments.length - 1) break;
        continue;
      }
      node = value;
      offset = value.range[0];
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg] as Node | undefined;
      if (!item || !item.range) break;
      node = item;
      offset = item.range[0];
    } else {
      break;
    }
  }
  return posAt(src, offset);
}

/** The first alias in the document, for pointing at an alias bomb. */
export function firstAliasOffset(src: YamlSource): number {
  let at = 0;
  visit(src.doc, {
    Alias(_key, node) {
      at = (node as ParsedNode).range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return at;
}
