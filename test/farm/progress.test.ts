import { describe, expect, it } from 'vitest';
import { plainProgress } from '../../src/farm/progress.ts';

describe('plain progress (CI logs)', () => {
  it('prints one readable line per run event', async () => {
    const lines: string[] = [];
    const p = plainProgress((l) => lines.push(l));
    p.event({ type: 'run-start', run: 'run-1', jobs: 3, resumed: false, devices: ['sim-1', 'sim-2'] });
    p.event({ type: 'job-start', job: 't1-s1-d1', device: 'sim-1', attempt: 1 });
    p.event({ type: 'job-status', job: 't1-s1-d1', device: 'sim-1', text: 'installing' });
    p.event({
      type: 'job-end',
      job: 't1-s1-d1',
      device: 'sim-1',
      ms: 1200,
      outcome: { kind: 'infra', error: new Error('Device 127.0.0.1:5 was lost: reset') },
    });
    p.event({
      type: 'job-retry',
      job: 't1-s1-d1',
      after: 'sim-1',
      reason: 'Device 127.0.0.1:5 was lost: reset',
    });
    p.event({ type: 'job-start', job: 't1-s1-d1', device: 'sim-2', attempt: 2 });
    p.event({
      type: 'job-end',
      job: 't1-s1-d1',
      device: 'sim-2',
      ms: 3400,
      outcome: { kind: 'done', status: 'passed' },
    });
    p.event({ type: 'device-quarantined', device: 'sim-1', reason: '1 consecutive infrastructure failures' });
    p.event({ type: 'device-reboot', device: 'sim-2', ms: 4200 });
    p.event({ type: 'device-reboot', device: 'sim-2', ms: 300_000, error: 'no boot_completed within 300 s' });
    await p.close();
    const text = lines.map((l) => l.replace(/^\[\s*[\d.]+s\] /, '')).join('\n');
    expect(text).toBe(
      [
        'run run-1: 3 job(s) on 2 device(s)',
        'sim-1 t1-s1-d1: start',
        'sim-1 t1-s1-d1: installing',
        'sim-1 t1-s1-d1: infrastructure failure: Device 127.0.0.1:5 was lost: reset after 1.2s',
        't1-s1-d1: retrying on another device after sim-1 failed: Device 127.0.0.1:5 was lost: reset',
        'sim-2 t1-s1-d1: start (attempt 2)',
        'sim-2 t1-s1-d1: passed after 3.4s',
        'sim-1: quarantined for the rest of the run: 1 consecutive infrastructure failures',
        'sim-2: rebooted (rebootEvery) in 4.2s',
        'sim-2: reboot (rebootEvery) failed after 300.0s: no boot_completed within 300 s',
      ].join('\n'),
    );
  });
});
