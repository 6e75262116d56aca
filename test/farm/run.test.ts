import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { startApp } from '../../src/device/ops/activity.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import type { Farm } from '../../src/farm/farm.ts';
import { executeRun, unfinishedJobs } from '../../src/farm/run.ts';
import { StopSignal, type SchedulerEvent } from '../../src/farm/scheduler.ts';
import type { ScenarioRunner } from '../../src/farm/session.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-run-'));
const HELLO = path.join(root, 'test/fixtures/apks/build/hello.apk');
let store: EvidenceStore;

beforeAll(() => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  store = openStore({ dataDir: path.join(dir, 'data') });
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function devicesFile(n: number, quarantineAfter = 2) {
  const devices = Array.from(
    { length: n },
    (_, i) => `  - { name: sim-${i + 1}, kind: sim, seed: ${100 + i} }`,
  ).join('\n');
  return parseConfigText(
    `farm: { retries: 2, quarantineAfter: ${quarantineAfter} }\ndevices:\n${devices}\n`,
    'devices.yaml',
    'devices',
  );
}

function suite(scenarios: number) {
  const list = Array.from({ length: scenarios }, (_, i) => `  - s${i + 1}.yaml`).join('\n');
  const text = `name: t\ntargets:\n  - apk: ${JSON.stringify(HELLO)}\n    category: 实用工具\nscenarios:\n${list}\n`;
  return {
    file: path.join(dir, 'suite.yaml'),
    value: parseConfigText(text, path.join(dir, 'suite.yaml'), 'suite'),
  };
}

/** A real journey: launch the app, mark it, hold the device a while. */
function journey(
  holdMs: number,
  onRun?: (ctx: Parameters<ScenarioRunner['run']>[0]) => Promise<void>,
): () => ScenarioRunner {
  return () => ({
    name: 'hold',
    async run(ctx) {
      ctx.writer.appendEvent({
        session: ctx.session,
        t: ctx.clock.now(),
        source: 'journey',
        type: 'marker',
        data: { name: 'LAUNCH' },
      });
      await startApp(ctx.device, ctx.pkg);
      await onRun?.(ctx);
      await new Promise((r) => setTimeout(r, holdMs));
      return { status: 'passed' };
    },
  });
}

describe('executeRun on simulated devices', () => {
  it('runs jobs in parallel on 4 sims and records one session per job', async () => {
    const starts: SchedulerEvent[] = [];
    const result = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devicesFile(4),
      suite: suite(8),
      scenarioRunner: journey(600),
      stop: new StopSignal(),
      onEvent: (e) => {
        if (e.type === 'job-start') starts.push(e);
      },
    });
    expect(result.status).toBe('passed');
    expect(result.records.every((r) => r.final === 'done')).toBe(true);
    const used = new Set(starts.map((e) => (e as { device: string }).device));
    expect(used.size).toBe(4);
    const sessions = store.listSessions({ run: result.run });
    expect(sessions).toHaveLength(8);
    expect(sessions.every((s) => s.status === 'passed')).toBe(true);
  });

  it('retries a job elsewhere when its sim drops mid-job, keeps the partial evidence, quarantines the sim', async () => {
    let farm: Farm | undefined;
    const dropped: string[] = [];
    const result = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devicesFile(2, 1),
      suite: suite(3),
      scenarioRunner: journey(100, async (ctx) => {
        const name = farm?.devices.find((d) => d.sim && ctx.device.serial.endsWith(`:${d.sim.port}`))?.name;
        if (name === 'sim-1') {
          dropped.push(ctx.session);
          await farm?.get('sim-1').sim?.stop();
          await ctx.device.shell(['echo', 'still there?']);
        }
      }),
      stop: new StopSignal(),
      onFarm: (f) => {
        farm = f;
      },
    });
    expect(dropped).toHaveLength(1);
    const lost = store.getSession(dropped[0] as string);
    expect(lost?.status).toBe('error');
    expect(lost?.reason).toMatch(/was lost/);
    expect(store.events(dropped[0] as string, { type: 'marker' })).toHaveLength(1);
    // Every job still ended with a result, on sim-2.
    expect(result.records.every((r) => r.final === 'done')).toBe(true);
    expect(
      result.records.flatMap((r) => r.attempts.filter((a) => a.outcome.kind === 'done').map((a) => a.device)),
    ).toEqual(['sim-2', 'sim-2', 'sim-2']);
  });

  it('stops on request, leaving the rest for --resume, which runs only the unfinished jobs', async () => {
    const stop = new StopSignal();
    const first = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devicesFile(1),
      suite: suite(4),
      scenarioRunner: journey(50, async () => stop.graceful()),
      stop,
    });
    expect(first.status).toBe('incomplete');
    expect(first.records.filter((r) => r.final === 'done')).toHaveLength(1);
    expect(unfinishedJobs(store, first.run).map((j) => j.id)).toEqual(['t1-s2-d1', 't1-s3-d1', 't1-s4-d1']);

    const resumed = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devicesFile(2),
      resume: first.run,
      scenarioRunner: journey(50),
      stop: new StopSignal(),
    });
    expect(resumed.run).toBe(first.run);
    expect(resumed.records.map((r) => r.job.id).sort()).toEqual(['t1-s2-d1', 't1-s3-d1', 't1-s4-d1']);
    expect(unfinishedJobs(store, first.run)).toEqual([]);
    expect(store.listSessions({ run: first.run })).toHaveLength(4);
  });
});
