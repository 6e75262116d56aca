/** RULES.md §2 A: app-list and clipboard sniffing (PI-SCOPE-002). */
import { z } from 'zod';
import { PASTE_WORDS } from '../data/consent-keywords.ts';
import type { EvApiCall, EvMarker } from '../session-evidence.ts';
import { evidenceIds, firstFrom, fmtT, sentence } from './common.ts';
import { matchesWord, textOf } from './labels.ts';
import { defineRule, type Violation } from './types.ts';

const INSTALLED = /\.(getInstalledPackages|getInstalledApplications)$/;
const QUERY_LAUNCHERS = /\.queryIntentActivities$/;
/** `hasPrimaryClip`/`getPrimaryClipDescription` are metadata and do not match. */
const CLIP_READ = /\.(getPrimaryClip|getText)$/;

export const piScope002 = defineRule({
  id: 'PI-SCOPE-002',
  title: 'App-list and clipboard sniffing / 读取软件列表、剪切板',
  clauses: ['R1 scenes (软件安装列表)', 'R2 四.1'],
  severity: 'H',
  params: z
    .object({
      /** queryIntentActivities(MAIN/LAUNCHER) returning more than 5 [P] packages is an app-list read. */
      launcherQueryMaxPackages: z.number().int().min(0).default(5),
      /** A clipboard read needs a paste TAP in the preceding 2 s [P]. */
      pasteTapWindowMs: z.number().min(0).default(2000),
    })
    .strict(),
  needs: ['hooks'],
  evaluate(ctx) {
    const groups = new Map<string, { kind: 'apps' | 'clipboard'; actor: string; calls: EvApiCall[] }>();
    const add = (kind: 'apps' | 'clipboard', call: EvApiCall): void => {
      const who = ctx.derived.collectorOf(call);
      if (!who) return;
      const key = `${kind}|${who.id}`;
      const g = groups.get(key);
      if (g) g.calls.push(call);
      else groups.set(key, { kind, actor: who.name, calls: [call] });
    };
    // Which pattern an API name matches, once per name (a session repeats a few APIs a million times).
    const kinds = new Map<string, 'installed' | 'query' | 'clip' | null>();
    const kindOf = (api: string): 'installed' | 'query' | 'clip' | null => {
      let k = kinds.get(api);
      if (k === undefined) {
        k = INSTALLED.test(api)
          ? 'installed'
          : QUERY_LAUNCHERS.test(api)
            ? 'query'
            : CLIP_READ.test(api)
              ? 'clip'
              : null;
        kinds.set(api, k);
      }
      return k;
    };
    const taps = ctx.derived.taps;
    for (const c of ctx.ev.apiCalls) {
      const kind = kindOf(c.api);
      if (kind === null) continue;
      if (kind === 'installed') add('apps', c);
      else if (kind === 'query') {
        const launcherQuery =
          c.args === null ||
          /android\.intent\.(action\.MAIN|category\.LAUNCHER)/.test(JSON.stringify(c.args));
        if (launcherQuery && packageCount(c.ret) > ctx.params.launcherQueryMaxPackages) add('apps', c);
      } else if (c.category === 'clipboard') {
        // Taps are in time order: look only at those in the window before the read.
        let pasted = false;
        for (let i = firstFrom(taps, c.t - ctx.params.pasteTapWindowMs, true); i < taps.length; i++) {
          const m = taps[i] as EvMarker;
          if (m.t > c.t) break;
          if (matchesWord(textOf(m.detail, m.arg), PASTE_WORDS)) {
            pasted = true;
            break;
          }
        }
        if (!pasted) add('clipboard', c);
      }
    }
    const violations: Violation[] = [...groups.entries()].map(([key, g]) => ({
      key,
      t: (g.calls[0] as EvApiCall).t,
      evidence: evidenceIds(g.calls.map((c) => c.id)),
      data: {
        kind: g.kind,
        actor: g.actor,
        calls: g.calls.length,
        apis: [...new Set(g.calls.map((c) => c.api.slice(c.api.lastIndexOf('.') + 1)))].sort(),
      },
    }));
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const n = Number(v.data.calls);
    const times = n > 1 ? ` (${n} times)` : '';
    return v.data.kind === 'apps'
      ? `${sentence(String(v.data.actor))} read the list of installed apps at ${fmtT(v.t)}${times} without a feature that needs it.`
      : `${sentence(String(v.data.actor))} read the clipboard at ${fmtT(v.t)}${times} without the user pasting.`;
  },
});

/** How many packages a summarised return value holds (a list, or {size|count|length}). */
export function packageCount(ret: unknown): number {
  if (Array.isArray(ret)) return ret.length;
  if (ret && typeof ret === 'object') {
    const o = ret as Record<string, unknown>;
    for (const k of ['size', 'count', 'length']) if (typeof o[k] === 'number') return o[k] as number;
    for (const k of ['items', 'packages', 'names'])
      if (Array.isArray(o[k])) return (o[k] as unknown[]).length;
  }
  return 0;
}
