/**
 * Helpers for the UI rules: windows as lifetimes (first snapshot → gone), taps on their close controls,
 * and foreground changes (jumps). Event shapes: src/analysis/ui-events.ts.
 */
import { CLOSE_WORDS } from '../data/consent-keywords.ts';
import type { EvItem, EvMarker, SessionEvidence } from '../session-evidence.ts';
import { insideBounds, type CloseCandidate, type ForegroundEvent, type WindowEvent } from '../ui-events.ts';
import { matchesWord } from './labels.ts';
import { SYSTEM_UI_PACKAGES } from './permissions.ts';

export interface WindowLife {
  key: string;
  kind: WindowEvent['kind'];
  package: string;
  activity: string;
  visibleAt: number;
  snapshots: EvItem<WindowEvent>[];
  gone: EvItem<WindowEvent> | null;
  /** Until when it was visible (gone time, else +Infinity). */
  until: number;
}

/**
 * The app's own windows over time. Windows of other packages (the home screen, system dialogs, another
 * app it jumped to) are not the app's splash, ads or pop-ups; jumps are judged from foreground changes.
 */
export function windowLives(ev: SessionEvidence): WindowLife[] {
  const lives = new Map<string, WindowLife>();
  const own = ev.session.appPackage;
  for (const w of ev.windows) {
    const d = w.data;
    if (own !== null && d.package !== own) continue;
    const key = d.windowId ?? `${d.package}|${d.activity}|${d.kind}|${d.visibleAt}`;
    let life = lives.get(key);
    if (!life) {
      if (d.state === 'gone') continue;
      lives.set(
        key,
        (life = {
          key,
          kind: d.kind,
          package: d.package,
          activity: d.activity,
          visibleAt: d.visibleAt,
          snapshots: [],
          gone: null,
          until: Infinity,
        }),
      );
    }
    if (d.state === 'gone') {
      if (!life.gone) {
        life.gone = w;
        life.until = w.t;
      }
    } else life.snapshots.push(w);
  }
  return [...lives.values()].sort((a, b) => a.visibleAt - b.visibleAt || (a.key < b.key ? -1 : 1));
}

export const INFO_KINDS: readonly WindowEvent['kind'][] = ['splash', 'ad', 'dialog'];

export function describeWindow(w: Pick<WindowLife, 'kind' | 'package' | 'activity'>): string {
  const what =
    w.kind === 'splash'
      ? 'splash screen'
      : w.kind === 'ad'
        ? 'ad'
        : w.kind === 'dialog'
          ? 'pop-up'
          : 'screen';
  return `the ${what} of ${w.package}`;
}

const COUNTDOWN = /^\s*\d{1,2}\s*(s|秒)?\s*$/i;

export function isCountdownOnly(c: CloseCandidate): boolean {
  return !c.clickable && COUNTDOWN.test(c.text || c.desc) && !matchesWord(`${c.text} ${c.desc}`, CLOSE_WORDS);
}

/** Did this TAP hit the candidate (same text, or its point inside the bounds, or marked as a close tap)? */
export function tapHits(tap: EvMarker, c: CloseCandidate): boolean {
  const d = tap.detail;
  const said = [tap.arg, d.text, d.desc].filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  const labels = [c.text.trim(), c.desc.trim()].filter(Boolean);
  if (said.some((s) => labels.includes(s.trim()))) return true;
  if (c.bounds && typeof d.x === 'number' && typeof d.y === 'number') return insideBounds(c.bounds, d.x, d.y);
  return false;
}

export function isCloseTap(tap: EvMarker, w: WindowLife): boolean {
  if (tap.detail.target === 'close' || tap.detail.target === 'skip') return true;
  return w.snapshots.some((s) => s.data.closeCandidates.some((c) => tapHits(tap, c)));
}

/** A TAP on blank space / a neutral point of an ad (the journey marks these `detail.probe: 'hot-zone'`). */
export function isNeutralTap(tap: EvMarker): boolean {
  return tap.detail.probe === 'hot-zone' || tap.detail.target === 'blank';
}

/** The foreground just before `t` (exclusive), if any. */
export function foregroundBefore(ev: SessionEvidence, t: number): EvItem<ForegroundEvent> | undefined {
  let found: EvItem<ForegroundEvent> | undefined;
  for (const f of ev.foregrounds) {
    if (f.t >= t) break;
    found = f;
  }
  return found;
}

/** The first foreground change in (t, t + windowMs] to another package or activity. */
export function jumpAfter(
  ev: SessionEvidence,
  t: number,
  windowMs: number,
  opts: { otherPackageOnly?: boolean } = {},
): EvItem<ForegroundEvent> | undefined {
  const before = foregroundBefore(ev, t + 0.0001);
  for (const f of ev.foregrounds) {
    if (f.t <= t) continue;
    if (f.t > t + windowMs) break;
    if (SYSTEM_UI_PACKAGES.includes(f.data.package)) continue;
    const otherPkg = before
      ? f.data.package !== before.data.package
      : f.data.package !== ev.session.appPackage;
    const otherActivity = before ? f.data.activity !== before.data.activity : true;
    if (otherPkg || (!opts.otherPackageOnly && otherActivity)) return f;
  }
  return undefined;
}
