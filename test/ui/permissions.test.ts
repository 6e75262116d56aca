import { describe, expect, it } from 'vitest';
import { markers, names, PKG, run, scenario, store, useSim } from './helpers.ts';

/** deny-all-permissions and grant-then-background: the permission watcher answers by policy. */
useSim('journeys-perm');

describe('permission journeys on a sim', () => {
  it('deny-all-permissions: every prompt denied by the watcher, re-prompts counted across relaunches', async () => {
    const outcome = await run(
      'deny',
      scenario('deny-all-permissions', { observeSeconds: 1, dialogSeconds: 5 }),
    );
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const seq = names('deny');
    expect(seq).toContain('POLICY_ACCEPTED');
    const prompts = seq.filter((n) => n === 'PERM_PROMPT').length;
    const denied = markers('deny').filter((m) => m.name === 'PERM_DENIED');
    expect(prompts).toBeGreaterThanOrEqual(2);
    expect(denied).toHaveLength(prompts);
    expect(
      denied.every((d) => d.arg === 'android.permission.READ_CONTACTS' && d.detail?.by === 'policy'),
    ).toBe(true);
  }, 90_000);

  it('grant-then-background: BG and FG around the dwell, prompts granted', async () => {
    const outcome = await run(
      'bg',
      scenario('grant-then-background', { foregroundSeconds: 1, backgroundSeconds: 1, dialogSeconds: 5 }),
    );
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const m = markers('bg');
    const bg = m.find((x) => x.name === 'BG');
    const fg = m.find((x) => x.name === 'FG');
    expect(bg && fg && fg.t - bg.t).toBeGreaterThanOrEqual(1000);
    expect(m.map((x) => x.name)).not.toContain('PERM_DENIED');
    // grantAll pre-granted every requested runtime permission, so the app never had to ask.
    expect(m.map((x) => x.name)).not.toContain('PERM_PROMPT');
    const fgEvents = store
      .events('bg', { type: 'foreground' })
      .map((e) => (e.data as { package: string }).package);
    expect(fgEvents.filter((p) => p === PKG).length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
