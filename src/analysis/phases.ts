/**
 * Phases: the consent state over a session's time, derived from journey markers (DESIGN.md "Journey
 * markers"). Consent outlives relaunches (the app stores it), so only POLICY_* and WITHDRAW change it:
 *
 *   pre-consent ──POLICY_ACCEPTED──▶ consented ──WITHDRAW──▶ withdrawn
 *        └──────POLICY_REFUSED───▶ refused ──POLICY_ACCEPTED──▶ consented
 *
 * Background stretches run from BG or SCREEN_OFF to the next FG or LAUNCH (or the session end).
 * Events within ±`ambiguityMs` of a consent change are ambiguous (clock skew between host and device,
 * RULES.md §0 Preconditions) and rules neither blame nor clear them.
 */
import { z } from 'zod';
import type { EvMarker } from './session-evidence.ts';

export const phaseParamsSchema = z
  .object({
    /** RULES.md §0: events within ±500 ms [P] of a marker are ambiguous. */
    ambiguityMs: z.number().min(0).default(500),
    /** PI-CONSENT-004: 1 s [P] grace after POLICY_REFUSED or PERM_DENIED. */
    refusalGraceMs: z.number().min(0).default(1000),
    /** RIGHTS-WD-001: 5 s [P] grace after WITHDRAW. */
    withdrawGraceMs: z.number().min(0).default(5000),
    /** PI-BG-001: 5 s [P] grace after BG or SCREEN_OFF. */
    backgroundGraceMs: z.number().min(0).default(5000),
  })
  .strict();
export type PhaseParams = z.infer<typeof phaseParamsSchema>;
export const DEFAULT_PHASE_PARAMS: PhaseParams = phaseParamsSchema.parse({});

export type ConsentState = 'pre-consent' | 'consented' | 'refused' | 'withdrawn';

export interface ConsentPhase {
  state: ConsentState;
  /** Start (inclusive) and end (exclusive) in session ms; the last phase ends at +Infinity. */
  from: number;
  to: number;
  /** The marker that began it (null for the initial pre-consent phase). */
  marker: EvMarker | null;
  /** Until this time the previous state's grace still applies (refusal/withdrawal grace). */
  graceUntil: number;
}

export interface BackgroundPhase {
  cause: 'BG' | 'SCREEN_OFF';
  marker: EvMarker;
  from: number;
  /** `from` + background grace: reads before this are not blamed on the background. */
  effectiveFrom: number;
  /** The FG/LAUNCH that ended it, or the session end. */
  to: number;
  endMarker: EvMarker | null;
}

export interface Phases {
  params: PhaseParams;
  consent: ConsentPhase[];
  background: BackgroundPhase[];
  firstLaunch: EvMarker | null;
  firstAccept: EvMarker | null;
  firstRefusal: EvMarker | null;
  /** Consent state at `t`. */
  stateAt(t: number): ConsentPhase;
  /** True when `t` is within ±ambiguityMs of a consent-changing marker. */
  ambiguous(t: number): boolean;
  /** True when `t` is strictly before consent was first given, by more than the ambiguity. */
  clearlyBeforeConsent(t: number): boolean;
  /** The background phase containing `t` after its grace, if any. */
  backgroundAt(t: number): BackgroundPhase | undefined;
}

const CONSENT_CHANGE: Record<string, ConsentState> = {
  POLICY_ACCEPTED: 'consented',
  POLICY_REFUSED: 'refused',
  WITHDRAW: 'withdrawn',
};

/** `markers` in time order; `endT` is the session's last event time. */
export function derivePhases(
  markers: readonly EvMarker[],
  endT: number,
  params: PhaseParams = DEFAULT_PHASE_PARAMS,
): Phases {
  const consent: ConsentPhase[] = [
    { state: 'pre-consent', from: 0, to: Infinity, marker: null, graceUntil: 0 },
  ];
  const changes: number[] = [];
  const background: BackgroundPhase[] = [];
  let openBg: { cause: 'BG' | 'SCREEN_OFF'; marker: EvMarker } | null = null;
  let firstLaunch: EvMarker | null = null;
  let firstAccept: EvMarker | null = null;
  let firstRefusal: EvMarker | null = null;

  for (const m of markers) {
    if (m.name === 'LAUNCH' && !firstLaunch) firstLaunch = m;
    if (m.name === 'POLICY_ACCEPTED' && !firstAccept) firstAccept = m;
    if (m.name === 'POLICY_REFUSED' && !firstRefusal) firstRefusal = m;
    const next = CONSENT_CHANGE[m.name];
    const current = consent[consent.length - 1] as ConsentPhase;
    // Withdrawing needs something to withdraw; refusing again while refused changes nothing.
    if (next && next !== current.state && !(next === 'withdrawn' && current.state !== 'consented')) {
      current.to = m.t;
      const grace =
        next === 'refused' ? params.refusalGraceMs : next === 'withdrawn' ? params.withdrawGraceMs : 0;
      consent.push({ state: next, from: m.t, to: Infinity, marker: m, graceUntil: m.t + grace });
      changes.push(m.t);
    }
    if ((m.name === 'BG' || m.name === 'SCREEN_OFF') && !openBg) openBg = { cause: m.name, marker: m };
    else if ((m.name === 'FG' || m.name === 'LAUNCH') && openBg) {
      background.push(bgPhase(openBg, m.t, m, params));
      openBg = null;
    }
  }
  if (openBg) background.push(bgPhase(openBg, Math.max(endT, openBg.marker.t), null, params));

  const stateAt = (t: number): ConsentPhase => {
    let lo = 0;
    let hi = consent.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((consent[mid] as ConsentPhase).from <= t) lo = mid;
      else hi = mid - 1;
    }
    return consent[lo] as ConsentPhase;
  };
  return {
    params,
    consent,
    background,
    firstLaunch,
    firstAccept,
    firstRefusal,
    stateAt,
    ambiguous: (t) => changes.some((c) => Math.abs(t - c) <= params.ambiguityMs),
    clearlyBeforeConsent: (t) => !firstAccept || t < firstAccept.t - params.ambiguityMs,
    backgroundAt: (t) => background.find((b) => t >= b.effectiveFrom && t <= b.to),
  };
}

function bgPhase(
  open: { cause: 'BG' | 'SCREEN_OFF'; marker: EvMarker },
  to: number,
  endMarker: EvMarker | null,
  params: PhaseParams,
): BackgroundPhase {
  return {
    cause: open.cause,
    marker: open.marker,
    from: open.marker.t,
    effectiveFrom: open.marker.t + params.backgroundGraceMs,
    to,
    endMarker,
  };
}
