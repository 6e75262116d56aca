import { describe, expect, it } from 'vitest';
import { markers, names, run, scenario, store, useSim } from './helpers.ts';

/** first-launch-accept / -refuse / -idle through the farm's session path (see helpers.ts). */
useSim('journeys-consent');

describe('consent journeys on a sim', () => {
  it('first-launch-accept: POLICY_SHOWN, the dialog recorded, POLICY_ACCEPTED, the prompt left showing', async () => {
    const outcome = await run('accept', scenario('first-launch-accept', { observeSeconds: 1 }));
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const seq = names('accept');
    expect(seq.slice(0, 4)).toEqual(['LAUNCH', 'POLICY_SHOWN', 'TAP', 'POLICY_ACCEPTED']);
    // The app asks for contacts after consent; under `default` the prompt is marked and left up.
    const prompt = markers('accept').find((m) => m.name === 'PERM_PROMPT');
    expect(prompt?.arg).toBe('android.permission.READ_CONTACTS');
    expect(prompt?.detail?.group).toBe('android.permission-group.CONTACTS');
    const dialog = store.events('accept', { type: 'consent-dialog' })[0]?.data as {
      buttons: { text: string }[];
      checkboxes: { checked: boolean; text: string }[];
    };
    expect(dialog.buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['同意', '不同意']));
    expect(dialog.checkboxes[0]?.checked).toBe(true);
    // Steps: one event each, with file:line and result; ui snapshots before and after with blobs.
    const steps = store.events('accept', { type: 'step' }).map((e) => e.data as Record<string, unknown>);
    expect(steps.map((s) => [s.name, s.result])).toEqual([
      ['launchApp', 'ok'],
      ['consent', 'ok'],
      ['wait', 'ok'],
    ]);
    expect(steps[1]?.at).toMatch(/scenarios\/first-launch-accept\.yaml:\d+:\d+$/);
    const snaps = store.uiSnapshots('accept');
    expect(snaps.length).toBeGreaterThanOrEqual(6);
    expect(snaps.every((s) => s.source !== null && s.screenshot !== null)).toBe(true);
    const windows = store
      .events('accept', { type: 'window' })
      .map((e) => e.data as { kind: string; state: string });
    expect(windows.some((w) => w.kind === 'dialog' && w.state === 'shown')).toBe(true);
    const shown = store
      .events('accept', { type: 'window' })
      .map((e) => e.data as { state: string; density?: number })
      .filter((w) => w.state === 'shown');
    // wm density of the sim (dpi / 160): the close-target size check needs it.
    expect(shown.every((w) => typeof w.density === 'number' && w.density > 1)).toBe(true);
  }, 60_000);

  it('first-launch-refuse: POLICY_REFUSED, and the dialog again after relaunch', async () => {
    const outcome = await run(
      'refuse',
      scenario('first-launch-refuse', { observeSeconds: 1, dialogSeconds: 5 }),
    );
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const seq = names('refuse');
    expect(seq.filter((n) => n === 'POLICY_REFUSED')).toHaveLength(2);
    expect(seq).toContain('FORCE_STOP');
    expect(seq.filter((n) => n === 'LAUNCH')).toHaveLength(2);
    expect(seq).not.toContain('PERM_PROMPT');
  }, 60_000);

  it('first-launch-idle: the policy dialog is marked unaided within the observation', async () => {
    const outcome = await run('idle', scenario('first-launch-idle', { observeSeconds: 2 }));
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const m = markers('idle');
    expect(m.map((x) => x.name)).toEqual(['LAUNCH', 'POLICY_SHOWN']);
    expect((m[1]?.t ?? 0) - (m[0]?.t ?? 0)).toBeLessThan(10_000);
  }, 60_000);
});
