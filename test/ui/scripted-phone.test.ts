import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/config/scenario.ts';
import { openStore } from '../../src/evidence/store.ts';
import type { MarkerData } from '../../src/evidence/types.ts';
import { ResourceScope } from '../../src/farm/resources.ts';
import { startClock, type ScenarioContext } from '../../src/farm/session.ts';
import { Journey } from '../../src/ui/journey.ts';
import { EXECUTORS } from '../../src/ui/steps/index.ts';
import { cameraPrompt, fakeDevice, screen, ScriptedPhone } from './fake-phone.ts';

/**
 * Journeys against a scripted phone (what cannot run here: timing and prompt sequences on demand).
 * Consent and permission markers carry the time the tap was issued: the app reacts while a slow tap
 * (Appium → ADB on a loaded host) is still in flight, so stamping on return would put the app's reads
 * right after an accept before the accept.
 */
const PKG = 'com.example.app';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-marker-timing-'));
const store = openStore({ dataDir });
store.createRun({ id: 'r' });

afterAll(async () => {
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function journey(session: string, screens: string[], tapMs: number, extra: object = {}) {
  store.createSession({
    id: session,
    run: 'r',
    target: PKG,
    scenario: 'timing',
    device: 'fake',
    deviceKind: 'adb',
    capabilities: [],
    startedAt: Date.now(),
    meta: {},
  });
  const clock = startClock();
  const phone = new ScriptedPhone(screens, clock.now, tapMs, PKG);
  const ctx: ScenarioContext = {
    session,
    device: fakeDevice({
      'dumpsys package': `Packages:\n  Package [${PKG}] (1):\n    userId=10123\n    requested permissions:\n      android.permission.CAMERA\n`,
    }),
    deviceKind: 'adb',
    pkg: PKG,
    writer: store.writer,
    clock,
    signal: new AbortController().signal,
    scope: new ResourceScope(session),
    status: () => undefined,
    ...extra,
  };
  const j = new Journey(ctx, phone, { name: 'timing', steps: [] } as unknown as Scenario);
  const step = (name: string, options: unknown) =>
    EXECUTORS.get(name as never)!.run(j, options as never, { runSteps: async () => undefined });
  const markers = async () => {
    await store.writer.flush();
    return store.events(session, { type: 'marker' }).map((e) => ({ ...(e.data as MarkerData), t: e.t }));
  };
  return { j, phone, step, markers };
}

const policy = screen(
  [
    { pkg: PKG, text: '请阅读并同意《隐私政策》', b: '[90,700][990,1100]' },
    { pkg: PKG, text: '不同意', click: true, b: '[90,1200][500,1330]' },
    { pkg: PKG, text: '同意', click: true, b: '[580,1200][990,1330]' },
  ],
  '[60,600][1020,1400]',
);
const home = screen([{ pkg: PKG, text: '首页', b: '[0,0][1080,200]' }]);

describe('PERM_PROMPT requestedBy from the hooks', () => {
  it("is 'app' when the hooks fed the journey the app's requestPermissions just before", async () => {
    const feed = {
      installed: () => true,
      since: (t: number) => [{ t: Math.max(t, 0), permissions: ['android.permission.CAMERA'] }],
    };
    const { step, markers } = journey('perm-hooks', [cameraPrompt, home], 0, { permissionRequests: feed });
    await step('permission', { answer: 'allow', timeout: 2, optional: false });
    const prompt = (await markers()).find((x) => x.name === 'PERM_PROMPT');
    expect(prompt?.detail).toMatchObject({ requestedBy: 'app', requestedVia: 'hooks' });
  });

  it("is 'os' when the hooks were attached and saw no request (and logcat shows none from the app)", async () => {
    const { step, markers } = journey('perm-quiet', [cameraPrompt, home], 0, {
      permissionRequests: { installed: () => true, since: () => [] },
    });
    await step('permission', { answer: 'allow', timeout: 2, optional: false });
    const prompt = (await markers()).find((x) => x.name === 'PERM_PROMPT');
    expect(prompt?.detail).toMatchObject({ requestedBy: 'os', requestedVia: 'hooks+logcat' });
  });
});

describe('PERM_PROMPT requestedBy from the manifest', () => {
  it("is 'os' for a group the app does not declare (Android would deny it without a prompt)", async () => {
    const { step, markers } = journey('perm-undeclared', [contactsPrompt, home], 0);
    await step('permission', { answer: 'deny', timeout: 2, optional: false });
    const prompt = (await markers()).find((x) => x.name === 'PERM_PROMPT');
    expect(prompt?.detail).toMatchObject({ requestedBy: 'os', requestedVia: 'manifest', permissions: [] });
  });

  it('says nothing when the hooks are attached but their requestPermissions hook is not installed', async () => {
    const { step, markers } = journey('perm-nohook', [cameraPrompt, home], 0, {
      permissionRequests: { installed: () => false, since: () => [] },
    });
    await step('permission', { answer: 'allow', timeout: 2, optional: false });
    const prompt = (await markers()).find((x) => x.name === 'PERM_PROMPT');
    expect(prompt?.detail).not.toHaveProperty('requestedBy');
  });
});

describe('markers are stamped when the tap is issued', () => {
  it('POLICY_ACCEPTED and its TAP carry the issue time of a 1.5 s tap, not its completion', async () => {
    const { phone, step, markers } = journey('consent-slow', [policy, home], 1500);
    await step('consent', { answer: 'accept', timeout: 2, optional: false });
    const tap = phone.taps[0]!;
    expect(tap.doneAt - tap.issuedAt).toBeGreaterThanOrEqual(1400);
    const m = await markers();
    const accepted = m.find((x) => x.name === 'POLICY_ACCEPTED')!;
    const tapMarker = m.find((x) => x.name === 'TAP')!;
    for (const x of [accepted, tapMarker]) {
      expect(x.t).toBeGreaterThanOrEqual(tap.issuedAt - 1);
      expect(x.t).toBeLessThan(tap.issuedAt + 100);
    }
    expect(accepted.arg).toBe('同意');
  }, 15_000);

  it('PERM_DENIED carries the issue time of a 1.5 s tap on the prompt', async () => {
    const { phone, step, markers } = journey('perm-slow', [cameraPrompt, home], 1500);
    await step('permission', { answer: 'deny', timeout: 2, optional: false });
    const tap = phone.taps[0]!;
    expect(tap.doneAt - tap.issuedAt).toBeGreaterThanOrEqual(1400);
    const m = await markers();
    const prompt = m.find((x) => x.name === 'PERM_PROMPT')!;
    const denied = m.find((x) => x.name === 'PERM_DENIED')!;
    expect(denied).toMatchObject({
      arg: 'android.permission.CAMERA',
      detail: { answer: 'deny', by: 'step' },
    });
    expect(denied.t).toBeGreaterThanOrEqual(tap.issuedAt - 1);
    expect(denied.t).toBeLessThan(tap.issuedAt + 100);
    expect(prompt.t).toBeLessThanOrEqual(denied.t);
  }, 15_000);
});

const PC = 'com.android.permissioncontroller';
const contactsPrompt = screen(
  [
    {
      pkg: PC,
      id: `${PC}:id/permission_message`,
      text: 'Allow 示例 to access your contacts?',
      b: '[88,1500][992,1700]',
    },
    { pkg: PC, id: `${PC}:id/permission_allow_button`, text: 'Allow', click: true, b: '[88,1720][992,1850]' },
    { pkg: PC, id: `${PC}:id/permission_deny_button`, text: 'Deny', click: true, b: '[88,1870][992,2000]' },
  ],
  '[48,1440][1032,2060]',
);
const menu = screen([
  { pkg: PKG, text: '首页', b: '[0,0][1080,200]' },
  { pkg: PKG, text: '设置', click: true, b: '[0,300][1080,400]' },
]);

describe('explore answers prompts by the scenario policy', () => {
  it('grants prompts one behind the other under launchApp grantAll (never denies them)', async () => {
    const { j, step, markers } = journey('explore-grant', [cameraPrompt, contactsPrompt, menu], 0);
    j.policy = 'grantAll';
    await step('explore', { maxSteps: 1, seed: 0, avoid: [] });
    const m = await markers();
    const answers = m.filter((x) => x.name === 'PERM_GRANTED' || x.name === 'PERM_DENIED');
    expect(answers.map((x) => [x.name, x.detail?.by])).toEqual([
      ['PERM_GRANTED', 'policy'],
      ['PERM_GRANTED', 'policy'],
    ]);
    expect(m.filter((x) => x.name === 'TAP').at(-1)?.arg).toBe('设置');
  });

  it('an explicit explore policy rules both prompts, and the launch policy comes back after', async () => {
    const { j, step, markers } = journey('explore-explicit', [cameraPrompt, contactsPrompt, menu], 0);
    j.policy = 'grantAll';
    await step('explore', { maxSteps: 1, seed: 0, avoid: [], permissions: 'denyAll' });
    const m = await markers();
    const answers = m.filter((x) => x.name === 'PERM_GRANTED' || x.name === 'PERM_DENIED');
    expect(answers.map((x) => [x.name, x.detail?.by])).toEqual([
      ['PERM_DENIED', 'policy'],
      ['PERM_DENIED', 'policy'],
    ]);
    expect(j.policy).toBe('grantAll');
  });

  it('denies under the default policy, as a cautious user', async () => {
    const { step, markers } = journey('explore-default', [cameraPrompt, menu], 0);
    await step('explore', { maxSteps: 1, seed: 0, avoid: [] });
    const m = await markers();
    expect(m.filter((x) => x.name === 'PERM_DENIED').map((x) => x.detail?.by)).toEqual(['step']);
  });
});
