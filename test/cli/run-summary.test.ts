import { describe, expect, it } from 'vitest';
import { verdict } from '../../src/cli/commands/run.ts';

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
});
