/** RULES.md §2 A: collection before consent, after refusal, and consent-state tampering (PI-CONSENT-001…005). */
import { z } from 'zod';
import { necessaryData } from '../necessity.ts';
import type { EvMarker } from '../session-evidence.ts';
import { evidenceIds, firstFrom, fmtT, listWords } from './common.ts';
import { gatherPi, groupViolation, whatHappened } from './pi-evidence.ts';
import { fullPermission, PERMISSION_DATA } from './pi-set.ts';
import { defineRule, type RuleContext, type Violation } from './types.ts';

/** API names that check state without reading PI ("checkSelfPermission is not a read", PI-CONSENT-004). */
const NOT_A_READ =
  /\.(checkSelfPermission|checkPermission|checkCallingPermission|checkCallingOrSelfPermission)$/;

export const piConsent001 = defineRule({
  id: 'PI-CONSENT-001',
  title: 'Collection before consent / 同意前收集',
  clauses: ['R2 三.1', 'R1 违规收集个人信息 scenes 1.1-1/2', 'R9 §6.4'],
  severity: 'C',
  params: z
    .object({
      /** Without an acceptance: wait ≥10 s for the dialog [S:A4] … */
      dialogWaitMs: z.number().min(0).default(10_000),
      /** … and observe for 60 s [S:A4] before the session can be cleared. */
      observeMs: z.number().min(0).default(60_000),
    })
    .strict(),
  needs: ['hooks', 'traffic', 'markers'],
  evaluate(ctx) {
    const before = (t: number): boolean => ctx.phases.clearlyBeforeConsent(t);
    const accept = ctx.phases.firstAccept;
    const groups = gatherPi(ctx, {
      read: (c) => before(c.t),
      link: (l) => before(l.flow.t),
      // clearlyBeforeConsent is false from here on.
      readsBefore: accept ? accept.t - ctx.phases.params.ambiguityMs : Infinity,
    });
    const violations = groups.map((g) =>
      groupViolation(ctx, g, { accepted: ctx.phases.firstAccept !== null }),
    );
    return {
      violations,
      notEvaluated: shortObservation(ctx, ctx.params.dialogWaitMs + ctx.params.observeMs),
    };
  },
  explain(v) {
    const when = v.data.accepted
      ? 'before the user accepted the privacy policy'
      : 'while the user had not accepted the privacy policy';
    return `${whatHappened(v.data, v.t)}, ${when}.`;
  },
});

export const piConsent002 = defineRule({
  id: 'PI-CONSENT-002',
  title: 'Permission opened before consent / 同意前打开权限',
  clauses: ['R2 三.1'],
  severity: 'H',
  params: z.object({}).strict(),
  needs: ['markers', 'ui'],
  evaluate(ctx) {
    const perms = new Map<string, { t: number; ids: number[] }>();
    const add = (p: string, t: number, id: number): void => {
      const e = perms.get(p);
      if (e) e.ids.push(id);
      else perms.set(p, { t, ids: [id] });
    };
    for (const m of ctx.ev.markers) {
      if (m.name === 'PERM_PROMPT' && !byOs(m) && ctx.phases.clearlyBeforeConsent(m.t))
        add(m.arg ?? 'unknown', m.t, m.id);
    }
    for (const c of ctx.ev.apiCalls) {
      if (c.category !== 'permission-request' || !ctx.phases.clearlyBeforeConsent(c.t)) continue;
      if (!ctx.derived.collectorOf(c)) continue;
      const requested = permissionsIn(c.args);
      for (const p of requested.length ? requested : ['unknown']) add(p, c.t, c.id);
    }
    if (perms.size === 0) return { violations: [] };
    const entries = [...perms.entries()].sort((a, b) => a[1].t - b[1].t || (a[0] < b[0] ? -1 : 1));
    const t = Math.min(...entries.map((e) => e[1].t));
    const ids = entries.flatMap((e) => e[1].ids).sort((a, b) => a - b);
    return {
      violations: [
        {
          key: 'before-consent',
          t,
          evidence: evidenceIds(ids),
          data: {
            permissions: entries.map((e) => shortPermission(e[0])),
            accepted: ctx.phases.firstAccept !== null,
          },
        },
      ],
    };
  },
  explain(v) {
    const perms = v.data.permissions as string[];
    const when = v.data.accepted
      ? 'before the user accepted the privacy policy'
      : 'while the user had not accepted the privacy policy';
    return `The app asked for ${perms.length > 1 ? 'the permissions' : 'the permission'} ${listWords(perms)} at ${fmtT(v.t)}, ${when}.`;
  },
});

export const piConsent003 = defineRule({
  id: 'PI-CONSENT-003',
  title: 'No first-run notice / 首次运行未提示隐私政策',
  clauses: ['R2 一.2', 'R13'],
  severity: 'H',
  params: z
    .object({
      /** POLICY_SHOWN must follow the first LAUNCH within 10 s [P]. */
      noticeWithinMs: z.number().min(0).default(10_000),
    })
    .strict(),
  needs: ['markers', 'ui'],
  evaluate(ctx) {
    const launch = ctx.phases.firstLaunch;
    if (!launch) return { violations: [], notEvaluated: 'the journey recorded no LAUNCH marker' };
    const deadline = launch.t + ctx.params.noticeWithinMs;
    const shown = ctx.ev.markers.find(
      (m) => m.name === 'POLICY_SHOWN' && m.t >= launch.t - ctx.phases.params.ambiguityMs,
    );
    if (shown && shown.t <= deadline) return { violations: [] };
    if (!shown && ctx.ev.endT < deadline) {
      return {
        violations: [],
        notEvaluated: `the session ended ${fmtT(ctx.ev.endT - launch.t)} after launch, before the ${fmtT(ctx.params.noticeWithinMs)} notice window closed`,
      };
    }
    return {
      violations: [
        {
          key: 'no-notice',
          t: launch.t,
          evidence: shown ? [launch.id, shown.id] : [launch.id],
          data: { withinMs: ctx.params.noticeWithinMs, shownAfterMs: shown ? shown.t - launch.t : null },
        },
      ],
    };
  },
  explain(v) {
    const within = fmtT(Number(v.data.withinMs));
    return v.data.shownAfterMs === null
      ? `The app did not show its privacy policy within ${within} of its first launch.`
      : `The app showed its privacy policy only ${fmtT(Number(v.data.shownAfterMs))} after its first launch, later than ${within}.`;
  },
});

export const piConsent004 = defineRule({
  id: 'PI-CONSENT-004',
  title: 'Collection after refusal / 明确拒绝后仍收集',
  clauses: ['R2 三.2', 'R12 Art. 16', 'G'],
  severity: 'C',
  params: z.object({}).strict(),
  needs: ['hooks', 'traffic', 'markers'],
  evaluate(ctx) {
    const denials = ctx.ev.markers.filter((m) => m.name === 'PERM_DENIED' && m.arg);
    const refusedPhases = ctx.phases.consent.filter((p) => p.state === 'refused' || p.state === 'withdrawn');
    if (denials.length === 0 && refusedPhases.length === 0) {
      return {
        violations: [],
        notEvaluated: 'the journey neither refused the privacy policy nor denied a permission',
      };
    }
    const necessary = necessaryData(ctx.ev.session.category);
    // Per data type: the stretches during which a permission unlocking it stood denied (denial + grace
    // until the next grant of that permission), computed once — rules ask for every read.
    const grants = new Map<string, EvMarker[]>();
    for (const m of ctx.ev.markers) {
      if (m.name !== 'PERM_GRANTED' || m.arg === null) continue;
      const p = fullPermission(m.arg);
      const list = grants.get(p);
      if (list) list.push(m);
      else grants.set(p, [m]);
    }
    const denied = new Map<string, Stretches>();
    for (const d of denials) {
      const p = fullPermission(d.arg as string);
      const same = grants.get(p) ?? [];
      const grant = same[firstFrom(same, d.t)];
      for (const type of PERMISSION_DATA[p] ?? []) {
        let list = denied.get(type);
        if (!list) denied.set(type, (list = new Stretches()));
        list.add(
          d.t + ctx.phases.params.refusalGraceMs,
          grant ? grant.t : Infinity,
          `permission:${shortPermission(p)}`,
        );
      }
    }
    /** Why collecting `type` at `t` was refused, or null. */
    const refusal = (t: number, type: string): string | null => {
      // "Basic mode" may keep using R8-necessary PI (RULES.md FP trap).
      if (necessary.has(type)) return null;
      const phase = ctx.phases.stateAt(t);
      if ((phase.state === 'refused' || phase.state === 'withdrawn') && t >= phase.graceUntil) {
        return phase.state === 'refused' ? 'policy' : 'withdrawn';
      }
      return denied.get(type)?.reasonAt(t) ?? null;
    };
    const groups = gatherPi(ctx, {
      read: (c, type) => !NOT_A_READ.test(c.api) && refusal(c.t, type) !== null,
      link: (l) => refusal(l.flow.t, l.type) !== null,
      subKey: (t, type) => refusal(t, type) ?? '',
    });
    const marker = (reason: string): EvMarker | undefined =>
      reason === 'policy'
        ? (ctx.phases.firstRefusal ?? undefined)
        : reason === 'withdrawn'
          ? ctx.ev.markers.find((m) => m.name === 'WITHDRAW')
          : denials.find((d) => `permission:${shortPermission(fullPermission(d.arg as string))}` === reason);
    const violations: Violation[] = groups.map((g) => {
      const reason = g.key.slice(g.key.indexOf('|') + 1);
      const m = marker(reason);
      const v = groupViolation(ctx, g, { reason, refusedAt: m?.t ?? null });
      if (m) v.evidence = evidenceIds([m.id, ...v.evidence]);
      return v;
    });
    return { violations };
  },
  explain(v) {
    const reason = String(v.data.reason);
    const after =
      reason === 'policy'
        ? 'after the user refused the privacy policy'
        : reason === 'withdrawn'
          ? 'after the user withdrew consent'
          : `after the user denied the permission ${reason.slice('permission:'.length)}`;
    return `${whatHappened(v.data, v.t)}, ${after}.`;
  },
});

export const piConsent005 = defineRule({
  id: 'PI-CONSENT-005',
  title: 'Permission state changed without consent / 擅自更改权限状态',
  clauses: ['R2 三.5', 'R3'],
  severity: 'M',
  params: z.object({}).strict(),
  needs: [],
  evaluate(ctx) {
    const states = ctx.ev.permissionStates;
    if (states.length < 2) {
      return {
        violations: [],
        notEvaluated:
          'fewer than two permission snapshots (before and after a relaunch or update) were recorded',
      };
    }
    const violations: Violation[] = [];
    for (let i = 1; i < states.length; i++) {
      const prev = states[i - 1] as (typeof states)[number];
      const cur = states[i] as (typeof states)[number];
      for (const [perm, granted] of Object.entries(cur.data.permissions).sort()) {
        // Only re-enables count: the OS resetting unused apps' permissions turns grants off, not on.
        if (!granted || prev.data.permissions[perm] !== false) continue;
        const p = fullPermission(perm);
        const byUser = ctx.ev.markers.some(
          (m) =>
            m.name === 'PERM_GRANTED' &&
            m.arg &&
            fullPermission(m.arg) === p &&
            m.t >= prev.t &&
            m.t <= cur.t,
        );
        if (byUser) continue;
        violations.push({
          key: `${shortPermission(p)}@${cur.id}`,
          t: cur.t,
          evidence: [prev.id, cur.id],
          data: { permission: shortPermission(p), when: cur.data.when ?? null },
        });
      }
    }
    return { violations };
  },
  explain(v) {
    const when = typeof v.data.when === 'string' ? ` (${v.data.when})` : '';
    return `The permission ${String(v.data.permission)} was switched back on at ${fmtT(v.t)}${when} although the user did not grant it.`;
  },
});

/**
 * Stretches during which a denied permission stood denied (added in order of their start), asked for
 * the first one covering a time: the reason of the earliest denial still in force. Reads ask for each of
 * hundreds of thousands of calls: the starts are binary-searched and a time after every started stretch
 * has ended is answered without a scan.
 */
class Stretches {
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private readonly reason: string[] = [];
  /** maxTo[i]: the latest end among stretches 0..i (none of them covers a time at or after it). */
  private readonly maxTo: number[] = [];

  add(from: number, to: number, reason: string): void {
    this.from.push(from);
    this.to.push(to);
    this.reason.push(reason);
    this.maxTo.push(Math.max(to, this.maxTo[this.maxTo.length - 1] ?? -Infinity));
  }

  reasonAt(t: number): string | null {
    // Stretches 0..k-1 have started by t.
    let lo = 0;
    let hi = this.from.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.from[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    const k = lo;
    if (k === 0 || (this.maxTo[k - 1] as number) <= t) return null;
    for (let i = 0; i < k; i++) if (t < (this.to[i] as number)) return this.reason[i] as string;
    return null;
  }
}

/** A prompt the system showed on its own (PI-CONSENT-002 FP trap: OEM dialogs triggered by the OS). */
export function byOs(m: EvMarker): boolean {
  return m.detail.requestedBy === 'os';
}

/** Permission names anywhere in recorded arguments (String[] or a summarised list). */
export function permissionsIn(args: unknown, depth = 0): string[] {
  const out: string[] = [];
  const walk = (v: unknown, d: number): void => {
    if (d > 4 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (v.includes('.permission.')) out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, d + 1));
    else if (typeof v === 'object')
      Object.values(v as Record<string, unknown>).forEach((x) => walk(x, d + 1));
  };
  walk(args, depth);
  return [...new Set(out)];
}

export function shortPermission(p: string): string {
  return p.replace(/^android\.permission\./, '');
}

/** Not-evaluated reason when no consent decision was recorded and the session was too short to clear it. */
export function shortObservation(ctx: RuleContext<unknown>, neededMs: number): string | undefined {
  if (ctx.phases.firstAccept || ctx.phases.firstRefusal) return undefined;
  const start = ctx.phases.firstLaunch?.t ?? 0;
  const observed = ctx.ev.endT - start;
  if (observed >= neededMs) return undefined;
  return `no consent decision was recorded and the app was observed for only ${fmtT(observed)} of the ${fmtT(neededMs)} needed`;
}
