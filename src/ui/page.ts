import { createHash } from 'node:crypto';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import xpath from 'xpath';
import type { Bounds } from '../analysis/ui-events.ts';

/**
 * One look at the screen, parsed from page source. Accepts both shapes a journey meets:
 * UiAutomator2's (`<hierarchy><android.widget.Button class=… bounds=…>`) and `uiautomator dump`'s
 * (`<hierarchy><node class=… bounds=…>`). Every element with `bounds` is a node.
 */
export interface PageNode {
  text: string;
  id: string;
  desc: string;
  cls: string;
  pkg: string;
  bounds: Bounds;
  clickable: boolean;
  checkable: boolean;
  checked: boolean;
  enabled: boolean;
  /** Document order index (stable within one page). */
  order: number;
  el: XmlElement;
}

export interface Page {
  xml: string;
  nodes: PageNode[];
  /** Package of the top window (the first node's), '' when the page is empty. */
  pkg: string;
  /** Hash of the screen's shape (classes, ids, packages; not texts or states). */
  shape: string;
  doc: ReturnType<DOMParser['parseFromString']>;
}

const BOUNDS = /^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$/;

function parseBounds(s: string | null): Bounds {
  const m = BOUNDS.exec(s ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : [0, 0, 0, 0];
}

export function parsePage(xml: string): Page {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') problems.push(msg);
    },
  }).parseFromString(xml || '<hierarchy/>', 'text/xml');
  if (problems.length > 0) {
    throw new Error(`Failed to parse the page source: ${problems[0]}. The driver returned no UI XML.`);
  }
  const nodes: PageNode[] = [];
  const walk = (el: XmlElement) => {
    if (el.hasAttribute('bounds')) {
      const a = (name: string) => el.getAttribute(name) ?? '';
      nodes.push({
        text: a('text'),
        id: a('resource-id'),
        desc: a('content-desc'),
        cls: a('class') || el.tagName,
        pkg: a('package'),
        bounds: parseBounds(el.getAttribute('bounds')),
        clickable: a('clickable') === 'true',
        checkable: a('checkable') === 'true',
        checked: a('checked') === 'true',
        enabled: a('enabled') !== 'false',
        order: nodes.length,
        el,
      });
    }
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) walk(c as XmlElement);
  };
  if (doc.documentElement) walk(doc.documentElement as unknown as XmlElement);
  const shape = createHash('sha256')
    .update(nodes.map((n) => `${n.pkg}|${n.cls}|${n.id}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return { xml, nodes, pkg: nodes[0]?.pkg ?? '', shape, doc };
}

export const centre = (b: Bounds): { x: number; y: number } => ({
  x: Math.round((b[0] + b[2]) / 2),
  y: Math.round((b[1] + b[3]) / 2),
});

export interface Selector {
  text?: string | undefined;
  id?: string | undefined;
  desc?: string | undefined;
  xpath?: string | undefined;
}

/** `/regex/` or exact text. */
function textMatcher(want: string): (s: string) => boolean {
  const re = /^\/(.+)\/([imsu]*)$/.exec(want);
  if (re) {
    const r = new RegExp(re[1] as string, re[2]);
    return (s) => r.test(s);
  }
  return (s) => s === want;
}

/** Nodes matching a step's selector, in document order. An `id` without a package matches any `pkg:id/…`. */
export function findNodes(page: Page, sel: Selector): PageNode[] {
  if (sel.xpath !== undefined) {
    const hits = xpath.select(sel.xpath, page.doc as unknown as Node);
    const els = new Set(Array.isArray(hits) ? hits : []);
    return page.nodes.filter((n) => els.has(n.el as unknown as Node));
  }
  if (sel.text !== undefined) {
    const m = textMatcher(sel.text);
    return page.nodes.filter((n) => m(n.text));
  }
  if (sel.desc !== undefined) {
    const m = textMatcher(sel.desc);
    return page.nodes.filter((n) => m(n.desc));
  }
  if (sel.id !== undefined) {
    const want = sel.id;
    return page.nodes.filter((n) => n.id === want || (!want.includes(':') && n.id.endsWith(`:id/${want}`)));
  }
  return [];
}

export function describeSelector(sel: Selector): string {
  for (const k of ['text', 'id', 'desc', 'xpath'] as const)
    if (sel[k] !== undefined) return `${k} '${sel[k]}'`;
  return 'nothing';
}

/** A short, JSON-safe description of a node for markers and events. */
export function nodeInfo(n: PageNode): Record<string, unknown> {
  return { text: n.text, desc: n.desc, id: n.id, cls: n.cls, bounds: n.bounds, clickable: n.clickable };
}
