import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/evidence/store.ts';
import { clockFromOffset } from '../../src/hooks/clock.ts';
import { buildAgentParams, watchListFromIdentity } from '../../src/hooks/params.ts';
import { createHookRecorder } from '../../src/hooks/recorder.ts';
import { registerFramework, startSimAgent, StandInBridge } from '../../src/sim/bridge/index.ts';
import { APP, APP_FRAMES, identity, ManualScheduler, UMENG_FRAMES } from '../agent/fixtures.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('hooks probe on a sim: real hook core → decoder → evidence store', () => {
  it('stores the collector app’s calls with categories, stacks, SDK attribution and coalesced timings', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-hooks-'));
    dirs.push(dir);
    const store = openStore({ dataDir: dir });
    store.createRun({ id: 'run-1' });
    store.createSession({
      id: 'sess-1',
      run: 'run-1',
      target: APP,
      scenario: 'first-launch-refuse',
      device: 'sim-1',
      deviceKind: 'sim',
      capabilities: ['frida'],
    });

    let t = 0;
    const recorder = createHookRecorder({
      writer: store.writer,
      session: 'sess-1',
      clock: clockFromOffset(0), // in the sim the agent runs on the session clock
      appPackage: APP,
      foregroundAt: () => true,
      now: () => t,
    });
    const bridge = new StandInBridge();
    const id = identity();
    registerFramework(bridge, () => id, { appPackage: APP });
    const scheduler = new ManualScheduler();
    const agent = startSimAgent({
      bridge,
      params: buildAgentParams({ appPackage: APP, watch: watchListFromIdentity(id) }),
      now: () => t,
      onMessage: (m) => recorder.onMessage(m),
      scheduler,
    });

    // Application.onCreate: Umeng reads the IMEI every 100 ms five times, the app itself reads location
    for (let i = 0; i < 5; i++) {
      t = 800 + i * 100;
      bridge.invoke('android.telephony.TelephonyManager', 'getImei', [], UMENG_FRAMES);
    }
    t = 1500;
    bridge.invoke('android.location.LocationManager', 'getLastKnownLocation', ['network'], APP_FRAMES);
    agent.stop();
    recorder.onMessage({ type: 'send', payload: { type: 'api', v: 1 } }); // a broken message is recorded, not fatal

    const calls = store.apiCalls('sess-1');
    expect(calls.map((c) => [c.t, c.data.api.split('.').pop(), c.data.sdk, c.data.count ?? 1])).toEqual([
      [800, 'getImei', 'umeng', 1],
      [900, 'getImei', 'umeng', 4],
      [1500, 'getLastKnownLocation', null, 1],
    ]);
    expect(calls[1]?.data.times).toEqual([900, 1000, 1100, 1200]);
    expect(calls[0]?.data).toMatchObject({
      category: 'device-id',
      data: ['imei'],
      ret: '867530912345671',
      fg: true,
    });
    expect(calls[0]?.data.stack[1]).toBe(UMENG_FRAMES[0]);
    expect(store.apiCalls('sess-1', { category: 'location' })[0]?.data.ret).toEqual({
      lat: 31.2304,
      lon: 121.4737,
    });

    const status = store.events('sess-1', { type: 'hook-status' });
    expect(status).toHaveLength(1);
    expect((status[0]?.data as { installed: number }).installed).toBeGreaterThan(30);
    const errors = store.events('sess-1', { type: 'hook-error' });
    expect(errors).toHaveLength(1);
    expect((errors[0]?.data as { message: string }).message).toMatch(
      /^Failed to decode agent message: api: /,
    );
    expect(recorder.counts).toMatchObject({ api: 3, coalesced: 4, errors: 1 });
    await store.close();
  });
});
