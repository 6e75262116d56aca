/** RULES.md §2 C: forced, frequent or excessive permission requests (PERM-001…004). */
import { z } from 'zod';
import { necessaryData } from '../necessity.ts';
import type { EvMarker, SessionEvidence } from '../session-evidence.ts';
import { PERMISSION_GUIDE_WORDS } from '../data/consent-keywords.ts';
import { evidenceIds, firstFrom, fmtT, listWords } from './common.ts';
import { matchesWord } from './labels.ts';
import { byOs, permissionsIn, shortPermission } from './consent.ts';
import { fullPermission, PERMISSION_DATA, PERMISSION_GROUPS } from './pi-set.ts';
import { defineRule, type Violation } from './types.ts';

/** Packages that draw permission prompts or system UI: being in front of the app is not the app leaving. */
export const SYSTEM_UI_PACKAGES: readonly string[] = [
  'com.android.permissioncontroller',
  'com.google.android.permissioncontroller',
  'com.android.packageinstaller',
  'com.google.android.packageinstaller',
  'com.android.systemui',
  'android',
];

/** Markers of the harness sending the app away. */
const HARNESS_EXITS: readonly string[] = ['BG', 'FORCE_STOP', 'SCREEN_OFF'];

function denials(ev: SessionEvidence): EvMarker[] {
  return ev.markers.filter((m) => m.name === 'PERM_DENIED' && m.arg);
}

/** How the app left after `t0` within `windowMs`, if it did (harness-caused exits excluded). */
export function exitAfter(
  ev: SessionEvidence,
  t0: number,
  windowMs: number,
): { t: number; id: number; how: 'left' | 'died'; to: string | null; crash?: string } | undefined {
  const app = ev.session.appPackage;
  if (!app) return undefined;
  const end = t0 + windowMs;
  // Each list is in time order: search from the first item after t0, stop at the window's end.
  const after = <T extends { t: number }>(list: readonly T[], until: number, keep: (x: T) => boolean) => {
    for (let i = firstFrom(list, t0); i < list.length; i++) {
      const x = list[i] as T;
      if (x.t > until) return undefined;
      if (keep(x)) return x;
    }
    return undefined;
  };
  // The harness sending the app away (BG, FORCE_STOP, SCREEN_OFF) is not the app exiting (RULES.md §3 (4)).
  const harness = after(ev.markers, end, (m) => HARNESS_EXITS.includes(m.name));
  const limit = harness ? harness.t : end;
  const fg = after(
    ev.foregrounds,
    limit,
    (f) => f.data.package !== app && !SYSTEM_UI_PACKAGES.includes(f.data.package),
  );
  const died = after(
    ev.processDeaths,
    limit,
    (p) => p.data.package === app || p.data.process.startsWith(app),
  );
  const first = [
    fg && { t: fg.t, id: fg.id, how: 'left' as const, to: fg.data.package },
    died && {
      t: died.t,
      id: died.id,
      how: 'died' as const,
      to: null,
      ...(died.data.crash !== undefined ? { crash: died.data.crash } : {}),
    },
  ]
    .filter((x): x is NonNullable<typeof x> => Boolean(x))
    .sort((a, b) => a.t - b.t)[0];
  return first;
}

export const perm001 = defineRule({
  id: 'PERM-001',
  title: 'Exit, loop or block on refusal / 不给权限不让用、弹窗循环',
  clauses: ['R1 APP强制、频繁、过度索取权限 scenes 2.1-1/3', 'R14', 'R12 Art. 16', 'R11 Huawei 5.1–5.3'],
  severity: 'H',
  params: z
    .object({
      /** The app must still be in front 10 s [P, cf. A4] after a denial. */
      exitWindowMs: z.number().min(0).default(10_000),
      /** The same prompt ≥2 times [P] … */
      loopPrompts: z.number().int().min(2).default(2),
      /** … within 10 s [P] is a loop. */
      loopWindowMs: z.number().min(0).default(10_000),
    })
    .strict(),
  needs: ['markers', 'ui'],
  evaluate(ctx) {
    const ds = denials(ctx.ev);
    if (ds.length === 0) return { violations: [], notEvaluated: 'the journey did not deny a permission' };
    const violations: Violation[] = [];
    // Prompts by permission, once (a long session has thousands of markers and hundreds of denials).
    const promptsByPerm = new Map<string, EvMarker[]>();
    for (const m of ctx.ev.markers) {
      if (m.name !== 'PERM_PROMPT' || !m.arg) continue;
      const p = fullPermission(m.arg);
      const list = promptsByPerm.get(p);
      if (list) list.push(m);
      else promptsByPerm.set(p, [m]);
    }
    for (const d of ds) {
      const perm = shortPermission(fullPermission(d.arg as string));
      const exit = exitAfter(ctx.ev, d.t, ctx.params.exitWindowMs);
      if (exit) {
        violations.push({
          key: `${perm}|exit|${d.id}`,
          t: exit.t,
          evidence: [d.id, exit.id],
          data: {
            permission: perm,
            kind: exit.how === 'died' ? 'died' : 'left',
            afterMs: exit.t - d.t,
            to: exit.to,
            ...(exit.crash ? { crash: exit.crash } : {}),
          },
        });
      }
      // The denied prompt counts as the first one shown.
      const samePrompts = promptsByPerm.get(fullPermission(d.arg as string)) ?? [];
      const lastPrompt = samePrompts[firstFrom(samePrompts, d.t) - 1];
      const from = lastPrompt ? lastPrompt.t : d.t;
      const prompts: EvMarker[] = [];
      for (let i = firstFrom(samePrompts, from, true); i < samePrompts.length; i++) {
        const m = samePrompts[i] as EvMarker;
        if (m.t > from + ctx.params.loopWindowMs) break;
        if (!byOs(m)) prompts.push(m);
      }
      const shown = prompts.length + (lastPrompt ? 0 : 1);
      if (shown >= ctx.params.loopPrompts) {
        violations.push({
          key: `${perm}|loop|${d.id}`,
          t: d.t,
          evidence: evidenceIds([d.id, ...prompts.map((m) => m.id)].sort((a, b) => a - b)),
          data: { permission: perm, kind: 'loop', prompts: shown, windowMs: ctx.params.loopWindowMs },
        });
      }
    }
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const perm = String(d.permission);
    if (d.kind === 'loop') {
      return `The prompt for the permission ${perm} appeared ${Number(d.prompts)} times within ${fmtT(Number(d.windowMs))} although the user denied it.`;
    }
    const after = fmtT(Number(d.afterMs));
    if (d.kind === 'died' && d.crash !== undefined)
      return `The app crashed ${after} after the user denied the permission ${perm} (${String(d.crash)}).`;
    return d.kind === 'died'
      ? `The app closed itself ${after} after the user denied the permission ${perm}.`
      : `The app left the screen (to ${String(d.to)}) ${after} after the user denied the permission ${perm}.`;
  },
});

export const perm002 = defineRule({
  id: 'PERM-002',
  title: 'Re-prompt after refusal / 拒绝后48小时内再次申请',
  clauses: ['R11 Xiaomi §2.5 [T]', 'R1 scenes 2.1-5/6', 'R2 三.2'],
  severity: 'H',
  params: z
    .object({
      /** No new prompt for a denied permission within 48 h [T]. */
      quietMs: z
        .number()
        .min(0)
        .default(48 * 3600_000),
      /** … unless the user tapped a feature in the preceding 2 s [P]. */
      tapExemptMs: z.number().min(0).default(2000),
    })
    .strict(),
  needs: ['markers', 'ui'],
  evaluate(ctx) {
    const ds = denials(ctx.ev);
    if (ds.length === 0) return { violations: [], notEvaluated: 'the journey did not deny a permission' };
    const byPerm = new Map<string, { denial: EvMarker; prompts: { id: number; t: number }[] }>();
    const add = (d: EvMarker, item: { id: number; t: number }): void => {
      const perm = shortPermission(fullPermission(d.arg as string));
      const g = byPerm.get(perm);
      if (g) g.prompts.push(item);
      else byPerm.set(perm, { denial: d, prompts: [item] });
    };
    // Denials by permission, in time order: the prompt is blamed on the first denial of its permission
    // within the quiet period before it.
    const deniedByPerm = new Map<string, EvMarker[]>();
    for (const d of ds) {
      const p = fullPermission(d.arg as string);
      const list = deniedByPerm.get(p);
      if (list) list.push(d);
      else deniedByPerm.set(p, [d]);
    }
    for (const m of ctx.ev.markers) {
      if (m.name !== 'PERM_PROMPT' || byOs(m) || m.arg === null) continue;
      // Prompts shown by the permission UI (markers), not API calls: Android auto-denies after two refusals.
      const same = deniedByPerm.get(fullPermission(m.arg)) ?? [];
      const d = same[firstFrom(same, m.t - ctx.params.quietMs, true)];
      if (!d || d.t >= m.t || ctx.derived.tapBefore(m.t, ctx.params.tapExemptMs)) continue;
      add(d, m);
    }
    // App-drawn "去开启权限" guides count too; they rarely name the permission, so they go to the latest denial.
    for (const w of ctx.ev.windows) {
      if (w.data.state !== 'shown' || w.data.kind === 'activity') continue;
      if (!w.data.texts.some((t) => matchesWord(t, PERMISSION_GUIDE_WORDS))) continue;
      const d = ds[firstFrom(ds, w.t, true) - 1];
      if (!d || d.t < w.t - ctx.params.quietMs || ctx.derived.tapBefore(w.t, ctx.params.tapExemptMs))
        continue;
      add(d, w);
    }
    for (const g of byPerm.values()) g.prompts.sort((a, b) => a.t - b.t || a.id - b.id);
    const violations: Violation[] = [...byPerm.entries()].map(([perm, g]) => {
      const first = g.prompts[0] as { id: number; t: number };
      return {
        key: perm,
        t: first.t,
        evidence: evidenceIds([g.denial.id, ...g.prompts.map((m) => m.id)]),
        data: { permission: perm, deniedAt: g.denial.t, prompts: g.prompts.length },
      };
    });
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const d = v.data;
    const times = Number(d.prompts) > 1 ? ` (${Number(d.prompts)} times)` : '';
    return `The app asked again for the permission ${String(d.permission)} at ${fmtT(v.t)}${times}, ${fmtT(v.t - Number(d.deniedAt))} after the user denied it, without the user asking for a feature that needs it.`;
  },
});

export const perm003 = defineRule({
  id: 'PERM-003',
  title: 'Premature request / 提前申请权限',
  clauses: ['R1 scene 2.1-7', 'R3 (业务功能启动时动态申请)', 'R11 Huawei 5.5'],
  severity: 'M',
  params: z
    .object({
      /** A prompt needs a TAP on a feature in the preceding 3 s [P]. */
      tapWindowMs: z.number().min(0).default(3000),
    })
    .strict(),
  needs: ['markers'],
  evaluate(ctx) {
    const necessary = necessaryData(ctx.ev.session.category);
    const byPerm = new Map<string, EvMarker[]>();
    for (const m of ctx.ev.markers) {
      if (m.name !== 'PERM_PROMPT' || !m.arg || byOs(m)) continue;
      if (ctx.derived.tapBefore(m.t, ctx.params.tapWindowMs)) continue;
      const full = fullPermission(m.arg);
      // R8 core function: a permission whose data the category needs may be asked up front.
      const data = PERMISSION_DATA[full] ?? [];
      if (data.length > 0 && data.some((d) => necessary.has(d))) continue;
      const perm = shortPermission(full);
      const list = byPerm.get(perm);
      if (list) list.push(m);
      else byPerm.set(perm, [m]);
    }
    const launches = ctx.ev.markers.filter((m) => m.name === 'LAUNCH');
    const violations: Violation[] = [...byPerm.entries()].map(([perm, ms]) => {
      const first = ms[0] as EvMarker;
      const launch = [...launches].reverse().find((l) => l.t <= first.t);
      return {
        key: perm,
        t: first.t,
        evidence: evidenceIds(ms.map((m) => m.id)),
        data: { permission: perm, sinceLaunchMs: launch ? first.t - launch.t : null },
      };
    });
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const since =
      v.data.sinceLaunchMs === null ? '' : `, ${fmtT(Number(v.data.sinceLaunchMs))} after launch,`;
    return `The app asked for the permission ${String(v.data.permission)} at ${fmtT(v.t)}${since} before the user used a feature that needs it.`;
  },
});

export const perm004 = defineRule({
  id: 'PERM-004',
  title: 'Bundled request / 一揽子申请多个权限',
  clauses: ['R2 四.6', 'R3'],
  severity: 'M',
  params: z
    .object({
      /** More than 1 [P] unrelated dangerous group in one request. */
      maxGroups: z.number().int().min(1).default(1),
      /** RULES.md: "… and refusing it blocks use": only then is it a violation. */
      requireBlocking: z.boolean().default(true),
      /** Blocking = the app leaves or dies within 10 s [P] of a denial (as PERM-001). */
      exitWindowMs: z.number().min(0).default(10_000),
    })
    .strict(),
  needs: ['hooks', 'markers'],
  evaluate(ctx) {
    const violations: Violation[] = [];
    let unrefused = 0;
    const ds = denials(ctx.ev);
    for (const c of ctx.ev.apiCalls) {
      if (c.category !== 'permission-request' || !ctx.derived.collectorOf(c)) continue;
      const perms = permissionsIn(c.args);
      const groups = [
        ...new Set(perms.map((p) => PERMISSION_GROUPS[p]).filter((g): g is string => Boolean(g))),
      ].sort();
      if (groups.length <= ctx.params.maxGroups) continue;
      let blocking: { denial: EvMarker; exit: NonNullable<ReturnType<typeof exitAfter>> } | null = null;
      const denied = ds.filter((d) => d.t >= c.t && perms.includes(fullPermission(d.arg as string)));
      for (const d of denied) {
        const exit = exitAfter(ctx.ev, d.t, ctx.params.exitWindowMs);
        if (exit) {
          blocking = { denial: d, exit };
          break;
        }
      }
      if (ctx.params.requireBlocking && !blocking) {
        if (denied.length === 0) unrefused++;
        continue;
      }
      violations.push({
        key: `${groups.join('+')}|${c.id}`,
        t: c.t,
        evidence: blocking ? [c.id, blocking.denial.id, blocking.exit.id] : [c.id],
        data: { permissions: perms.map(shortPermission), groups, blocked: blocking !== null },
      });
    }
    return {
      violations,
      notEvaluated:
        unrefused > 0
          ? `the app asked for several permission groups at once, but the journey did not refuse that request`
          : undefined,
    };
  },
  explain(v) {
    const d = v.data;
    const groups = d.groups as string[];
    return `The app asked for ${listWords(d.permissions as string[])} (${groups.length} unrelated permission groups) in one request at ${fmtT(v.t)}${d.blocked ? ', and refusing it blocked the app' : ''}.`;
  },
});
