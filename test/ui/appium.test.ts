import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, markers, root, run, store, useAppium, useSim } from './helpers.ts';

/**
 * The same journeys through WebdriverIO 9 and the real Appium 3 server (a child process with its own
 * APPIUM_HOME) running the AppwardenSim driver: the path real devices take with UiAutomator2.
 */
useSim('journeys-appium');

const appium = useAppium();
const viaAppium = appium.runner;

describe('journeys through the Appium server', () => {
  it('first-launch-accept: markers, the consent dialog and snapshots, then the Appium session is closed', async () => {
    const outcome = await run(
      'appium-accept',
      viaAppium(path.join(root, 'scenarios/first-launch-accept.yaml'), { observeSeconds: 1 }),
    );
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const seq = markers('appium-accept').map((m) => m.name);
    expect(seq.slice(0, 4)).toEqual(['LAUNCH', 'POLICY_SHOWN', 'TAP', 'POLICY_ACCEPTED']);
    expect(seq).toContain('PERM_PROMPT');
    expect(store.events('appium-accept', { type: 'consent-dialog' })).toHaveLength(1);
    const snaps = store.uiSnapshots('appium-accept');
    expect(snaps.length).toBeGreaterThanOrEqual(6);
    expect(snaps.every((s) => s.screenshot !== null)).toBe(true);
    const res = await fetch(`${appium.server().url}/appium/sessions`);
    const body = (await res.json()) as { value: unknown[] };
    expect(body.value).toEqual([]);
  }, 90_000);

  it('a failing step names its position; shake goes through the sim driver', async () => {
    const file = path.join(dataDir, 'appium-mid.yaml');
    fs.writeFileSync(
      file,
      [
        'kind: scenario',
        'name: appium-mid',
        'steps:',
        '  - launchApp',
        '  - shake: {acceleration: 12, duration: 0.5}',
        '  - assertVisible: {text: 没有, timeout: 1}',
        '',
      ].join('\n'),
    );
    const outcome = await run('appium-fail', viaAppium(file));
    expect(outcome).toMatchObject({ kind: 'done', status: 'error' });
    expect(store.getSession('appium-fail')?.reason).toMatch(
      /^step 3 'assertVisible' \(.*appium-mid\.yaml:6:5\)/,
    );
    expect(markers('appium-fail').map((m) => m.name)).toEqual(expect.arrayContaining(['LAUNCH', 'SHAKE']));
  }, 90_000);
});
