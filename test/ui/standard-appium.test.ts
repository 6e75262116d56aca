import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markers as markersOf, root, run, store, useAppium, useSim } from './helpers.ts';

/**
 * Every standard scenario of scenarios/ against the reference apps (src/sim/apps, prebuilt APKs),
 * through the farm's session path, WebdriverIO 9 and the real Appium 3 server with the AppwardenSim
 * driver — the path a lab's real devices take with UiAutomator2. Observation times are shortened.
 */
useSim('standard-appium');
const appium = useAppium();

type Marker = ReturnType<typeof markersOf>[number];

/** Runs scenario `name` on reference app `app`; returns the session's markers in order. */
async function journey(
  app: string,
  name: string,
  params: Record<string, string | number | boolean>,
): Promise<{ markers: Marker[]; session: string }> {
  const session = `${app}-${name}`;
  const outcome = await run(
    session,
    appium.runner(path.join(root, 'scenarios', `${name}.yaml`), params),
    new AbortController().signal,
    {
      target: {
        apks: [path.join(root, 'src/sim/apps/build', `${app}.apk`)],
        pkg: `com.appwarden.ref.${app}`,
      },
    },
  );
  expect(outcome, `${session}: ${JSON.stringify(outcome)}`).toMatchObject({ kind: 'done', status: 'passed' });
  // Every step left a ui event with the screen after it.
  expect(store.uiSnapshots(session).length).toBeGreaterThan(0);
  return { markers: markersOf(session), session };
}

const seq = (m: Marker[]) => m.map((x) => x.name);
const count = (m: Marker[], name: string) => m.filter((x) => x.name === name).length;

describe('standard scenarios through the Appium server on the reference apps', () => {
  it('first-launch-idle: the policy dialog is seen unaided and never answered', async () => {
    const { markers } = await journey('collector', 'first-launch-idle', { observeSeconds: 2 });
    expect(seq(markers)[0]).toBe('LAUNCH');
    expect(seq(markers)).toContain('POLICY_SHOWN');
    expect(seq(markers)).not.toContain('POLICY_ACCEPTED');
    expect(seq(markers)).not.toContain('POLICY_REFUSED');
  }, 90_000);

  it('first-launch-refuse: refused, and the policy shown again after the relaunch', async () => {
    const { markers } = await journey('compliant', 'first-launch-refuse', {
      dialogSeconds: 5,
      observeSeconds: 1,
    });
    const s = seq(markers);
    const refused = s.indexOf('POLICY_REFUSED');
    expect(refused).toBeGreaterThan(s.indexOf('POLICY_SHOWN'));
    expect(s.indexOf('POLICY_SHOWN')).toBeGreaterThan(s.indexOf('LAUNCH'));
    // The relaunch after the refusal: a second LAUNCH, and the dialog again.
    expect(s.slice(refused).filter((n) => n === 'LAUNCH' || n === 'POLICY_SHOWN')).toEqual(
      expect.arrayContaining(['LAUNCH', 'POLICY_SHOWN']),
    );
    expect(s).not.toContain('POLICY_ACCEPTED');
  }, 90_000);

  it('first-launch-accept: accepted, then observed', async () => {
    const { markers, session } = await journey('compliant', 'first-launch-accept', {
      dialogSeconds: 5,
      observeSeconds: 1,
    });
    const s = seq(markers);
    expect(s.indexOf('POLICY_ACCEPTED')).toBeGreaterThan(s.indexOf('POLICY_SHOWN'));
    // The dialog's buttons are recorded for the nudging rules: a clear accept and a clear refuse.
    const dialogs = store.events(session, { type: 'consent-dialog' });
    expect(dialogs).toHaveLength(1);
    expect(JSON.stringify(dialogs[0]?.data)).toMatch(/不同意/);
  }, 90_000);

  it('deny-all-permissions: every prompt denied, the app relaunched and prompting again', async () => {
    const { markers } = await journey('permpest', 'deny-all-permissions', {
      dialogSeconds: 3,
      observeSeconds: 3,
    });
    expect(seq(markers)).not.toContain('PERM_GRANTED');
    expect(count(markers, 'LAUNCH')).toBeGreaterThanOrEqual(3);
    // Each prompt is answered by the deny policy — unless the scenario's relaunch closed the app first.
    markers.forEach((m, i) => {
      if (m.name !== 'PERM_PROMPT') return;
      const next = markers.slice(i + 1).find((x) => /^PERM_(DENIED|GRANTED)$|^FORCE_STOP$/.test(x.name));
      expect(next?.name, `${m.arg} at ${m.t}`).toMatch(/^(PERM_DENIED|FORCE_STOP)$/);
      if (next?.name === 'PERM_DENIED') expect(next.arg).toBe(m.arg);
    });
    // The bundled request comes back on the next launch: the camera is asked for at least twice.
    expect(
      markers.filter((m) => m.name === 'PERM_PROMPT' && /CAMERA/.test(m.arg ?? '')).length,
    ).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('grant-then-background: accepted, permissions granted, a BG … FG dwell', async () => {
    const { markers } = await journey('bgcollector', 'grant-then-background', {
      dialogSeconds: 5,
      foregroundSeconds: 1,
      backgroundSeconds: 2,
    });
    const s = seq(markers);
    expect(s).toContain('POLICY_ACCEPTED');
    expect(s).not.toContain('PERM_DENIED');
    const bg = markers.find((m) => m.name === 'BG');
    const fg = markers.find((m) => m.name === 'FG' && m.t > (bg?.t ?? Infinity));
    expect(fg && bg && fg.t - bg.t).toBeGreaterThanOrEqual(2000);
  }, 90_000);

  it('splash-shake: three shake profiles played on the splash screen, each marked', async () => {
    const { markers } = await journey('splash', 'splash-shake', { watchSeconds: 1 });
    const shakes = markers.filter((m) => m.name === 'SHAKE');
    expect(shakes).toHaveLength(3);
    expect(shakes.map((m) => m.detail?.acceleration ?? m.arg)).toEqual(
      expect.arrayContaining([expect.anything(), expect.anything(), expect.anything()]),
    );
    expect(count(markers, 'LAUNCH')).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('explore-basic: taps inside the app after consent, never a pay-like text', async () => {
    const { markers } = await journey('compliant', 'explore-basic', { dialogSeconds: 5, maxSteps: 6 });
    expect(seq(markers)).toContain('POLICY_ACCEPTED');
    const taps = markers.filter((m) => m.name === 'TAP');
    expect(taps.length).toBeGreaterThanOrEqual(2);
    for (const t of taps) expect(JSON.stringify(t)).not.toMatch(/支付|卸载|删除|pay|delete|uninstall/i);
  }, 120_000);
});
