import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { Device } from '../../src/device/device.ts';
import { pidof, startApp } from '../../src/device/ops/activity.ts';
import { installApks } from '../../src/device/ops/packages.ts';
import { getGlobalProxy, setGlobalProxy } from '../../src/device/ops/proxy.ts';
import { rebootAndWait } from '../../src/device/ops/reboot.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { DeviceLost } from '../../src/errors.ts';
import type { Farm } from '../../src/farm/farm.ts';
import { executeRun, type RunEvent } from '../../src/farm/run.ts';
import { runSchedule, StopSignal, type SchedulerEvent } from '../../src/farm/scheduler.ts';
import { DevicePool } from '../../src/farm/pool.ts';
import type { ScenarioRunner } from '../../src/farm/session.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-reboot-'));
const HELLO = path.join(root, 'test/fixtures/apks/build/hello.apk');
const PKG = 'com.appwarden.fixture.hello';
let store: EvidenceStore;
const sims: Sim[] = [];

beforeAll(() => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  store = openStore({ dataDir: path.join(dir, 'data') });
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function devicesFile(n: number, farm: string) {
  const devices = Array.from(
    { length: n },
    (_, i) => `  - { name: sim-${i + 1}, kind: sim, seed: ${300 + i} }`,
  ).join('\n');
  return parseConfigText(`farm: ${farm}\ndevices:\n${devices}\n`, 'devices.yaml', 'devices');
}

function suite(scenarios: number) {
  const list = Array.from({ length: scenarios }, (_, i) => `  - s${i + 1}.yaml`).join('\n');
  const text = `name: t\ntargets:\n  - apk: ${JSON.stringify(HELLO)}\n    category: 实用工具\nscenarios:\n${list}\n`;
  return {
    file: path.join(dir, 'suite.yaml'),
    value: parseConfigText(text, path.join(dir, 'suite.yaml'), 'suite'),
  };
}

/** Launches the app and holds the device for `holdMs(serial)`. */
function journey(holdMs: (serial: string) => number): () => ScenarioRunner {
  return () => ({
    name: 'hold',
    async run(ctx) {
      await startApp(ctx.device, ctx.pkg);
      await new Promise((r) => setTimeout(r, holdMs(ctx.device.serial)));
      return { status: 'passed' };
    },
  });
}

describe('sim reboot', () => {
  it('drops connections, resets running apps and the clipboard, keeps settings and /data', async () => {
    const sim = await startSim({ seed: 'reboot-1' });
    sims.push(sim);
    const address = { via: 'daemon' as const, host: '127.0.0.1', port: sim.port };
    const device = await Device.connect('sim', address);
    await installApks(device, [HELLO]);
    await startApp(device, PKG);
    await setGlobalProxy(device, { host: '127.0.0.1', port: 8123 }, false);
    await device.push(Buffer.from('kept'), '/data/local/tmp/marker');
    sim.device.clipboard.push('token-1');
    expect(await pidof(device, PKG)).toHaveLength(1);

    const result = await rebootAndWait('sim', address, { timeoutMs: 10_000, pollMs: 50 });
    expect(sim.power.reboots).toBe(1);
    expect(result.totalMs).toBeGreaterThanOrEqual(sim.power.downMs);
    // The old connection went down with the device.
    expect(device.lost).toBe(true);
    await expect(device.shell(['echo'])).rejects.toBeInstanceOf(DeviceLost);

    const again = await Device.connect('sim', address);
    try {
      expect((await again.run(['getprop', 'sys.boot_completed'])).trim()).toBe('1');
      expect(await pidof(again, PKG)).toEqual([]);
      expect(await getGlobalProxy(again)).toBe('127.0.0.1:8123');
      expect((await again.pull('/data/local/tmp/marker')).toString()).toBe('kept');
      expect((await again.run(['pm', 'list', 'packages', PKG])).trim()).toBe(`package:${PKG}`);
      expect(sim.device.clipboard).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('a device that stays down is reported lost after the timeout', async () => {
    const sim = await startSim({ seed: 'reboot-2' });
    sims.push(sim);
    sim.power.stayDown = true;
    const address = { via: 'daemon' as const, host: '127.0.0.1', port: sim.port };
    const t0 = Date.now();
    await expect(rebootAndWait('sim', address, { timeoutMs: 1_200, pollMs: 50 })).rejects.toThrow(
      /was lost: it did not come back .*after a reboot/,
    );
    expect(Date.now() - t0).toBeLessThan(4_000);
  });
});

describe('rebootEvery in a run', () => {
  it('reboots a sim after every 2 jobs: 5 jobs → 2 reboots, all jobs done', async () => {
    let farm: Farm | undefined;
    const events: SchedulerEvent[] = [];
    const result = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devicesFile(1, '{ rebootEvery: 2, rebootTimeout: 20 }'),
      suite: suite(5),
      scenarioRunner: journey(() => 20),
      stop: new StopSignal(),
      onFarm: (f) => (farm = f),
      onEvent: (e) => {
        if (e.type === 'device-reboot' || e.type === 'job-start') events.push(e);
      },
    });
    expect(result.records.map((r) => r.reason ?? r.final)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(result.status).toBe('passed');
    expect(result.records.map((r) => r.final)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(farm?.get('sim-1').sim?.power.reboots).toBe(2);
    // Between jobs: start, start, reboot, start, start, reboot, start.
    expect(events.map((e) => e.type)).toEqual([
      'job-start',
      'job-start',
      'device-reboot',
      'job-start',
      'job-start',
      'device-reboot',
      'job-start',
    ]);
    expect(events.filter((e) => e.type === 'device-reboot' && e.error)).toEqual([]);
    expect(store.listSessions({ run: result.run }).every((s) => s.status === 'passed')).toBe(true);
  });

  it('quarantines a sim that does not come back and runs its next job elsewhere', async () => {
    let farm: Farm | undefined;
    const events: RunEvent[] = [];
    const result = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devicesFile(2, '{ rebootEvery: 1, rebootTimeout: 1 }'),
      suite: suite(3),
      // sim-1 frees up first, so the third job goes to it — and it has to reboot first.
      scenarioRunner: journey((serial) => (serial.endsWith(`:${farm?.get('sim-1').sim?.port}`) ? 20 : 1_500)),
      stop: new StopSignal(),
      onFarm: (f) => {
        farm = f;
        (f.get('sim-1').sim as Sim).power.stayDown = true;
      },
      onEvent: (e) => events.push(e),
    });
    const quarantined = events.filter((e) => e.type === 'device-quarantined');
    expect(quarantined).toEqual([
      {
        type: 'device-quarantined',
        device: 'sim-1',
        reason: expect.stringMatching(/did not come back from a reboot/),
      },
    ]);
    expect(result.records.every((r) => r.final === 'done')).toBe(true);
    const ran = result.records.flatMap((r) => r.attempts.map((a) => a.device)).sort();
    expect(ran).toEqual(['sim-1', 'sim-2', 'sim-2']);
    expect(result.status).toBe('passed');
  });
});

describe('reboots in the scheduler', () => {
  it('a hard stop ends the wait for a rebooting device: its next job stays not-started, the device is not quarantined', async () => {
    const pool = new DevicePool([{ id: 'd1', kind: 'sim', tags: [] }], { quarantineAfter: 1 });
    const stop = new StopSignal();
    const ran: string[] = [];
    const t0 = Date.now();
    const records = await runSchedule(
      ['j1', 'j2'].map((id) => ({ id, selector: {}, payload: null })),
      pool,
      async (job) => {
        ran.push(job.id);
        return { kind: 'done', status: 'passed' };
      },
      {
        retries: 1,
        jobTimeoutMs: 5_000,
        stop,
        reboot: {
          every: 1,
          // A device that takes its time: only the stop ends the wait.
          run: (_d, signal) =>
            new Promise<void>((_, reject) => {
              setTimeout(() => stop.abort('aborted by SIGINT'), 50);
              signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
            }),
        },
      },
    );
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(ran).toEqual(['j1']);
    expect(records.map((r) => r.final)).toEqual(['done', 'not-started']);
    expect(pool.quarantined()).toEqual([]);
  });
});
