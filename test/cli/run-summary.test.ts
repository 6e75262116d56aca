import { describe, expect, it } from 'vitest';
import { renderRunSummary, verdict } from '../../src/cli/commands/run.ts';
import type { SessionAnalysis } from '../../src/analysis/engine.ts';

const session = (...f: [status: string, severity: string][]) => ({
  findings: f.map(([status, severity]) => ({ status, severity })),
});

describe('run summary verdict', () => {
  it('counts violations by severity and the sessions they are in, never "passed" when there are findings', () => {
    const text = verdict({
      failOn: 'H',
      analyses: [
        session(['violation', 'H'], ['violation', 'M'], ['passed', 'H']),
        session(['not-evaluated', 'C'], ['violation', 'H']),
        session(['passed', 'L']),
      ],
    });
    expect(text).toBe('3 violation(s) (2 H, 1 M) in 2 session(s), failing at H or above');
  });

  it('says so when nothing was found, whatever was not evaluated', () => {
    expect(verdict({ failOn: 'H', analyses: [session(['not-evaluated', 'H'], ['passed', 'M'])] })).toBe(
      'no violations',
    );
  });

  it('lists sessions by app and scenario, with their ids, rules and the report path', () => {
    const analysis = (session: string, rules: string[]) =>
      ({
        session,
        sessionStatus: rules.length ? 'findings' : 'passed',
        violations: rules.length,
        findings: rules.map((rule) => ({ rule, status: 'violation', severity: 'H' })),
      }) as unknown as SessionAnalysis;
    const text = renderRunSummary({
      run: 'run-1',
      status: 'passed',
      failOn: 'H',
      reportFile: '/r/run-1.html',
      junitFile: null,
      analyses: [analysis('s-b', ['PERM-001']), analysis('s-a', []), analysis('s-c', ['PI-BG-001'])],
      sessions: {
        's-a': { target: 'com.x.notes', scenario: 'first-launch-refuse', device: 'sim-1' },
        's-b': { target: 'com.x.torch', scenario: 'deny-all-permissions', device: 'sim-2' },
        's-c': { target: 'com.x.notes', scenario: 'grant-then-background', device: 'sim-1' },
      },
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'run run-1: 2 violation(s) (2 H) in 2 session(s), failing at H or above; infrastructure passed (3 session(s))',
    );
    const order = ['s-a', 's-c', 's-b'].map((id) => lines.findIndex((l) => l.includes(id)));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > (order[k - 1] as number)))).toBe(true);
    expect(lines.find((l) => l.includes('com.x.torch'))).toMatch(
      /deny-all-permissions.*findings.*PERM-001 \(H\)/,
    );
    expect(lines.at(-2)).toBe('report: /r/run-1.html');
  });
});
