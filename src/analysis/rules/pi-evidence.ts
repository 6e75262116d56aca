/**
 * Gathers PI reads (F) and PI-carrying flows (N) that satisfy a rule's time condition, grouped by who
 * collected them (the SDK or the app), with the correlation sentence for the first flow. The consent
 * family, SDK-001 and the GDPR rules share it so that they group and word things the same way.
 */
import type { FlowLink } from '../correlation.ts';
import type { EvApiCall } from '../session-evidence.ts';
import { evidenceIds, fmtT, listWords, MAX_EVIDENCE, sentence, type Collector } from './common.ts';
import { isPi, piLabel } from './pi-set.ts';
import type { RuleContext, Violation } from './types.ts';

export interface PiGroup {
  key: string;
  actorId: string;
  actor: string;
  types: Set<string>;
  reads: EvApiCall[];
  links: FlowLink[];
  t: number;
}

export interface GatherOptions {
  /** Keep this read of this PI type? */
  read?: (call: EvApiCall, type: string) => boolean;
  /** Keep this flow link? */
  link?: (link: FlowLink) => boolean;
  /** Extra grouping beyond the actor (e.g. the refusal the event came after). */
  subKey?: (t: number, type: string) => string;
  /** A time from which `read` keeps nothing (reads are in time order, so the rest are not looked at). */
  readsBefore?: number;
}

export function gatherPi(ctx: RuleContext<unknown>, opts: GatherOptions): PiGroup[] {
  const groups = new Map<string, PiGroup>();
  const group = (actorId: string, actor: string, sub: string, t: number): PiGroup => {
    const key = sub ? `${actorId}|${sub}` : actorId;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, actorId, actor, types: new Set(), reads: [], links: [], t }));
    if (t < g.t) g.t = t;
    return g;
  };
  if (opts.read) {
    const { piReads, piReadCollectors } = ctx.derived;
    const until = opts.readsBefore ?? Infinity;
    for (let i = 0; i < piReads.length; i++) {
      const call = piReads[i] as EvApiCall;
      // Reads are in time order: none after the bound can be kept.
      if (call.t >= until) break;
      const c = piReadCollectors[i] as Collector;
      for (const type of call.data) {
        if (!isPi(type) || !opts.read(call, type)) continue;
        const g = group(c.id, c.name, opts.subKey?.(call.t, type) ?? '', call.t);
        g.types.add(type);
        if (g.reads[g.reads.length - 1] !== call) g.reads.push(call);
      }
    }
  }
  if (opts.link) {
    for (const link of ctx.correlation.links) {
      if (!opts.link(link)) continue;
      const actorId = link.reader?.id ?? link.destination.org?.id ?? link.destination.domain;
      const actor = link.reader?.name ?? link.destination.org?.name ?? link.destination.domain;
      const g = group(actorId, actor, opts.subKey?.(link.flow.t, link.type) ?? '', link.flow.t);
      g.types.add(link.type);
      g.links.push(link);
    }
  }
  return [...groups.values()].sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A violation for one group: evidence = the reads and flows, data = the facts explain() needs. */
export function groupViolation(
  ctx: RuleContext<unknown>,
  g: PiGroup,
  extra: Record<string, unknown> = {},
): Violation {
  // Reads and links are each in time order: the first MAX_EVIDENCE of each are all a capped list can use.
  const items = [
    ...g.reads.slice(0, MAX_EVIDENCE).map((r) => ({ t: r.t, id: r.id })),
    ...g.links.slice(0, MAX_EVIDENCE).map((l) => ({ t: l.flow.t, id: l.flow.id })),
  ];
  items.sort((a, b) => a.t - b.t || a.id - b.id);
  const types = [...g.types].sort();
  const first = g.links[0];
  return {
    key: g.key,
    t: g.t,
    evidence: evidenceIds(items.map((i) => i.id)),
    data: {
      actor: g.actor,
      actorId: g.actorId,
      types,
      reads: g.reads.length,
      flows: new Set(g.links.map((l) => l.flow.id)).size,
      destinations: [...new Set(g.links.map((l) => l.destination.domain))].sort(),
      link: first ? ctx.correlation.describe(first) : null,
      ...extra,
    },
  };
}

/**
 * "Umeng (Alibaba) read the IMEI at 0.8 s and sent its MD5 hash to umeng.com at 1.2 s" or
 * "Umeng (Alibaba) read the IMEI and the Android ID at 0.8 s" — without the trailing clause.
 */
export function whatHappened(data: Record<string, unknown>, t: number): string {
  const types = (data.types as string[] | undefined) ?? [];
  const link = typeof data.link === 'string' ? data.link : null;
  if (link) {
    const linked = types.find((ty) => link.includes(piLabel(ty)));
    const others = types.filter((ty) => ty !== linked).map(piLabel);
    return `${sentence(link)}${others.length ? ` (it also read ${listWords(others)})` : ''}`;
  }
  return `${sentence(String(data.actor))} read ${listWords(types.map(piLabel))} at ${fmtT(t)}`;
}
