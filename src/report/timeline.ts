/**
 * The session timeline as the report draws it: counts per fixed-width bin per lane, never one node
 * per event, so a million-event session is a few thousand numbers. The page re-aggregates these bins
 * for the zoomed range; markers and findings are few and stay individual (capped).
 */
import type { Correlation } from '../analysis/correlation.ts';
import type { Phases } from '../analysis/phases.ts';
import type { SessionEvidence } from '../analysis/session-evidence.ts';
import { cap, neutralise } from './escape.ts';

export const TIMELINE_BINS = 1000;
export const MAX_TIMELINE_MARKERS = 500;

export const LANES = ['api', 'pi', 'flow', 'leak', 'ui'] as const;
export type Lane = (typeof LANES)[number];

export const LANE_LABELS: Record<Lane, string> = {
  api: 'API calls',
  pi: 'personal-data reads',
  flow: 'requests',
  leak: 'requests carrying personal data',
  ui: 'screens',
};

export interface TimelineView {
  /** Observed length of the session (ms). */
  endT: number;
  binMs: number;
  /** Per lane, TIMELINE_BINS counts. */
  lanes: Record<Lane, number[]>;
  phases: { state: string; from: number; to: number }[];
  background: { cause: string; from: number; to: number }[];
  markers: { t: number; name: string; arg: string | null }[];
  /** Markers beyond MAX_TIMELINE_MARKERS (counted, not drawn). */
  markersOmitted: number;
  findings: { t: number; rule: string; severity: string }[];
}

export function buildTimeline(
  ev: SessionEvidence,
  phases: Phases,
  findings: readonly { rule: string; severity: string; status: string; data: Record<string, unknown> }[],
  correlation: Correlation,
): TimelineView {
  const endT = Math.max(1, ev.endT);
  const binMs = endT / TIMELINE_BINS;
  const lanes = Object.fromEntries(LANES.map((l) => [l, new Array<number>(TIMELINE_BINS).fill(0)])) as Record<
    Lane,
    number[]
  >;
  const bin = (t: number): number => Math.min(TIMELINE_BINS - 1, Math.max(0, Math.floor(t / binMs)));
  for (const c of ev.apiCalls) {
    const times = c.times ?? [c.t];
    for (const t of times) {
      (lanes.api[bin(t)] as number)++;
      if (c.data.length > 0) (lanes.pi[bin(t)] as number)++;
    }
  }
  const leaking = new Set(correlation.links.map((l) => l.flow.id));
  for (const f of ev.flows) {
    (lanes.flow[bin(f.t)] as number)++;
    if (leaking.has(f.id) || f.matches.length > 0) (lanes.leak[bin(f.t)] as number)++;
  }
  for (const s of ev.snapshots) (lanes.ui[bin(s.t)] as number)++;

  const clamp = (t: number): number => Math.min(endT, Math.max(0, t));
  return {
    endT,
    binMs,
    lanes,
    phases: phases.consent.map((p) => ({ state: p.state, from: clamp(p.from), to: clamp(p.to) })),
    background: phases.background.map((b) => ({ cause: b.cause, from: clamp(b.from), to: clamp(b.to) })),
    // The page shows these through textContent: safe from markup, but bidi controls would still reorder.
    markers: ev.markers.slice(0, MAX_TIMELINE_MARKERS).map((m) => ({
      t: m.t,
      name: neutralise(cap(m.name, 100)),
      arg: m.arg === null ? null : neutralise(cap(m.arg, 200)),
    })),
    markersOmitted: Math.max(0, ev.markers.length - MAX_TIMELINE_MARKERS),
    findings: findings
      .filter((f) => f.status === 'violation' && typeof f.data.t === 'number')
      .slice(0, MAX_TIMELINE_MARKERS)
      .map((f) => ({ t: f.data.t as number, rule: f.rule, severity: f.severity })),
  };
}
