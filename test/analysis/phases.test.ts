import { describe, expect, it } from 'vitest';
import { derivePhases } from '../../src/analysis/phases.ts';
import { fixture } from '../fixtures/sessions/factory.ts';

describe('phases from journey markers', () => {
  const ev = fixture()
    .marker(0, 'LAUNCH')
    .marker(2000, 'POLICY_REFUSED')
    .marker(4000, 'FORCE_STOP')
    .marker(5000, 'LAUNCH')
    .marker(8000, 'POLICY_ACCEPTED')
    .marker(10_000, 'BG')
    .marker(20_000, 'FG')
    .marker(30_000, 'SCREEN_OFF')
    .marker(50_000, 'WITHDRAW')
    .snapshot(90_000)
    .evidence();
  const p = derivePhases(ev.markers, ev.endT);

  it('tracks consent across relaunches: pre-consent → refused → consented → withdrawn', () => {
    expect(p.consent.map((c) => [c.state, c.from, c.to])).toEqual([
      ['pre-consent', 0, 2000],
      ['refused', 2000, 8000],
      ['consented', 8000, 50_000],
      ['withdrawn', 50_000, Infinity],
    ]);
    expect(p.stateAt(4500).state).toBe('refused');
    expect(p.stateAt(8000).state).toBe('consented');
    expect(p.stateAt(1e9).state).toBe('withdrawn');
  });

  it('applies the refusal (1 s) and withdrawal (5 s) graces and the ±500 ms ambiguity', () => {
    expect(p.stateAt(2500).graceUntil).toBe(3000);
    expect(p.stateAt(52_000).graceUntil).toBe(55_000);
    expect(p.ambiguous(7600)).toBe(true);
    expect(p.ambiguous(7400)).toBe(false);
    expect(p.clearlyBeforeConsent(7499)).toBe(true);
    expect(p.clearlyBeforeConsent(7500)).toBe(false);
  });

  it('derives background stretches (BG→FG, SCREEN_OFF→session end) with a 5 s grace', () => {
    expect(p.background.map((b) => [b.cause, b.from, b.effectiveFrom, b.to])).toEqual([
      ['BG', 10_000, 15_000, 20_000],
      ['SCREEN_OFF', 30_000, 35_000, 90_000],
    ]);
    expect(p.backgroundAt(12_000)).toBeUndefined();
    expect(p.backgroundAt(16_000)?.cause).toBe('BG');
  });

  it('takes its windows as params', () => {
    const q = derivePhases(ev.markers, ev.endT, {
      ambiguityMs: 0,
      refusalGraceMs: 0,
      withdrawGraceMs: 0,
      backgroundGraceMs: 0,
    });
    expect(q.ambiguous(7600)).toBe(false);
    expect(q.background[0]?.effectiveFrom).toBe(10_000);
  });

  it('ignores WITHDRAW without prior consent and repeated refusals', () => {
    const e = fixture()
      .marker(0, 'LAUNCH')
      .marker(1000, 'WITHDRAW')
      .marker(2000, 'POLICY_REFUSED')
      .marker(3000, 'POLICY_REFUSED')
      .evidence();
    expect(derivePhases(e.markers, e.endT).consent.map((c) => c.state)).toEqual(['pre-consent', 'refused']);
  });
});
