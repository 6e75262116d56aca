/** RULES.md §2 D: splash screens and pop-ups (UX-POPUP-001…003). */
import { z } from 'zod';
import type { EvItem } from '../session-evidence.ts';
import type { WindowEvent } from '../ui-events.ts';
import { evidenceIds, fmtT, sentence } from './common.ts';
import { defineRule, type Violation } from './types.ts';
import {
  describeWindow,
  isCloseTap,
  isCountdownOnly,
  isNeutralTap,
  jumpAfter,
  windowLives,
  type WindowLife,
} from './windows.ts';

export const uxPopup001 = defineRule({
  id: 'UX-POPUP-001',
  title: 'Splash or pop-up cannot be closed / 开屏弹窗关不掉',
  clauses: ['R3 (清晰有效的关闭按钮)', 'R6 Art. 10', 'R7 Art. 5(八)', 'R5'],
  severity: 'H',
  params: z
    .object({
      /** Close/skip must be visible and clickable ≤1 s [P] after the window appears. */
      closeVisibleMs: z.number().min(0).default(1000),
      /** One tap must dismiss it within 2 s [P]. */
      dismissMs: z.number().min(0).default(2000),
      /** Close target ≥48×48 dp [P, Android touch-target guidance]. */
      minCloseDp: z.number().min(0).default(48),
    })
    .strict(),
  needs: ['ui'],
  evaluate(ctx) {
    const p = ctx.params;
    const lives = windowLives(ctx.ev).filter((w) => w.kind === 'splash' || w.kind === 'ad');
    if (lives.length === 0)
      return { violations: [], notEvaluated: 'no splash screen or ad window was recorded' };
    const violations: Violation[] = [];
    const add = (
      w: WindowLife,
      kind: string,
      t: number,
      ids: number[],
      extra: Record<string, unknown> = {},
    ): void => {
      violations.push({
        key: `${w.key}|${kind}`,
        t,
        evidence: evidenceIds(ids),
        data: { kind, window: describeWindow(w), activity: w.activity, visibleAt: w.visibleAt, ...extra },
      });
    };
    for (const w of lives) {
      const early = w.snapshots.filter((s) => s.t <= w.visibleAt + p.closeVisibleMs);
      const first = w.snapshots[0] as EvItem<WindowEvent>;
      const clickable = (s: EvItem<WindowEvent>): boolean => s.data.closeCandidates.some((c) => c.clickable);
      // Captured only after the 1 s mark but closeable then: when the control appeared is unknown, not blamed.
      const closeable = early.length > 0 ? early.find(clickable) : w.snapshots.find(clickable);
      if (!closeable) {
        const countdown = w.snapshots.some((s) => s.data.closeCandidates.some(isCountdownOnly));
        add(
          w,
          countdown ? 'countdown-only' : 'no-close',
          w.visibleAt,
          early.length ? early.map((s) => s.id) : [first.id],
          {
            withinMs: p.closeVisibleMs,
          },
        );
        continue;
      }
      const density = closeable.data.density;
      const close = closeable.data.closeCandidates.find((c) => c.clickable);
      if (close?.bounds && density) {
        const wDp = (close.bounds[2] - close.bounds[0]) / density;
        const hDp = (close.bounds[3] - close.bounds[1]) / density;
        if (Math.min(wDp, hDp) < p.minCloseDp) {
          add(w, 'small-close', closeable.t, [closeable.id], {
            widthDp: Math.round(wDp),
            heightDp: Math.round(hDp),
            minDp: p.minCloseDp,
          });
        }
      }
      const tap = ctx.derived.taps.find((m) => m.t >= w.visibleAt && m.t <= w.until && isCloseTap(m, w));
      if (!tap) continue;
      const jump = jumpAfter(ctx.ev, tap.t, p.dismissMs, { otherPackageOnly: true });
      const app = ctx.ev.session.appPackage;
      if (jump && jump.data.package !== app && jump.data.package !== w.package) {
        add(w, 'jump-on-close', tap.t, [tap.id, jump.id], { to: jump.data.package });
      } else if (!(w.gone && w.gone.t - tap.t <= p.dismissMs) && !jumpAfter(ctx.ev, tap.t, p.dismissMs)) {
        add(w, 'close-ineffective', tap.t, [first.id, tap.id], { dismissMs: p.dismissMs });
      }
    }
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const w = `${String(d.window)} shown at ${fmtT(Number(d.visibleAt))}`;
    switch (d.kind) {
      case 'countdown-only':
        return `${sentence(w)} could only be closed by waiting for its countdown.`;
      case 'small-close':
        return `The close button of ${w} was only ${Number(d.widthDp)}×${Number(d.heightDp)} dp, smaller than ${Number(d.minDp)}×${Number(d.minDp)} dp.`;
      case 'jump-on-close':
        return `Tapping the close button of ${w} at ${fmtT(v.t)} opened another app (${String(d.to)}).`;
      case 'close-ineffective':
        return `Tapping the close button of ${w} at ${fmtT(v.t)} did not close it within ${fmtT(Number(d.dismissMs))}.`;
      default:
        return `${sentence(w)} had no close or skip button that could be tapped within ${fmtT(Number(d.withinMs))}.`;
    }
  },
});

export const uxPopup002 = defineRule({
  id: 'UX-POPUP-002',
  title: 'Full-screen hot zone / 全屏热力图、整屏跳转',
  clauses: ['R3', 'R5 (no whole-screen image or video as the link)'],
  severity: 'H',
  params: z
    .object({
      /** The journey taps ≥5 [P] neutral points of the ad … */
      neutralTaps: z.number().int().min(1).default(5),
      /** … at least 100 dp [P] from any labelled CTA (used by the journey step; recorded with findings). */
      ctaDistanceDp: z.number().min(0).default(100),
      /** A labelled CTA band over 1/3 of the screen [P] is itself suspect (recorded for review). */
      ctaBandMaxFraction: z
        .number()
        .min(0)
        .max(1)
        .default(1 / 3),
      /** A jump is a foreground change within 2 s [P] of the tap. */
      jumpWithinMs: z.number().min(0).default(2000),
    })
    .strict(),
  needs: ['ui', 'markers'],
  evaluate(ctx) {
    const taps = ctx.derived.taps.filter(isNeutralTap);
    if (taps.length === 0)
      return { violations: [], notEvaluated: 'the journey did not tap neutral points of an ad' };
    const violations: Violation[] = [];
    for (const tap of taps) {
      const jump = jumpAfter(ctx.ev, tap.t, ctx.params.jumpWithinMs);
      if (!jump) continue;
      violations.push({
        key: `${tap.id}`,
        t: tap.t,
        evidence: [tap.id, jump.id],
        data: { to: jump.data.package, activity: jump.data.activity, neutralTaps: taps.length },
      });
    }
    return {
      violations: violations
        .slice(0, 1)
        .map((v) => ({ ...v, data: { ...v.data, jumps: violations.length } })),
    };
  },
  explain(v) {
    const n = Number(v.data.jumps);
    return `Tapping an unlabelled part of an ad at ${fmtT(v.t)} opened ${String(v.data.to)}${n > 1 ? ` (${n} of the neutral taps caused a jump)` : ''}.`;
  },
});

export const uxPopup003 = defineRule({
  id: 'UX-POPUP-003',
  title: 'Frequent pop-ups / 频繁弹窗',
  clauses: ['R3', 'R6 Art. 10(四)', 'R7 Art. 5(六)'],
  severity: 'M',
  params: z
    .object({
      /** More than 2 [P] marketing pop-ups … */
      maxPopups: z.number().int().min(0).default(2),
      /** … per 5 min [P] of use. */
      perMs: z.number().min(1).default(300_000),
      /** Pop-ups within 2 s [P] of a user TAP were opened by the user (RULES.md §3 (5)). */
      userTriggerMs: z.number().min(0).default(2000),
    })
    .strict(),
  needs: ['ui'],
  evaluate(ctx) {
    const p = ctx.params;
    const lives = windowLives(ctx.ev).filter(
      (w) => w.kind !== 'activity' && !ctx.derived.tapBefore(w.visibleAt, p.userTriggerMs),
    );
    const marketing = lives.filter((w) => w.kind === 'ad' || w.snapshots.some((s) => s.data.marketing));
    if (marketing.length === 0)
      return { violations: [], notEvaluated: 'no marketing pop-up or ad window was recorded' };
    const violations: Violation[] = [];
    const sig = (w: WindowLife): string =>
      `${w.package}|${w.activity}|${w.kind}|${(w.snapshots[0]?.data.texts ?? []).join('\u0001')}`;
    // Re-pop on the same page after being closed (R6 Art. 10(四)).
    for (const w of marketing) {
      if (!w.gone) continue;
      const again = marketing.find(
        (o) => o !== w && o.visibleAt > (w.gone as EvItem<WindowEvent>).t && sig(o) === sig(w),
      );
      if (again && !violations.some((v) => v.key === `reappeared|${sig(w)}`)) {
        violations.push({
          key: `reappeared|${sig(w)}`,
          t: again.visibleAt,
          evidence: evidenceIds([w.gone.id, (again.snapshots[0] as EvItem<WindowEvent>).id]),
          data: { kind: 'reappeared', window: describeWindow(w), closedAt: w.gone.t },
        });
      }
    }
    // Densest window of perMs.
    let best: WindowLife[] = [];
    for (let i = 0; i < marketing.length; i++) {
      const start = (marketing[i] as WindowLife).visibleAt;
      const inWin = marketing.filter((w) => w.visibleAt >= start && w.visibleAt < start + p.perMs);
      if (inWin.length > best.length) best = inWin;
    }
    if (best.length > p.maxPopups) {
      violations.push({
        key: 'frequent',
        t: (best[0] as WindowLife).visibleAt,
        evidence: evidenceIds(best.map((w) => (w.snapshots[0] as EvItem<WindowEvent>).id)),
        data: { kind: 'frequent', count: best.length, perMs: p.perMs },
      });
    }
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    return v.data.kind === 'reappeared'
      ? `${sentence(String(v.data.window))} appeared again at ${fmtT(v.t)} on the same page after the user closed it at ${fmtT(Number(v.data.closedAt))}.`
      : `The app showed ${Number(v.data.count)} marketing pop-ups within ${fmtT(Number(v.data.perMs))} starting at ${fmtT(v.t)}.`;
  },
});
