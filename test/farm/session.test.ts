import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { startApp } from '../../src/device/ops/activity.ts';
import { getGlobalProxy } from '../../src/device/ops/proxy.ts';
import { isInstalled } from '../../src/device/ops/packages.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import type { FarmDevice } from '../../src/farm/farm.ts';
import { planHooks } from '../../src/farm/hooks.ts';
import { runSession, type ScenarioRunner } from '../../src/farm/session.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const HELLO = path.join(root, 'test/fixtures/apks/build/hello.apk');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-session-'));
let store: EvidenceStore;
let sim: Sim;
let device: Device;

beforeAll(async () => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  store = openStore({ dataDir });
  store.createRun({ id: 'run-test-1' });
  sim = await startSim({ seed: 'session-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
  await store?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The smallest real journey: launch the app and mark it, as the journeys runner does. */
const launchOnly: ScenarioRunner = {
  name: 'launch-only',
  async run(ctx) {
    ctx.writer.appendEvent({
      session: ctx.session,
      t: ctx.clock.now(),
      source: 'journey',
      type: 'marker',
      data: { name: 'LAUNCH' },
    });
    await startApp(ctx.device, ctx.pkg);
    await new Promise((r) => setTimeout(r, 700));
    return { status: 'passed' };
  },
};

function plan(session: string, scenario: ScenarioRunner, signal = new AbortController().signal) {
  return {
    run: 'run-test-1',
    session,
    target: { apks: [HELLO], pkg: 'com.appwarden.fixture.hello', category: '实用工具' },
    scenario,
    deviceName: 'sim-a',
    deviceKind: 'sim' as const,
    device,
    store,
    dataDir,
    signal,
    foregroundPollMs: 100,
  };
}

describe('runSession on a sim', () => {
  it('prepares the device, records evidence, runs the journey and restores the device', async () => {
    const outcome = await runSession(plan('s-ok', launchOnly));
    expect(outcome).toEqual({ kind: 'done', status: 'passed', session: 's-ok' });

    const s = store.getSession('s-ok');
    expect(s?.status).toBe('passed');
    expect(s?.deviceKind).toBe('sim');
    expect(s?.capabilities).toContain('shake');

    const types = store.events('s-ok').map((e) => `${e.source}:${e.type}`);
    for (const t of [
      'device:installed',
      'device:identity',
      'device:proxy',
      'device:hooks-unavailable',
      'journey:marker',
    ]) {
      expect(types).toContain(t);
    }
    const fg = store
      .events('s-ok', { type: 'foreground' })
      .map((e) => (e.data as { package: string }).package);
    expect(fg).toContain('com.appwarden.fixture.hello');

    const identity = store.getSessionIdentity('s-ok');
    expect(identity?.androidId).toBe(sim.device.identity.androidId);
    expect(identity?.contacts.length).toBeGreaterThan(0);
    expect(identity?.clipboard[0]).toMatch(/^aw-clip-/);

    // Restored: no proxy left on the device, the app uninstalled.
    expect(await getGlobalProxy(device)).toBeNull();
    expect(await isInstalled(device, 'com.appwarden.fixture.hello')).toBe(false);
  });

  it('keeps the evidence and ends the session `error` when the journey fails', async () => {
    const failing: ScenarioRunner = {
      name: 'fails',
      async run(ctx) {
        ctx.writer.appendEvent({
          session: ctx.session,
          t: ctx.clock.now(),
          source: 'journey',
          type: 'marker',
          data: { name: 'LAUNCH' },
        });
        return { status: 'error', reason: "step 2 'tapOn' (x.yaml:5:3): no element with text 'Agree'" };
      },
    };
    const outcome = await runSession(plan('s-err', failing));
    expect(outcome).toMatchObject({ kind: 'done', status: 'error' });
    const s = store.getSession('s-err');
    expect(s?.status).toBe('error');
    expect(s?.reason).toMatch(/step 2 'tapOn'/);
    expect(store.events('s-err', { type: 'marker' })).toHaveLength(1);
    expect(await getGlobalProxy(device)).toBeNull();
  });

  it('ends `aborted` with the reason when the run is aborted mid-journey', async () => {
    const controller = new AbortController();
    const slow: ScenarioRunner = {
      name: 'slow',
      run: (ctx) =>
        new Promise((_, reject) => {
          setTimeout(() => controller.abort(new Error('second Ctrl-C')), 50);
          ctx.signal.addEventListener('abort', () => reject(new Error('journey stopped')));
        }),
    };
    const outcome = await runSession(plan('s-abort', slow, controller.signal));
    expect(outcome).toMatchObject({ kind: 'done', status: 'aborted' });
    expect(store.getSession('s-abort')?.reason).toMatch(/^second Ctrl-C/);
    expect(await getGlobalProxy(device)).toBeNull();
  });
});

describe('runSession with hooks on a sim', () => {
  it("records the collector app's pre-consent API calls with stacks and the SDK behind them", async () => {
    execFileSync(path.join(root, 'scripts/build-reference-apps.sh'), ['collector'], { stdio: 'pipe' });
    const farmDevice = { name: 'sim-a', sim, config: { kind: 'sim' } } as unknown as FarmDevice;
    const hooks = await planHooks(farmDevice);
    expect(hooks.unavailable).toBeNull();
    const outcome = await runSession({
      ...plan('s-hooks', launchOnly),
      target: {
        apks: [path.join(root, 'src/sim/apps/build/collector.apk')],
        pkg: 'com.appwarden.ref.collector',
      },
      hooks,
    });
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    expect(store.getSession('s-hooks')?.capabilities).toContain('hooks');
    expect(store.events('s-hooks', { type: 'hooks-unavailable' })).toEqual([]);
    const calls = store.apiCalls('s-hooks');
    const imei = calls.find((c) => c.data.api.endsWith('getImei'));
    expect(imei?.data.sdk).toMatch(/umeng/i);
    expect(imei?.data.stack.some((f) => f.includes('com.umeng.commonsdk.UMConfigure.init'))).toBe(true);
    expect(imei?.data.ret).toBe(sim.device.identity.imei[0]);
    expect(calls.map((c) => c.data.category)).toEqual(expect.arrayContaining(['installed-apps']));
  });
});
