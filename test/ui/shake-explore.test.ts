import { describe, expect, it } from 'vitest';
import { markers, run, scenario, store, useSim } from './helpers.ts';

/** splash-shake and explore-basic. */
useSim('journeys-misc');

describe('shake and explore journeys on a sim', () => {
  it('splash-shake: three sub-threshold SHAKE profiles, none of them jumps', async () => {
    const outcome = await run('shake', scenario('splash-shake', { watchSeconds: 1 }));
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const shakes = markers('shake').filter((m) => m.name === 'SHAKE');
    expect(shakes.map((s) => s.detail?.accel)).toEqual([12, 9, 6]);
    // Each is marked when it began (as a tap is when it was issued); the rule reads it so.
    expect(shakes.every((s) => s.detail?.stamped === 'start')).toBe(true);
    const fg = store
      .events('shake', { type: 'foreground' })
      .map((e) => (e.data as { package: string }).package);
    expect(fg).not.toContain('com.android.settings');
  }, 60_000);

  it('explore-basic: taps within the app, never the pay button', async () => {
    const outcome = await run('explore', scenario('explore-basic', { maxSteps: 4, dialogSeconds: 5 }));
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const taps = markers('explore').filter((m) => m.name === 'TAP');
    expect(taps.some((t) => t.arg === '设置')).toBe(true);
    expect(taps.some((t) => String(t.arg).includes('支付'))).toBe(false);
    const avoided = store
      .events('explore', { type: 'explore-avoided' })
      .map((e) => e.data as { matched: string });
    expect(avoided.map((a) => a.matched)).toContain('支付');
  }, 60_000);
});
