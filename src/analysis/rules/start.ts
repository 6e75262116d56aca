/** RULES.md §2 D: self-start and associated start (UX-START-001…002). */
import { z } from 'zod';
import type { EvApiCall, EvItem } from '../session-evidence.ts';
import type { ProcessEvent } from '../ui-events.ts';
import { evidenceIds, fmtT, sentence } from './common.ts';
import { defineRule, type Violation } from './types.ts';

export const uxStart001 = defineRule({
  id: 'UX-START-001',
  title: 'Self-start / 自启动',
  clauses: ['R1 APP频繁自启动和关联启动 scenes 2.2-1/2', 'R3', 'T/TAF 078.10'],
  severity: 'H',
  params: z
    .object({
      /** Idle 30 min [P] after a force-stop to clear the app. */
      idleMs: z
        .number()
        .min(0)
        .default(30 * 60_000),
      /** ≥3 self-starts per hour [P] is "frequent". */
      frequentPerHour: z.number().int().min(1).default(3),
      /** A start within 5 s [P] after a LAUNCH or TAP marker is the user's (or the harness's). */
      launchLinkMs: z.number().min(0).default(5000),
    })
    .strict(),
  needs: [],
  evaluate(ctx) {
    const p = ctx.params;
    const app = ctx.ev.session.appPackage;
    if (!app) return { violations: [], notEvaluated: 'the session does not name the app package' };
    const starts = ctx.ev.processStarts.filter(
      (s) => s.data.package === app || s.data.process.startsWith(app),
    );
    const linked = (t: number): boolean =>
      ctx.ev.markers.some(
        (m) => (m.name === 'LAUNCH' || m.name === 'TAP') && m.t <= t && m.t >= t - p.launchLinkMs,
      );
    const self = starts.filter(
      (s) => !linked(s.t) && s.data.trigger !== 'LAUNCH' && s.data.trigger !== 'harness',
    );
    if (self.length === 0) {
      if (ctx.ev.processStarts.length === 0 && ctx.ev.processDeaths.length === 0) {
        return { violations: [], notEvaluated: 'no process start events were recorded' };
      }
      const stop = ctx.ev.markers.find((m) => m.name === 'FORCE_STOP');
      if (!stop || ctx.ev.endT - stop.t < p.idleMs) {
        return {
          violations: [],
          notEvaluated: `the journey did not idle ${fmtT(p.idleMs)} after a force-stop`,
        };
      }
      return { violations: [] };
    }
    let perHour = 0;
    for (const s of self)
      perHour = Math.max(perHour, self.filter((o) => o.t >= s.t && o.t < s.t + 3600_000).length);
    const beforeConsent = self.some((s) => ctx.phases.clearlyBeforeConsent(s.t));
    const first = self[0] as EvItem<ProcessEvent>;
    const triggers = [
      ...new Set(self.map((s) => s.data.trigger).filter((x): x is string => Boolean(x))),
    ].sort();
    return {
      violations: [
        {
          key: 'self-start',
          t: first.t,
          evidence: evidenceIds(self.map((s) => s.id)),
          data: {
            count: self.length,
            frequent: perHour >= p.frequentPerHour,
            perHour,
            beforeConsent,
            triggers,
          },
        },
      ],
    };
  },
  explain(v) {
    const d = v.data;
    const n = Number(d.count);
    const times = n > 1 ? `${n} times, first at ${fmtT(v.t)}` : `at ${fmtT(v.t)}`;
    const trig = (d.triggers as string[]).length
      ? ` (triggered by ${(d.triggers as string[]).join(', ')})`
      : '';
    const when = d.beforeConsent ? ', before the user accepted the privacy policy' : '';
    return `The app started itself without the user opening it ${times}${trig}${when}.`;
  },
});

export const uxStart002 = defineRule({
  id: 'UX-START-002',
  title: 'Associated start / 关联启动',
  clauses: ['R1 APP频繁自启动和关联启动', 'R3 (唤醒、调用、更新)'],
  severity: 'H',
  params: z
    .object({
      /** A TAP within 2 s [P] before the call exempts it (pay, share, login). */
      tapExemptMs: z.number().min(0).default(2000),
      /** Targets that are the system or GMS (whitelisted), as package prefixes. */
      systemPackages: z
        .array(z.string())
        .default([
          'android',
          'com.android.',
          'com.google.android.gms',
          'com.google.android.gsf',
          'com.google.android.permissioncontroller',
        ]),
    })
    .strict(),
  needs: ['hooks'],
  evaluate(ctx) {
    const p = ctx.params;
    const app = ctx.ev.session.appPackage;
    const system = (pkg: string): boolean =>
      p.systemPackages.some((s) =>
        s.endsWith('.') ? pkg.startsWith(s) : pkg === s || pkg.startsWith(`${s}.`),
      );
    const groups = new Map<
      string,
      { calls: EvApiCall[]; actor: string; api: string; beforeConsent: boolean }
    >();
    for (const c of ctx.ev.apiCalls) {
      if (c.category !== 'associated-start') continue;
      const who = ctx.derived.collectorOf(c);
      if (!who) continue;
      const target = targetPackage(c.args);
      if (!target || target === app || system(target)) continue;
      if (ctx.derived.tapBefore(c.t, p.tapExemptMs)) continue;
      const g = groups.get(target);
      const before = ctx.phases.clearlyBeforeConsent(c.t);
      if (g) {
        g.calls.push(c);
        g.beforeConsent ||= before;
      } else
        groups.set(target, {
          calls: [c],
          actor: who.name,
          api: c.api.slice(c.api.lastIndexOf('.') + 1),
          beforeConsent: before,
        });
    }
    const violations: Violation[] = [...groups.entries()].map(([target, g]) => ({
      key: target,
      t: (g.calls[0] as EvApiCall).t,
      severity: g.beforeConsent ? 'C' : undefined,
      evidence: evidenceIds(g.calls.map((c) => c.id)),
      data: { target, actor: g.actor, api: g.api, calls: g.calls.length, beforeConsent: g.beforeConsent },
    }));
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const n = Number(d.calls);
    return `${sentence(String(d.actor))} started ${String(d.target)} (${String(d.api)}) at ${fmtT(v.t)}${n > 1 ? ` and ${n - 1} more times` : ''} without the user tapping anything${d.beforeConsent ? ', before the user accepted the privacy policy' : ''}.`;
  },
});

/** The other package an Intent/authority argument names (`package`, `component` "pkg/.Cls", `authority`). */
export function targetPackage(args: unknown): string | null {
  let found: string | null = null;
  const walk = (v: unknown, d: number): void => {
    if (found || d > 4 || v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const k of ['package', 'targetPackage', 'component', 'authority']) {
      const s = o[k];
      if (typeof s === 'string' && s) {
        found = (k === 'component' ? s.split('/')[0] : s) ?? null;
        return;
      }
    }
    for (const x of Array.isArray(v) ? v : Object.values(o)) walk(x, d + 1);
  };
  walk(args, 0);
  return found;
}
