import { createHash } from 'node:crypto';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { pageSource } from '../ui/page-source.ts';
import { node, type Bounds, type UiNode } from '../ui/types.ts';

/**
 * One look at the screen: the sim's `uiautomator dump` parsed back into view nodes, re-serialised in
 * UiAutomator2's page-source shape (so XPath written for a real device works), and the two tied
 * together so a locator's hit maps to its node.
 *
 * Element ids are `<screen key>.<path>`: the path is the child-index chain from the window root, the
 * screen key a hash of the tree's shape (classes, resource ids, paths — not texts or states, which
 * change while a user types or a countdown runs). The same node on the same screen keeps its id; once
 * the screen's shape changes, old ids are stale.
 */

export interface Entry {
  node: UiNode;
  /** Child-index chain from the window root, e.g. `0.2.1` (root: `0`). */
  path: string;
  /** Index among its siblings (UiSelector's `index`). */
  index: number;
  /** The element in `doc` that stands for the node. */
  el: XmlElement;
}

export interface Snapshot {
  /** UiAutomator2-shaped page source. */
  xml: string;
  doc: ReturnType<DOMParser['parseFromString']>;
  key: string;
  /** Every node in document order (parents before children). */
  entries: Entry[];
  byPath: Map<string, Entry>;
  byEl: Map<XmlElement, Entry>;
}

const BOUNDS = /^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$/;

function parseBounds(s: string | null): Bounds {
  const m = BOUNDS.exec(s ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : [0, 0, 0, 0];
}

function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as XmlElement);
  return out;
}

function toNode(el: XmlElement): UiNode {
  const a = (name: string): string => el.getAttribute(name) ?? '';
  const flag = (name: string): boolean => el.getAttribute(name) === 'true';
  return node({
    class: a('class'),
    resourceId: a('resource-id'),
    text: a('text'),
    contentDesc: a('content-desc'),
    package: a('package'),
    bounds: parseBounds(el.getAttribute('bounds')),
    checkable: flag('checkable'),
    checked: flag('checked'),
    clickable: flag('clickable'),
    enabled: flag('enabled'),
    focusable: flag('focusable'),
    focused: flag('focused'),
    scrollable: flag('scrollable'),
    longClickable: flag('long-clickable'),
    password: flag('password'),
    selected: flag('selected'),
    children: childElements(el).map(toNode),
  });
}

function parseXml(xml: string, what: string): ReturnType<DOMParser['parseFromString']> {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') errors.push(msg);
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc.documentElement) {
    throw new Error(`Failed to parse ${what}: ${errors[0] ?? 'no root element'}.`);
  }
  return doc;
}

/** The window roots in a `uiautomator dump` (text may trail the XML: "UI hierchary dumped to: …"). */
export function parseDump(output: string): UiNode[] {
  const start = output.indexOf('<?xml');
  const end = output.lastIndexOf('</hierarchy>');
  if (start < 0 || end < 0) {
    const tail = output.trim().split('\n').slice(-1)[0] ?? '';
    throw new Error(
      `Failed to read the screen: uiautomator dump gave no hierarchy (${tail || 'no output'}).`,
    );
  }
  const doc = parseXml(output.slice(start, end + '</hierarchy>'.length), 'the uiautomator dump');
  return childElements(doc.documentElement as XmlElement).map(toNode);
}

/** Builds the page source and the element table from window roots. */
export function snapshot(roots: UiNode[], screen: { width: number; height: number }): Snapshot {
  const xml = pageSource(roots, screen);
  const doc = parseXml(xml, 'the page source');
  const entries: Entry[] = [];
  const shape = createHash('sha1');
  // pageSource writes nodes depth-first in the same order, so elements and nodes pair up by position.
  const visit = (n: UiNode, el: XmlElement, path: string, index: number): void => {
    entries.push({ node: n, path, index, el });
    shape.update(`${path}|${n.class}|${n.resourceId}\n`);
    const els = childElements(el);
    n.children.forEach((c, i) => {
      const ce = els[i];
      if (ce) visit(c, ce, `${path}.${i}`, i);
    });
  };
  childElements(doc.documentElement as XmlElement).forEach((el, i) => {
    const root = roots[i];
    if (root) visit(root, el, String(i), i);
  });
  return {
    xml,
    doc,
    key: shape.digest('hex').slice(0, 12),
    entries,
    byPath: new Map(entries.map((e) => [e.path, e])),
    byEl: new Map(entries.map((e) => [e.el, e])),
  };
}

export function elementId(snap: Snapshot, entry: Entry): string {
  return `${snap.key}.${entry.path}`;
}

/** Splits an element id into its screen key and path; undefined when it is not one of ours. */
export function parseElementId(id: string): { key: string; path: string } | undefined {
  const m = /^([0-9a-f]{12})\.(\d+(?:\.\d+)*)$/.exec(id);
  return m ? { key: m[1] as string, path: m[2] as string } : undefined;
}

/** Is `inner` the same as or below `outer`? */
export function isWithin(inner: Entry, outer: Entry): boolean {
  return inner.path === outer.path || inner.path.startsWith(`${outer.path}.`);
}
