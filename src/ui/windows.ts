import type { CloseCandidate, WindowEvent } from '../analysis/ui-events.ts';
import { CLOSE_WORDS } from './data/explore-avoid.ts';
import type { Page, PageNode } from './page.ts';

/** Words of marketing pop-ups (UX-POPUP-003): offers, red packets, limited-time deals. */
const MARKETING = /红包|优惠|领取|限时|福利|立即抢|秒杀|券|offer|sale|coupon|reward|deal/i;
const AD = /广告|^AD$|^Ad$|Sponsored|推广/;
/**
 * Words of a splash activity's class name (SplashActivity, LaunchActivity, WelcomeActivity,
 * StartupScreen, SplashAdActivity…), matched as whole CamelCase words of the simple class name.
 */
const SPLASH_WORDS = new Set([
  'splash',
  'launch',
  'launcher',
  'welcome',
  'startup',
  'boot',
  'loading',
  'logo',
]);
/** Words that make a class name something else than a splash (WelcomeBackDialog, LaunchSettingsActivity). */
const NOT_SPLASH_WORDS = new Set([
  'dialog',
  'popup',
  'fragment',
  'back',
  'again',
  'settings',
  'setting',
  'config',
  'picker',
  'guide',
  'tutorial',
  'mode',
]);
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
  /** The package on screen. */
  pkg: string;
  /** The app under test: only its own windows can be its splash or its ads. */
  appPkg: string;
  activity: string;
  screen: { width: number; height: number };
  /** Pixels per dp, when known. */
  density?: number | undefined;
}

export type WindowKind = WindowEvent['kind'];

/** `com.x.ui.SplashAdActivity$Inner` → ['splash', 'ad', 'activity']. */
export function classWords(activity: string): string[] {
  const simple = (activity.split('/').pop() ?? '').split('.').pop() ?? '';
  return simple
    .replace(/\$.*/, '')
    .split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[_\-\d]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w !== '');
}

/** The activity's own class name says splash (whole words: not `WelcomeBackDialog`, not `Relaunch`). */
export function isSplashActivity(activity: string): boolean {
  const words = classWords(activity);
  return words.some((w) => SPLASH_WORDS.has(w)) && !words.some((w) => NOT_SPLASH_WORDS.has(w));
}

/**
 * What kind of window this is: a dialog (smaller than the screen), an ad, a splash, or a plain activity.
 * Only the app's own windows can be its splash or its ads: the home screen (`com.android.launcher3`'s
 * `Launcher`), the permission controller and another app it jumped to are dialogs or activities.
 */
export function classify(o: Observation): WindowKind {
  const own = (o.page.pkg || o.pkg) === o.appPkg;
  const texts = o.page.nodes.map((n) => n.text || n.desc);
  if (own && texts.some((t) => AD.test(t.trim()))) return 'ad';
  const root = o.page.nodes[0];
  if (root) {
    const w = root.bounds[2] - root.bounds[0];
    const h = root.bounds[3] - root.bounds[1];
    if (w > 0 && h > 0 && (w < o.screen.width * 0.95 || h < o.screen.height * 0.9)) return 'dialog';
  }
  if (!own) return 'activity';
  if (isSplashActivity(o.activity) || texts.some((t) => /跳过|^skip/i.test(t.trim()))) return 'splash';
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
      // Marketing pop-ups are the app's own (a system dialog's wording is not the app's marketing).
      marketing:
        kind === 'ad' || (kind === 'dialog' && pkg === o.appPkg && texts.some((s) => MARKETING.test(s))),
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
