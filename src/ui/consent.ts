import type { ConsentDialogEvent } from '../analysis/ui-events.ts';
import { ACCEPT_LABELS, AMBIGUOUS_LABELS, POLICY_KEYWORDS, REFUSE_LABELS } from './data/consent-keywords.ts';
import { firstMatch } from './labels.ts';
import type { Page, PageNode } from './page.ts';

/** A privacy-policy dialog or page found on screen. */
export interface ConsentScreen {
  /** The policy words seen (隐私政策, Privacy Policy, …). */
  policyWords: string[];
  accept: PageNode | undefined;
  refuse: PageNode | undefined;
  /** Buttons that close the notice without a clear choice (我知道了, OK). */
  ambiguous: PageNode[];
  buttons: PageNode[];
  checkboxes: { node: PageNode; text: string }[];
}

const label = (n: PageNode) => n.text || n.desc;
const isButtonLike = (n: PageNode) =>
  (n.clickable || /Button/.test(n.cls)) && !n.checkable && label(n) !== '';

/** Text beside a checkbox: its own, or its siblings' ("我已阅读并同意《隐私政策》"). */
function checkboxText(page: Page, n: PageNode): string {
  if (n.text) return n.text;
  const parent = n.el.parentNode;
  return page.nodes
    .filter((o) => o !== n && o.el.parentNode === parent && o.text)
    .map((o) => o.text)
    .join(' ');
}

/**
 * Finds the consent dialog unaided: some text on screen names the policy (POLICY_KEYWORDS) and some
 * button is an accept, refuse or ambiguous label. Refuse is tested first: 不同意 contains 同意.
 */
export function detectConsent(page: Page): ConsentScreen | null {
  const words = new Set<string>();
  for (const n of page.nodes) {
    const hay = `${n.text} ${n.desc}`;
    for (const k of POLICY_KEYWORDS) {
      if (k.lang === 'zh' ? hay.includes(k.text) : hay.toLowerCase().includes(k.text.toLowerCase()))
        words.add(k.text);
    }
  }
  if (words.size === 0) return null;
  const buttons = page.nodes.filter(isButtonLike);
  let accept: PageNode | undefined;
  let refuse: PageNode | undefined;
  const ambiguous: PageNode[] = [];
  for (const b of buttons) {
    const l = label(b);
    if (firstMatch(l, REFUSE_LABELS)) refuse ??= b;
    else if (firstMatch(l, ACCEPT_LABELS)) accept ??= b;
    else if (firstMatch(l, AMBIGUOUS_LABELS)) ambiguous.push(b);
  }
  if (!accept && !refuse && ambiguous.length === 0) return null;
  const checkboxes = page.nodes
    .filter((n) => n.checkable)
    .map((node) => ({ node, text: checkboxText(page, node) }));
  return { policyWords: [...words], accept, refuse, ambiguous, buttons, checkboxes };
}

/** The `consent-dialog` event (src/analysis/ui-events.ts) for a detected dialog. */
export function consentDialogEvent(
  c: ConsentScreen,
  screenshot: string | null,
): ConsentDialogEvent & Record<string, unknown> {
  return {
    buttons: c.buttons.map((b) => ({ text: label(b), bounds: b.bounds })),
    checkboxes: c.checkboxes.map((x) => ({ text: x.text, bounds: x.node.bounds, checked: x.node.checked })),
    screenshot,
    policyWords: c.policyWords,
    accept: c.accept ? label(c.accept) : null,
    refuse: c.refuse ? label(c.refuse) : null,
    ambiguous: c.ambiguous.map(label),
  };
}
