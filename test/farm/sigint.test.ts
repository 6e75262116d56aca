import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { getGlobalProxy } from '../../src/device/ops/proxy.ts';
import { openStore } from '../../src/evidence/store.ts';
import { unfinishedJobs } from '../../src/farm/run.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

/**
 * Ctrl-C on the real CLI process: the sims run in this test's process and are listed as `kind: adb`
 * devices behind a private adb server, so they outlive the CLI and their settings can be read afterwards.
 */
const root = path.resolve(import.meta.dirname, '../..');
const HELLO = path.join(root, 'test/fixtures/apks/build/hello.apk');
const ADB_PORT = 17000 + (process.pid % 2000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-sigint-'));
const dataDir = path.join(dir, 'data');
const sims: Sim[] = [];
const children = new Set<ChildProcess>();

const adb = (...args: string[]) =>
  execa('adb', ['-P', String(ADB_PORT), ...args], { timeout: 15_000, reject: false, encoding: 'utf8' });

beforeAll(async () => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  for (let i = 0; i < 2; i++) sims.push(await startSim({ seed: `sigint-${i}` }));
  for (const s of sims) expect((await adb('connect', s.serial)).stdout).toContain(`connected to ${s.serial}`);
  fs.writeFileSync(
    path.join(dir, 'hold.yaml'),
    'kind: scenario\nname: hold\nsteps:\n  - launchApp: { clearState: true }\n  - wait: 3\n',
  );
  fs.writeFileSync(
    path.join(dir, 'suite.yaml'),
    [
      'kind: suite',
      'name: sigint',
      'targets:',
      `  - apk: ${JSON.stringify(HELLO)}`,
      '    category: utilities',
      'scenarios:',
      ...Array.from({ length: 4 }, () => '  - file: hold.yaml'),
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'devices.yaml'),
    [
      'farm: { retries: 1 }',
      'devices:',
      ...sims.map((s, i) => `  - { name: phone-${i + 1}, kind: adb, serial: "${s.serial}" }`),
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await adb('kill-server');
  await Promise.all(sims.map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a user starts it: `node src/cli/bin.js …`, stderr collected, exit code awaited. */
function cli(args: string[]) {
  const child = spawn(process.execPath, [path.join(root, 'src/cli/bin.js'), ...args], {
    cwd: dir,
    env: { ...process.env, ANDROID_ADB_SERVER_PORT: String(ADB_PORT), APPWARDEN_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : -1));
    }),
  );
  const waitFor = async (re: RegExp, ms: number): Promise<void> => {
    const t0 = Date.now();
    while (!re.test(err)) {
      if (Date.now() - t0 > ms || child.exitCode !== null)
        throw new Error(`no ${re} on stderr within ${ms} ms; stderr:\n${err}\nstdout:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** The exit code; fails fast when the CLI printed its result (`report: …`) but its process lingers. */
  const exited = async (ms: number): Promise<number> => {
    const t0 = Date.now();
    let reportedAt: number | null = null;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) return exit;
      if (reportedAt === null && /^report: /m.test(out)) reportedAt = Date.now();
      if (reportedAt !== null && Date.now() - reportedAt > 10_000)
        throw new Error(
          `the CLI printed its result but did not exit within 10 s (a handle keeps it alive)\n${out}`,
        );
      if (Date.now() - t0 > ms) throw new Error(`the CLI did not exit within ${ms} ms; stderr:\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, exit, exited, waitFor, output: () => ({ out, err }) };
}

async function proxyOf(sim: Sim): Promise<string | null> {
  // A new connection of our own, as an engineer would check the phone after the run.
  const device = await Device.connect('adb', { via: 'daemon', host: '127.0.0.1', port: sim.port });
  try {
    return await getGlobalProxy(device);
  } finally {
    await device.close();
  }
}

describe('Ctrl-C on `appwarden run`, then --resume', () => {
  it('exits 130 with devices restored and sessions marked, and --resume runs only the rest', async () => {
    const suiteArgs = ['run', '--suite', 'suite.yaml', '--devices', 'devices.yaml', '--no-appium'];
    const first = cli(suiteArgs);
    // Both phones are in their journeys: their proxies point at the capture proxy now.
    await first.waitFor(
      /phone-1 \S+: journey hold[\s\S]*phone-2 \S+: journey hold|phone-2 \S+: journey hold[\s\S]*phone-1 \S+: journey hold/,
      40_000,
    );
    expect(await proxyOf(sims[0] as Sim)).toMatch(/^127\.0\.0\.1:\d+$/);
    first.child.kill('SIGINT');
    await first.waitFor(/no new jobs/, 5_000);
    first.child.kill('SIGINT');
    const code = await first.exited(30_000);
    const { out, err } = first.output();
    expect(code, `stderr:\n${err}`).toBe(130);
    expect(err).toMatch(/aborting running sessions/);
    const run = /run (run[-_]\S+?):/.exec(out + err)?.[1];
    expect(run, out).toBeDefined();

    for (const s of sims) expect(await proxyOf(s)).toBeNull();
    const store = openStore({ dataDir });
    try {
      const sessions = store.listSessions({ run: run as string });
      expect(sessions.map((s) => s.status).sort()).toEqual(['aborted', 'aborted']);
      for (const s of sessions) expect(s.reason).toMatch(/aborted by SIGINT/);
      expect(unfinishedJobs(store, run as string)).toHaveLength(4);
    } finally {
      await store.close();
    }

    const second = cli(['run', '--resume', run as string, '--devices', 'devices.yaml', '--no-appium']);
    const resumed = await second.exited(60_000);
    expect([0, 1], second.output().err).toContain(resumed);
    const after = openStore({ dataDir });
    try {
      expect(unfinishedJobs(after, run as string)).toEqual([]);
      const sessions = after.listSessions({ run: run as string });
      expect(sessions).toHaveLength(6);
      expect(sessions.filter((s) => s.status === 'passed')).toHaveLength(4);
      expect(after.getRun(run as string)?.status).toBe('passed');
    } finally {
      await after.close();
    }
    for (const s of sims) expect(await proxyOf(s)).toBeNull();
  }, 120_000);
});
