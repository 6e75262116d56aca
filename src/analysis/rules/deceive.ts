/** RULES.md §2 E: deception and misleading (DECEIVE-SHAKE-001, -JUMP-001, -DL-001, -CONSENT-001…002). */
import { z } from 'zod';
import {
  ACCEPT_WORDS,
  AMBIGUOUS_WORDS,
  DOWNLOAD_WORDS,
  JUMP_WORDS,
  POLICY_WORDS,
  REFUSE_WORDS,
} from '../data/consent-keywords.ts';
import type { EvItem, EvMarker, SessionEvidence } from '../session-evidence.ts';
import type { ConsentDialogEvent, ForegroundEvent } from '../ui-events.ts';
import { evidenceIds, fmtT, listWords, sentence } from './common.ts';
import { matchesWord, textOf } from './labels.ts';
import { SYSTEM_UI_PACKAGES } from './permissions.ts';
import { targetPackage } from './start.ts';
import { defineRule, type Violation } from './types.ts';
import { describeWindow, INFO_KINDS, isCloseTap, isNeutralTap, windowLives } from './windows.ts';

export const deceiveShake001 = defineRule({
  id: 'DECEIVE-SHAKE-001',
  title: 'Hypersensitive shake-to-jump / 高灵敏度摇一摇',
  clauses: ['R3', 'R4 §6 note'],
  severity: 'H',
  params: z
    .object({
      /** R4 §6 note [S:R4]: a shake must need ≥15 m/s² … */
      minAccel: z.number().min(0).default(15),
      /** … or ≥35° rotation … */
      minRotationDeg: z.number().min(0).default(35),
      /** … for ≥3 s. Profiles below all three are sub-threshold. */
      minDurationMs: z.number().min(0).default(3000),
      /** A jump within 3 s [P] of a sub-threshold shake is a violation. */
      jumpWithinMs: z.number().min(0).default(3000),
    })
    .strict(),
  needs: ['markers', 'ui'],
  evaluate(ctx) {
    const p = ctx.params;
    const shakes = ctx.ev.markers.filter((m) => m.name === 'SHAKE');
    if (shakes.length === 0) return { violations: [], notEvaluated: 'the journey played no shake' };
    const windows = windowLives(ctx.ev).filter((w) => INFO_KINDS.includes(w.kind));
    const violations: Violation[] = [];
    for (const s of shakes) {
      const d = s.detail;
      const accel = typeof d.accel === 'number' ? d.accel : null;
      const rot = typeof d.rotationDeg === 'number' ? d.rotationDeg : null;
      const dur = typeof d.durationMs === 'number' ? d.durationMs : null;
      // Without the profile's figures we cannot tell sub-threshold from a real shake: not blamed.
      if (accel === null && rot === null) continue;
      const sub = (accel ?? 0) < p.minAccel && (rot ?? 0) < p.minRotationDeg && (dur ?? 0) < p.minDurationMs;
      if (!sub) continue;
      // Journeys stamp SHAKE when the shake begins (`stamped: 'start'`); sessions recorded before that
      // stamped it once the profile had played, so their shake began `duration` earlier. A jump before
      // the previous journey marker is never the shake's.
      const begun = d.stamped === 'start' ? s.t : s.t - (dur ?? 0);
      const ended = d.stamped === 'start' ? s.t + (dur ?? 0) : s.t;
      const prev = previousMarker(ctx.ev.markers, s);
      const from = Math.max(begun, prev ? prev.t : -Infinity);
      // Only information windows (ads, splash, pop-ups): deliberate in-app shake features are out of scope.
      const w = windows.find((x) => x.visibleAt <= ended && x.until >= from);
      if (!w) continue;
      const jump = firstJump(ctx.ev, from, ended + p.jumpWithinMs);
      if (!jump) continue;
      violations.push({
        key: `${s.id}`,
        t: s.t,
        // In time order (event ids are): in older sessions the jump may precede a marker stamped after the shake.
        evidence: evidenceIds([w.snapshots[0]?.id ?? s.id, s.id, jump.id].sort((a, b) => a - b)),
        data: {
          profile: s.arg,
          accel,
          rotationDeg: rot,
          durationMs: dur,
          to: jump.to,
          window: describeWindow(w),
        },
      });
    }
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const parts: string[] = [];
    if (d.accel !== null) parts.push(`${Number(d.accel)} m/s²`);
    if (d.rotationDeg !== null) parts.push(`${Number(d.rotationDeg)}°`);
    const dur = d.durationMs !== null ? ` for ${fmtT(Number(d.durationMs))}` : '';
    return `A gentle shake (${parts.join(', ')}${dur}, below the national threshold) at ${fmtT(v.t)} on ${String(d.window)} made it jump to ${String(d.to)}.`;
  },
});

export const deceiveJump001 = defineRule({
  id: 'DECEIVE-JUMP-001',
  title: 'Forced or misleading jump / 欺骗误导强迫跳转',
  clauses: ['R4 §6 items 1–3', 'R5', 'R3'],
  severity: 'H',
  params: z
    .object({
      /** A jump with no TAP in the preceding 2 s [P] is automatic (RULES.md §3 (5)). */
      tapExemptMs: z.number().min(0).default(2000),
      /** The tapped CTA must name the jump (打开/去/跳转 + app) [P]. */
      requireNamedCta: z.boolean().default(true),
      /**
       * A jump seen up to 2 s [P] after the window was recorded gone is what took it down: the window
       * watcher and the foreground probe (polling every 0.5 s) notice the same change independently.
       */
      afterGoneMs: z.number().min(0).default(2000),
    })
    .strict(),
  needs: ['ui'],
  evaluate(ctx) {
    const app = ctx.ev.session.appPackage;
    const windows = windowLives(ctx.ev).filter((w) => INFO_KINDS.includes(w.kind));
    if (windows.length === 0)
      return { violations: [], notEvaluated: 'no information window (ad, splash, pop-up) was recorded' };
    const violations: Violation[] = [];
    for (const w of windows) {
      // Jumps to another package while the window is up (deeplinks into the app's own pages are fine).
      const jump = ctx.ev.foregrounds.find(
        (f) =>
          f.t >= w.visibleAt &&
          f.t <= w.until + ctx.params.afterGoneMs &&
          f.data.package !== w.package &&
          f.data.package !== app &&
          !isSystem(f.data.package),
      );
      if (!jump) continue;
      const tap = ctx.derived.tapBefore(jump.t, ctx.params.tapExemptMs);
      const named = (t: typeof tap): boolean =>
        !ctx.params.requireNamedCta ||
        (t !== undefined && matchesWord(textOf(t.detail, t.arg), JUMP_WORDS) !== undefined);
      const kind = !tap
        ? 'auto'
        : isCloseTap(tap, w)
          ? 'close'
          : isNeutralTap(tap)
            ? 'blank'
            : !named(tap)
              ? 'unnamed-cta'
              : null;
      if (!kind) continue;
      violations.push({
        key: `${w.key}`,
        t: jump.t,
        evidence: evidenceIds([(w.snapshots[0] as EvItem<unknown>).id, ...(tap ? [tap.id] : []), jump.id]),
        data: {
          kind,
          window: describeWindow(w),
          visibleAt: w.visibleAt,
          to: jump.data.package,
          cta: tap ? textOf(tap.detail, tap.arg).trim() : null,
        },
      });
    }
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const how =
      d.kind === 'auto'
        ? 'without the user tapping it'
        : d.kind === 'close'
          ? 'when the user tapped its close button'
          : d.kind === 'blank'
            ? 'when the user tapped blank space'
            : `when the user tapped "${String(d.cta)}", which does not say it opens another app`;
    return `${sentence(String(d.window))} shown at ${fmtT(Number(d.visibleAt))} opened another app (${String(d.to)}) at ${fmtT(v.t)} ${how}.`;
  },
});

/**
 * Packages whose coming to the front is not a jump out of the app: system UI drawn over it (permission
 * prompts, the status bar) and the home screen (the app exiting is PERM-001's business). The browser
 * (com.android.chrome) and the app store (com.android.vending) are jumps: they are where ads lead.
 */
function isSystem(pkg: string): boolean {
  return SYSTEM_UI_PACKAGES.includes(pkg) || HOME_PACKAGE.test(pkg);
}

/** Launchers: AOSP, Pixel, and the usual CN OEM home screens. */
const HOME_PACKAGE = /(^|\.)(launcher3?|nexuslauncher|home)$|\.launcher$/;

/** The journey marker just before `m` (any kind), if any. */
function previousMarker(markers: readonly EvMarker[], m: EvMarker): EvMarker | undefined {
  let prev: EvMarker | undefined;
  for (const x of markers) {
    if (x.id === m.id) break;
    if (x.t <= m.t) prev = x;
  }
  return prev;
}

/**
 * The first jump in (from, until]: the foreground changing to another (non-system) package or from
 * one page of the app to another, or the app firing an activity Intent at another package — an attempt counts even when the
 * target is not installed (RULES.md §3 (2): failed calls are still attempts).
 */
function firstJump(ev: SessionEvidence, from: number, until: number): { id: number; to: string } | undefined {
  const app = ev.session.appPackage;
  const other = (pkg: string | null | undefined): pkg is string =>
    typeof pkg === 'string' && pkg !== '' && pkg !== app && !isSystem(pkg);
  let best: { id: number; t: number; to: string } | undefined;
  let before: ForegroundEvent | undefined;
  for (const f of ev.foregrounds) {
    if (f.t <= from) {
      before = f.data;
      continue;
    }
    if (f.t > until) break;
    // Another app, or another page of the app itself (an ad's landing page) opened from the app.
    const inApp = before?.package === app && f.data.package === app && f.data.activity !== before.activity;
    if (other(f.data.package) || inApp) {
      best = { id: f.id, t: f.t, to: inApp ? `${f.data.package}/${f.data.activity}` : f.data.package };
      break;
    }
    before = f.data;
  }
  for (const c of ev.apiCalls) {
    if (c.t <= from) continue;
    if (c.t > until || (best && c.t >= best.t)) break;
    if (c.category !== 'associated-start' || !c.api.endsWith('.startActivity')) continue;
    const to = targetPackage(c.args);
    if (other(to)) {
      best = { id: c.id, t: c.t, to };
      break;
    }
  }
  return best && { id: best.id, to: best.to };
}

const APK_MIME = 'application/vnd.android.package-archive';

export const deceiveDl001 = defineRule({
  id: 'DECEIVE-DL-001',
  title: 'Deceptive download / 欺骗误导下载',
  clauses: ['R1 欺骗误导用户下载APP scenes 3.1-1…5', 'R3 (知情同意安装, 静默下载)'],
  severity: 'H',
  params: z
    .object({
      /** A TAP on a 下载/安装 node within 3 s [P] before the download makes it the user's (RULES.md §3 (5)). */
      tapWindowMs: z.number().min(0).default(3000),
    })
    .strict(),
  needs: ['traffic', 'hooks'],
  evaluate(ctx) {
    const downloads: { t: number; id: number; from: string }[] = [];
    for (const f of ctx.ev.flows) {
      const apkType = f.responseContentType?.startsWith(APK_MIME) ?? false;
      // Cheap pre-check first: parsing every URL of a long session is the expensive part.
      if (!apkType && !f.url.toLowerCase().includes('.apk')) continue;
      const path = (
        URL.canParse(f.url) ? new URL(f.url).pathname : (f.url.split('?')[0] ?? '')
      ).toLowerCase();
      if (path.endsWith('.apk') || apkType) downloads.push({ t: f.t, id: f.id, from: f.host });
    }
    for (const c of ctx.ev.apiCalls) {
      if (c.category === 'download' && ctx.derived.collectorOf(c))
        downloads.push({
          t: c.t,
          id: c.id,
          from: c.api.slice(c.api.lastIndexOf('.', c.api.lastIndexOf('.') - 1) + 1),
        });
    }
    downloads.sort((a, b) => a.t - b.t || a.id - b.id);
    const dialogs = windowLives(ctx.ev).filter(
      (w) =>
        w.kind === 'dialog' &&
        w.snapshots.some((s) => s.data.texts.some((t) => matchesWord(t, DOWNLOAD_WORDS))),
    );
    const unasked = downloads.filter((d) => {
      const tap = ctx.derived.taps.find(
        (m) =>
          m.t <= d.t &&
          m.t >= d.t - ctx.params.tapWindowMs &&
          matchesWord(textOf(m.detail, m.arg), DOWNLOAD_WORDS),
      );
      // A confirmation dialog the user answered with a tap before the download also makes it informed.
      const confirmed = dialogs.some(
        (w) => w.visibleAt <= d.t && ctx.derived.taps.some((m) => m.t >= w.visibleAt && m.t <= d.t),
      );
      return !tap && !confirmed;
    });
    if (unasked.length === 0) return { violations: [] };
    const first = unasked[0] as (typeof unasked)[number];
    return {
      violations: [
        {
          key: 'download',
          t: first.t,
          evidence: evidenceIds(unasked.map((d) => d.id)),
          data: { from: first.from, count: unasked.length },
        },
      ],
    };
  },
  explain(v) {
    const n = Number(v.data.count);
    return `The app started downloading an app (${String(v.data.from)}) at ${fmtT(v.t)}${n > 1 ? `, ${n} times in all,` : ''} without the user tapping a download or install button.`;
  },
});

function firstDialog(dialogs: EvItem<ConsentDialogEvent>[]): EvItem<ConsentDialogEvent> | undefined {
  return dialogs[0];
}

export const deceiveConsent001 = defineRule({
  id: 'DECEIVE-CONSENT-001',
  title: 'Pre-checked consent / 默认勾选',
  clauses: ['R2 三.4', 'R1 scene 1.1-8', 'R3'],
  severity: 'H',
  params: z.object({}).strict(),
  needs: ['ui'],
  evaluate(ctx) {
    const d = firstDialog(ctx.ev.consentDialogs);
    if (!d) return { violations: [], notEvaluated: 'no consent dialog was captured' };
    const ticked = d.data.checkboxes.filter((c) => c.checked && matchesWord(c.text, POLICY_WORDS));
    if (ticked.length === 0) return { violations: [] };
    return {
      violations: [
        { key: 'pre-checked', t: d.t, evidence: [d.id], data: { labels: ticked.map((c) => c.text) } },
      ],
    };
  },
  explain(v) {
    const labels = (v.data.labels as string[]).map((l) => `"${l}"`);
    return `The consent checkbox ${listWords(labels)} was already ticked when the dialog first appeared at ${fmtT(v.t)}.`;
  },
});

export const deceiveConsent002 = defineRule({
  id: 'DECEIVE-CONSENT-002',
  title: 'Ambiguous or missing choice / 无明确同意/拒绝按钮',
  clauses: ['R1 scene 1.1-7', 'Xiaomi review', 'A4'],
  severity: 'M',
  params: z
    .object({
      /** A label matches a keyword only if it is at most 2× [S:A4] the keyword's length. */
      maxLabelFactor: z.number().min(1).default(2),
    })
    .strict(),
  needs: ['ui'],
  evaluate(ctx) {
    const d = firstDialog(ctx.ev.consentDialogs);
    if (!d) return { violations: [], notEvaluated: 'no consent dialog was captured' };
    const f = ctx.params.maxLabelFactor;
    const labels = d.data.buttons.map((b) => b.text);
    const refuse = labels.some((l) => matchesWord(l, REFUSE_WORDS, f));
    const accept = labels.some((l) => !matchesWord(l, REFUSE_WORDS, f) && matchesWord(l, ACCEPT_WORDS, f));
    if (accept && refuse) return { violations: [] };
    const ambiguous = labels.filter((l) => matchesWord(l, AMBIGUOUS_WORDS, f));
    return {
      violations: [
        {
          key: 'choice',
          t: d.t,
          // Neither a clear accept nor a clear refuse (only "OK"/"我知道了") is the severe form.
          severity: !accept && !refuse ? 'H' : undefined,
          evidence: [d.id],
          data: {
            labels,
            missing: [...(accept ? [] : ['accept']), ...(refuse ? [] : ['refuse'])],
            ambiguous,
          },
        },
      ],
    };
  },
  explain(v) {
    const missing = (v.data.missing as string[]).map((m) =>
      m === 'accept' ? 'clear accept' : 'clear refuse',
    );
    const labels = (v.data.labels as string[]).map((l) => `"${l}"`);
    return `The consent dialog at ${fmtT(v.t)} offered no ${listWords(missing).replace(' and ', ' or ')} button (its buttons: ${labels.length ? labels.join(', ') : 'none'}).`;
  },
});
