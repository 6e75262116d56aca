import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import type { MarkerData, StoredEvent } from '../../src/evidence/types.ts';
import { runSession, type ScenarioRunner, type SessionPlan } from '../../src/farm/session.ts';
import { setSideModel, startSim, type Sim } from '../../src/sim/index.ts';
import { startAppiumServer, type AppiumServer } from '../../src/ui/appium-server.ts';
import { createScenarioRunner } from '../../src/ui/runner.ts';
import { ensureApks } from '../sim/helpers.ts';

/**
 * Every standard scenario on a sim, through the farm's real session path (install, proxy, identity,
 * foreground probe) with the journeys runner driving the sim's UI over ADB. The app is the model
 * fixture APK with a side model per test: a CN privacy dialog (pre-ticked box), permission requests
 * after consent, a shake-to-jump splash.
 */

export const root = path.resolve(import.meta.dirname, '../..');
export const PKG = 'com.appwarden.fixture.model';
export const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-journeys-'));
export let store: EvidenceStore;
let sim: Sim;
let device: Device;
let apk: string;

export const APP = `
app: ${PKG}
label: 示例
screens:
  home:
    title: 首页
    elements:
      - {id: hello, text: 你好}
      - {id: settings, text: 设置, onTap: [{show: settings}]}
      - {id: pay, text: 立即支付, onTap: [{start: com.android.settings}]}
  settings:
    elements: [{id: about, text: 关于, onTap: [{show: home}]}]
  basic:
    elements: [{id: basic, text: 仅浏览模式}]
dialogs:
  policy:
    title: 隐私政策
    cancelable: false
    elements:
      - {id: body, text: 请阅读并同意《隐私政策》和《用户协议》}
      - {id: tick, text: '', checkable: true, checked: true, clickable: true}
      - id: agree
        text: 同意
        onTap:
          - set: {consented: true}
          - close: policy
          - requestPermissions: [android.permission.READ_CONTACTS]
      - id: refuse
        text: 不同意
        onTap: [{close: policy}, {show: basic}]
on:
  launch:
    - show: home
    - if: {key: consented, then: [{requestPermissions: [android.permission.READ_CONTACTS]}], else: [{dialog: policy}]}
  shake: {threshold: 14, do: [{start: com.android.settings}]}
`;

/** The sim's device model, for tests that make the system do something on its own. */
export function simDevice(): Sim['device'] {
  return sim.device;
}

/** The running sim (for a hooks plan). */
export function simHandle(): Sim {
  return sim;
}

/** Starts a sim with the app's model and a store; call once per test file. */
export function useSim(seed: string): void {
  beforeAll(async () => {
    apk = ensureApks().model;
    store = openStore({ dataDir });
    store.createRun({ id: 'run-journeys' });
    sim = await startSim({ seed });
    setSideModel(sim.device, PKG, APP);
    device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
  }, 120_000);

  afterAll(async () => {
    await device?.close();
    await sim?.stop();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
}

/**
 * Starts the real Appium server (a child with the test home, the sim driver only) for this test file:
 * `runner` makes scenario runners that go through it, `server` is the server once started.
 */
export function useAppium(): {
  runner: (file: string, params?: Record<string, string | number | boolean>) => ScenarioRunner;
  server: () => AppiumServer;
} {
  let server: AppiumServer;
  beforeAll(async () => {
    server = await startAppiumServer({
      home: path.join(os.tmpdir(), 'appwarden-test-appium-home'),
      drivers: ['appwarden-sim'],
      allowInsecure: ['*:adb_shell', '*:session_discovery'],
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);
  return {
    runner: (file, params = {}) =>
      createScenarioRunner(file, params, { appium: { hostname: server.hostname, port: server.port } }),
    server: () => server,
  };
}

export function run(
  session: string,
  scenario: ScenarioRunner,
  signal = new AbortController().signal,
  extra: Partial<SessionPlan> = {},
) {
  return runSession({
    run: 'run-journeys',
    session,
    target: { apks: [apk], pkg: PKG },
    scenario,
    deviceName: 'sim-j',
    deviceKind: 'sim',
    device,
    store,
    dataDir,
    signal,
    foregroundPollMs: 200,
    ...extra,
  });
}

export const scenario = (name: string, params: Record<string, string | number | boolean> = {}) =>
  createScenarioRunner(path.join(root, 'scenarios', `${name}.yaml`), params);

export function markers(
  session: string,
): { name: string; arg?: string; detail?: Record<string, unknown>; t: number }[] {
  return store
    .events(session, { type: 'marker' })
    .map((e: StoredEvent) => ({ ...(e.data as MarkerData), t: e.t }));
}
export const names = (session: string) => markers(session).map((m) => m.name);
