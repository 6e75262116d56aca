import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { startApp } from '../../src/device/ops/activity.ts';
import { findEmulatorBinary } from '../../src/device/ops/emulator.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { Farm } from '../../src/farm/farm.ts';
import { ResourceScope } from '../../src/farm/resources.ts';
import { executeRun } from '../../src/farm/run.ts';
import { StopSignal } from '../../src/farm/scheduler.ts';
import type { ScenarioRunner } from '../../src/farm/session.ts';
import { startEmulatorStandIn } from '../../src/sim/emulator.ts';

/**
 * No Android emulator runs here (no KVM): `$ANDROID_HOME/emulator/emulator` is a script that starts
 * appwarden's stand-in (src/sim/emulator.ts) — a sim whose adbd listens on P+1, a console on P, and the
 * `host:emulator:P+1` announcement to the real adb server (private port), which then lists `emulator-P`.
 */
const root = path.resolve(import.meta.dirname, '../..');
const HELLO = path.join(root, 'test/fixtures/apks/build/hello.apk');
const ADB_PORT = 19000 + (process.pid % 2000);
const CONSOLE = 5600 + 2 * (process.pid % 40);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-emulator-'));
const sdk = path.join(dir, 'sdk');
const saved = { ANDROID_HOME: process.env.ANDROID_HOME, port: process.env.ANDROID_ADB_SERVER_PORT };
let store: EvidenceStore;

const adb = (...args: string[]) =>
  execa('adb', ['-P', String(ADB_PORT), ...args], { timeout: 15_000, reject: false, encoding: 'utf8' });

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe' });
  fs.mkdirSync(path.join(sdk, 'emulator'), { recursive: true });
  fs.writeFileSync(
    path.join(sdk, 'emulator', 'emulator'),
    `#!/bin/sh\nexec "${process.execPath}" "${root}/node_modules/tsx/dist/cli.mjs" "${root}/src/sim/emulator-cli.ts" "$@"\n`,
    { mode: 0o755 },
  );
  process.env.ANDROID_HOME = sdk;
  process.env.ANDROID_ADB_SERVER_PORT = String(ADB_PORT);
  await adb('start-server');
  store = openStore({ dataDir: path.join(dir, 'data') });
}, 60_000);

afterAll(async () => {
  await store.close();
  await adb('kill-server');
  if (saved.ANDROID_HOME === undefined) delete process.env.ANDROID_HOME;
  else process.env.ANDROID_HOME = saved.ANDROID_HOME;
  if (saved.port === undefined) delete process.env.ANDROID_ADB_SERVER_PORT;
  else process.env.ANDROID_ADB_SERVER_PORT = saved.port;
  fs.rmSync(dir, { recursive: true, force: true });
});

function devices(avd: string) {
  return parseConfigText(
    `devices:\n  - { name: emu-1, kind: emulator, avd: ${avd}, consolePort: ${CONSOLE}, bootTimeout: 60 }\n`,
    'devices.yaml',
    'devices',
  );
}

function suite(n: number) {
  const list = Array.from({ length: n }, (_, i) => `  - s${i + 1}.yaml`).join('\n');
  const text = `name: t\ntargets:\n  - apk: ${JSON.stringify(HELLO)}\n    category: utilities\nscenarios:\n${list}\n`;
  return {
    file: path.join(dir, 'suite.yaml'),
    value: parseConfigText(text, path.join(dir, 'suite.yaml'), 'suite'),
  };
}

const launch = (): ScenarioRunner => ({
  name: 'launch',
  async run(ctx) {
    await startApp(ctx.device, ctx.pkg);
    return { status: 'passed' };
  },
});

describe('emulator binary lookup', () => {
  it('prefers $ANDROID_HOME/emulator, then $ANDROID_SDK_ROOT, then PATH', () => {
    const onPath = path.join(dir, 'bin');
    fs.mkdirSync(onPath, { recursive: true });
    fs.writeFileSync(path.join(onPath, 'emulator'), '#!/bin/sh\n', { mode: 0o755 });
    const home = path.join(sdk, 'emulator', 'emulator');
    expect(findEmulatorBinary({ ANDROID_HOME: sdk, PATH: onPath })).toBe(home);
    expect(findEmulatorBinary({ ANDROID_SDK_ROOT: sdk, PATH: onPath })).toBe(home);
    expect(findEmulatorBinary({ ANDROID_HOME: path.join(dir, 'nowhere'), PATH: onPath })).toBe(
      path.join(onPath, 'emulator'),
    );
    expect(findEmulatorBinary({ PATH: path.join(dir, 'nowhere') })).toBeNull();
  });
});

describe('emulators on demand', () => {
  it('leaves an AVD that is not running alone when nothing needs it', async () => {
    const scope = new ResourceScope('test');
    try {
      const farm = await Farm.open(devices('aw_idle'), scope);
      expect(farm.usable()).toEqual([]);
      expect(farm.get('emu-1').unavailable).toMatch(
        /AVD 'aw_idle' is not running \('appwarden run' boots it/,
      );
      expect(await listening(CONSOLE)).toBe(false);
    } finally {
      await scope.releaseAll();
    }
  });

  it('boots the AVD for a run, runs jobs on emulator-P, and shuts it down at the end', async () => {
    // No adb server yet: appwarden starts it before the emulator, which announces itself to it.
    await adb('kill-server');
    let booted: string | undefined;
    let listedDuringRun = '';
    const result = await executeRun({
      store,
      dataDir: path.join(dir, 'data'),
      devices: devices('aw_test'),
      suite: suite(2),
      scenarioRunner: () => launch(),
      stop: new StopSignal(),
      onFarm: (f) => {
        booted = f.get('emu-1').booted;
      },
      onEvent: (e) => {
        if (e.type === 'job-start' && !listedDuringRun)
          void adb('devices').then((r) => (listedDuringRun = r.stdout));
      },
    });
    expect(booted).toBe(`emulator-${CONSOLE}`);
    expect(listedDuringRun).toMatch(new RegExp(`emulator-${CONSOLE}\\s+device`));
    expect(result.records.map((r) => r.final)).toEqual(['done', 'done']);
    const sessions = store.listSessions({ run: result.run });
    expect(sessions.map((s) => [s.deviceKind, s.status])).toEqual([
      ['emulator', 'passed'],
      ['emulator', 'passed'],
    ]);
    // Shut down: the console port is closed and the adb server no longer lists it.
    expect(await listening(CONSOLE)).toBe(false);
    await expect
      .poll(async () => (await adb('devices')).stdout, { timeout: 5_000 })
      .not.toContain(`emulator-${CONSOLE}`);
  }, 60_000);

  it('uses an emulator that is already running and leaves it running', async () => {
    const emu = await startEmulatorStandIn({
      avd: 'aw_running',
      port: CONSOLE,
      bootMs: 0,
      adbServer: { host: '127.0.0.1', port: ADB_PORT },
    });
    try {
      await expect.poll(async () => (await adb('devices')).stdout, { timeout: 5_000 }).toMatch(/device/);
      let booted: string | undefined = 'unset';
      const result = await executeRun({
        store,
        dataDir: path.join(dir, 'data'),
        devices: devices('aw_running'),
        suite: suite(1),
        scenarioRunner: () => launch(),
        stop: new StopSignal(),
        onFarm: (f) => {
          booted = f.get('emu-1').booted;
        },
      });
      expect(booted).toBeUndefined();
      expect(result.records.map((r) => r.final)).toEqual(['done']);
      expect(await listening(CONSOLE)).toBe(true);
    } finally {
      await emu.stop();
    }
  }, 60_000);
});
