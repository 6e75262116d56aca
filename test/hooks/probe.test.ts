import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { buildAgentParams } from '../../src/hooks/params.ts';
import { startHooksProbe } from '../../src/hooks/probe.ts';
import { registerFramework, simAgentRuntime, StandInBridge } from '../../src/sim/bridge/index.ts';
import { APP, identity, UMENG_FRAMES } from '../agent/fixtures.ts';

const stores: { dir: string; store: EvidenceStore }[] = [];
afterAll(async () => {
  for (const s of stores) {
    await s.store.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

function session(kind: 'sim' | 'adb'): EvidenceStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-probe-'));
  const store = openStore({ dataDir: dir });
  stores.push({ dir, store });
  store.createRun({ id: 'run-1' });
  store.createSession({
    id: 's1',
    run: 'run-1',
    target: APP,
    scenario: 'demo',
    device: 'd1',
    deviceKind: kind,
    capabilities: [],
  });
  return store;
}

describe('hooks probe', () => {
  it('on a real-device kind without the frida binding, records hooks as unavailable and carries on', async () => {
    const store = session('adb');
    const probe = await startHooksProbe({
      runtime: { kind: 'frida', serial: 'R58M12ABCDE', mode: 'spawn' },
      writer: store.writer,
      session: 's1',
      params: buildAgentParams({ appPackage: APP }),
      sessionNow: () => 5,
      foregroundAt: () => true,
    });
    expect(probe.available).toBe(false);
    expect(probe.reason).toMatch(/^unavailable: install frida/);
    await probe.stop();
    const status = store.events('s1', { type: 'hook-status' });
    expect(status.map((e) => [e.t, e.source, (e.data as { available: boolean }).available])).toEqual([
      [5, 'hook', false],
    ]);
  });

  it('on a sim, runs the real hook core in process and stops cleanly (hooks reverted)', async () => {
    const store = session('sim');
    const bridge = new StandInBridge();
    const id = identity();
    registerFramework(bridge, () => id, { appPackage: APP });
    let t = 0;
    const probe = await startHooksProbe({
      runtime: simAgentRuntime(bridge, () => t),
      writer: store.writer,
      session: 's1',
      params: buildAgentParams({ appPackage: APP }),
      sessionNow: () => t,
      foregroundAt: () => true,
    });
    expect(probe.available).toBe(true);
    t = 800;
    bridge.invoke('android.telephony.TelephonyManager', 'getImei', [], UMENG_FRAMES);
    await probe.stop();
    t = 900;
    bridge.invoke('android.telephony.TelephonyManager', 'getImei', [], UMENG_FRAMES); // after stop: not recorded
    expect(store.apiCalls('s1').map((c) => [c.t, c.data.sdk])).toEqual([[800, 'umeng']]);
    expect((store.events('s1', { type: 'hook-status' })[0]?.data as { available: boolean }).available).toBe(
      true,
    );
  });
});
