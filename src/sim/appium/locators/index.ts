import { errors } from '@appium/base-driver';
import xpath from 'xpath';
import { isWithin, type Entry, type Snapshot } from '../hierarchy.ts';
import { applySelector, parseUiSelectors, SelectorSyntaxError } from './uiselector.ts';

/** Locator strategies the sim driver accepts, as UiAutomator2 names them. */
export const LOCATOR_STRATEGIES = ['id', 'accessibility id', 'xpath', '-android uiautomator', 'class name'];

/**
 * `id` as UiAutomator2 takes it: a full `pkg:id/name`, or a bare name that means the id in the
 * package that owns the node (the server prefixes the current package; the permission controller's
 * buttons then still match `permission_allow_button` while its dialog is on top).
 */
function matchesId(e: Entry, sel: string): boolean {
  const id = e.node.resourceId;
  if (sel.includes(':id/')) return id === sel;
  return id === `${e.node.package}:id/${sel}` || id === `android:id/${sel}`;
}

function byXpath(sel: string, snap: Snapshot, scope: Entry | undefined): Entry[] {
  let found: unknown;
  try {
    const ctxNode = scope ? scope.el : snap.doc;
    found = xpath.select(sel, ctxNode as unknown as Node);
  } catch (err) {
    throw new errors.InvalidSelectorError(`Invalid XPath ${JSON.stringify(sel)}: ${(err as Error).message}`);
  }
  if (!Array.isArray(found)) {
    throw new errors.InvalidSelectorError(`XPath ${JSON.stringify(sel)} does not select elements`);
  }
  const out: Entry[] = [];
  for (const n of found) {
    const entry = snap.byEl.get(n as never);
    if (entry) out.push(entry);
  }
  return out;
}

/** Entries a locator finds, in document order; `scope` limits the search to an element's subtree. */
export function locate(strategy: string, sel: string, snap: Snapshot, scope?: Entry): Entry[] {
  const pool = scope ? snap.entries.filter((e) => e !== scope && isWithin(e, scope)) : snap.entries;
  switch (strategy) {
    case 'id':
      return pool.filter((e) => matchesId(e, sel));
    case 'accessibility id':
      return pool.filter((e) => e.node.contentDesc === sel);
    case 'class name':
      return pool.filter((e) => e.node.class === sel);
    case 'xpath':
      return byXpath(sel, snap, scope);
    case '-android uiautomator':
      try {
        return parseUiSelectors(sel).flatMap((s) => applySelector(s, pool));
      } catch (err) {
        if (err instanceof SelectorSyntaxError)
          throw new errors.InvalidSelectorError(`Invalid UiSelector: ${err.message}`);
        throw err;
      }
    default:
      throw new errors.InvalidSelectorError(
        `Locator strategy '${strategy}' is not supported by the sim driver; use one of ${LOCATOR_STRATEGIES.join(', ')}`,
      );
  }
}
