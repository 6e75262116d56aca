import { errors, W3C_ELEMENT_KEY } from '@appium/base-driver';
import { elementId, type Entry } from '../hierarchy.ts';
import type { SimLink } from '../link.ts';
import { locate } from '../locators/index.ts';

/** A WebDriver element reference (W3C key, plus the legacy one older clients read). */
export type ElementRef = Record<string, string>;

function ref(id: string): ElementRef {
  return { [W3C_ELEMENT_KEY]: id, ELEMENT: id };
}

const POLL_MS = 250;

/**
 * findElement(s) and their from-element forms. Each try reads a fresh screen; with an implicit wait
 * the search repeats until something matches or the wait runs out (as UiAutomator2 does).
 */
export async function findElOrEls(
  link: SimLink,
  implicitWaitMs: number,
  strategy: string,
  selector: string,
  mult: boolean,
  context?: string,
): Promise<ElementRef | ElementRef[]> {
  const deadline = Date.now() + implicitWaitMs;
  for (;;) {
    let hits: Entry[];
    let snapKey: Awaited<ReturnType<SimLink['snapshot']>>;
    if (context) {
      const { snap, entry } = await link.resolve(context);
      snapKey = snap;
      hits = locate(strategy, selector, snap, entry);
    } else {
      snapKey = await link.snapshot();
      hits = locate(strategy, selector, snapKey);
    }
    if (hits.length > 0 || Date.now() >= deadline) {
      const refs = hits.map((e) => ref(elementId(snapKey, e)));
      if (mult) return refs;
      const first = refs[0];
      if (!first) {
        throw new errors.NoSuchElementError(
          `An element could not be located on the page using the given search parameters (${strategy}: ${selector})`,
        );
      }
      return first;
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}
