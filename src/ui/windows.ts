import type { CloseCandidate, WindowEvent } from '../analysis/ui-events.ts';
import { CLOSE_WORDS } from './data/explore-avoid.ts';
import type { Page, PageNode } from './page.ts';

/** Words of marketing pop-ups (UX-POPUP-003): offers, red packets, limited-time deals. */
const MARKETING = /红包|优惠|领取|限时|福利|立即抢|秒杀|券|offer|sale|coupon|reward|deal/i;
const AD = /广告|^AD$|^Ad$|Sponsored|推广/;
const SPLASH_ACTIVITY = /splash|launch|welcome|startup/i;
const CLOSE_ID = /close|skip|cancel|dismiss/i;

const lower = CLOSE_WORDS.map((w) => w.toLowerCase());

export function isCloseCandidate(n: PageNode): boolean {
  const t = (n.text || n.desc).trim().toLowerCase();
  if (t && t.length <= 12 && lower.some((w) => t === w || t.startsWith(w) || (w.length > 1 && t.includes(w))))
    return true;
  return CLOSE_ID.test(n.id.slice(n.id.indexOf(':id/') + 1));
}

export interface Observation {
  page: Page;
  pkg: string;
  activity: string;
  screen: { width: number; height: number };
  /** Pixels per dp, when known. */
  density?: number | undefined;
}

export type WindowKind = WindowEvent['kind'];

/** What kind of window this is: a dialog (smaller than the screen), an ad, a splash, or a plain activity. */
export function classify(o: Observation): WindowKind {
  const texts = o.page.nodes.map((n) => n.text || n.desc);
  if (texts.some((t) => AD.test(t.trim()))) return 'ad';
  const root = o.page.nodes[0];
  if (root) {
    const w = root.bounds[2] - root.bounds[0];
    const h = root.bounds[3] - root.bounds[1];
    if (w > 0 && h > 0 && (w < o.screen.width * 0.95 || h < o.screen.height * 0.9)) return 'dialog';
  }
  if (SPLASH_ACTIVITY.test(o.activity) || texts.some((t) => /跳过|^skip/i.test(t.trim()))) return 'splash';
  return 'activity';
}

/**
 * Records every window that appears (`window` events, src/analysis/ui-events.ts) with its close/skip
 * candidates and when it was first seen, and a `gone` event when it leaves. A window is the top
 * package/activity plus the screen's shape, so a countdown ticking on a splash is one window.
 */
export class WindowTracker {
  #current: { key: string; id: string; data: WindowEvent } | undefined;
  #seq = 0;

  constructor(private readonly record: (data: WindowEvent) => void) {}

  /** Returns the window's data when this observation shows a new window, else undefined. */
  async observe(
    o: Observation,
    t: number,
    screenshot: () => Promise<string | null>,
  ): Promise<WindowEvent | undefined> {
    const pkg = o.page.pkg || o.pkg;
    const key = `${pkg}/${o.activity}/${o.page.shape}`;
    if (this.#current?.key === key) return undefined;
    this.close(t);
    const kind = classify(o);
    const texts = o.page.nodes.map((n) => n.text || n.desc).filter((s) => s !== '');
    const root = o.page.nodes[0];
    const data: WindowEvent = {
      windowId: `w${++this.#seq}`,
      package: pkg,
      activity: o.activity,
      kind,
      state: 'shown',
      closeCandidates: o.page.nodes.filter(isCloseCandidate).map((n): CloseCandidate => ({
        text: n.text,
        desc: n.desc,
        bounds: n.bounds,
        clickable: n.clickable,
      })),
      visibleAt: t,
      bounds: root ? root.bounds : null,
      ...(o.density !== undefined ? { density: o.density } : {}),
      texts: texts.slice(0, 200),
      marketing: kind === 'ad' || (kind === 'dialog' && texts.some((s) => MARKETING.test(s))),
      screenshot: await screenshot(),
    };
    this.#current = { key, id: data.windowId as string, data };
    this.record(data);
    return data;
  }

  /** The window on screen went away (or the journey ended). */
  close(t: number): void {
    const c = this.#current;
    if (!c) return;
    this.#current = undefined;
    this.record({
      ...c.data,
      state: 'gone',
      visibleAt: c.data.visibleAt,
      closeCandidates: [],
      texts: [],
      screenshot: null,
      goneAt: t,
    } as WindowEvent);
  }
}
