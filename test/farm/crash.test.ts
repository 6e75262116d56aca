import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { getGlobalProxy } from '../../src/device/ops/proxy.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import type { AppFaultData } from '../../src/evidence/types.ts';
import { runSession } from '../../src/farm/session.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { setSideModel } from '../../src/sim/model/install.ts';
import { createScenarioRunner } from '../../src/ui/runner.ts';

/**
 * A crashing app is a scenario result: the fixture "Crasher" dies of a NullPointerException when its
 * privacy policy is refused; the session records the crash with its stack and ends `error` with the
 * crash in its reason — a `done` outcome the scheduler never retries, not an infrastructure failure.
 */
const root = path.resolve(import.meta.dirname, '../..');
const CRASHER = path.join(root, 'test/fixtures/apks/build/crasher.apk');
const PKG = 'com.appwarden.fixture.crasher';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-crash-'));
let store: EvidenceStore;
let sim: Sim;
let device: Device;
let scenarioFile: string;

beforeAll(async () => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), ['crasher'], { stdio: 'pipe' });
  store = openStore({ dataDir });
  store.createRun({ id: 'run-crash' });
  sim = await startSim({ seed: 'crash-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
  scenarioFile = path.join(dataDir, 'refuse-then-use.yaml');
  fs.writeFileSync(
    scenarioFile,
    [
      'kind: scenario',
      'name: refuse-then-use',
      'steps:',
      '  - launchApp: { clearState: true }',
      '  - consent: { answer: refuse, timeout: 10 }',
      '  - tapOn: { id: welcome, timeout: 2 }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
  await store?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The Crasher fixture app through the farm's session path with `scenario` (no screenshots). */
function crasherSession(session: string, scenario: string) {
  return runSession({
    run: 'run-crash',
    session,
    target: { apks: [CRASHER], pkg: PKG },
    scenario: createScenarioRunner(scenario, {}, { snapshots: false }),
    deviceName: 'sim-a',
    deviceKind: 'sim',
    device,
    store,
    dataDir,
    signal: new AbortController().signal,
    foregroundPollMs: 100,
  });
}

describe('a session whose app crashes', () => {
  it('records the crash with its stack and ends as a scenario result', async () => {
    const outcome = await crasherSession('s-crash', scenarioFile);
    // A result about the app (kind done), never `infra` (which the scheduler would retry elsewhere).
    expect(outcome).toMatchObject({ kind: 'done', status: 'error', session: 's-crash' });

    const crashes = store.events('s-crash', { type: 'crash' });
    expect(crashes).toHaveLength(1);
    const crash = crashes[0];
    expect(crash?.source).toBe('device');
    const data = crash?.data as AppFaultData;
    expect(data).toMatchObject({ kind: 'crash', native: false, package: PKG });
    expect(data.summary).toMatch(/^java\.lang\.NullPointerException: Attempt to invoke virtual method/);
    expect(data.stack).toEqual([
      'at com.appwarden.fixture.crasher.ConsentActivity.onRefuse(ConsentActivity.java:57)',
      'at com.appwarden.fixture.crasher.ConsentActivity$1.onClick(ConsentActivity.java:31)',
      'at android.view.View.performClick(View.java:7448)',
    ]);
    expect(data.text).toContain('FATAL EXCEPTION: main');
    // The app's own log lines are kept beside it, filtered to its process.
    const logLines = store
      .events('s-crash', { type: 'logcat' })
      .map((e) => e.data as { pid: number; message: string });
    expect(logLines.map((l) => l.message)).toContain('consent refused, tearing down the session');
    expect(new Set(logLines.map((l) => l.pid))).toEqual(new Set([data.pid]));

    // The crash sits on the session timeline after the refusal that caused it.
    const refused = store
      .events('s-crash', { type: 'marker' })
      .find((e) => (e.data as { name: string }).name === 'POLICY_REFUSED');
    expect(refused).toBeDefined();
    expect(crash?.t).toBeGreaterThanOrEqual((refused?.t ?? Infinity) - 50);

    const s = store.getSession('s-crash');
    expect(s?.status).toBe('error');
    expect(s?.reason).toMatch(/tapOn.*\(the app crashed: java\.lang\.NullPointerException/);
    // The device was restored as after any session.
    expect(await getGlobalProxy(device)).toBeNull();
    expect(store.events('s-crash', { type: 'logcat-unavailable' })).toEqual([]);
  });

  it('records an ANR as an event while the journey itself passes', async () => {
    // The same APK with a model that hangs its main thread after showing its screen.
    setSideModel(
      sim.device,
      PKG,
      `app: ${PKG}\nscreens: {home: {elements: [{id: welcome, text: Welcome}]}}\non:\n  launch:\n    - show: home\n    - anr: {after: 300ms}\n`,
    );
    const idle = path.join(dataDir, 'launch-and-wait.yaml');
    fs.writeFileSync(idle, 'kind: scenario\nname: launch-and-wait\nsteps:\n  - launchApp\n  - wait: 1.5\n');
    const outcome = await crasherSession('s-anr', idle);
    expect(outcome).toEqual({ kind: 'done', status: 'passed', session: 's-anr' });
    const anrs = store.events('s-anr', { type: 'anr' });
    expect(anrs).toHaveLength(1);
    expect(anrs[0]?.data).toMatchObject({
      kind: 'anr',
      package: PKG,
      summary: expect.stringMatching(/^Input dispatching timed out/),
    });
    expect(store.events('s-anr', { type: 'crash' })).toEqual([]);
  });
});
