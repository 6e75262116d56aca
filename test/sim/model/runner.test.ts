import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimDevice } from '../../../src/sim/device/device.ts';
import { installModelRuntime, onAppProcess, setSideModel } from '../../../src/sim/model/install.ts';
import type { ModelRuntime } from '../../../src/sim/model/runner.ts';
import { sh, tapOn, until } from '../in-process.ts';
import { PERMISSION_IDS } from '../../../src/sim/ui/permission-dialog.ts';
import type { JavaMethod, JavaMethodDispatcher } from '../../../src/agent/core/bridge.ts';
import type { StandInBridge } from '../../../src/sim/bridge/index.ts';
import { ensureApks } from '../helpers.ts';

/** The first overload of a simulated method, where a hook sets `implementation` (as Frida scripts do). */
function overload(bridge: StandInBridge, cls: string, method: string): JavaMethod {
  return (bridge.use(cls)[method] as JavaMethodDispatcher).overloads[0] as JavaMethod;
}

const PKG = 'com.appwarden.fixture.model';

let apk: Buffer;
beforeAll(() => {
  apk = fs.readFileSync(ensureApks().model);
});

function device(seed: string, model: string): { d: SimDevice; runtimes: ModelRuntime[] } {
  const d = new SimDevice(seed);
  installModelRuntime(d);
  d.install(apk);
  setSideModel(d, PKG, model);
  const runtimes: ModelRuntime[] = [];
  onAppProcess(d, ({ runtime }) => runtimes.push(runtime));
  return { d, runtimes };
}

const CONSENT_MODEL = `
app: ${PKG}
label: 示例
screens:
  home:
    title: 首页 Home
    elements:
      - {id: hello, text: '你好 \${deviceName}'}
      - id: contacts
        text: 导入通讯录
        onTap:
          - requestPermissions:
              permissions: [android.permission.READ_CONTACTS]
              onGranted: [{show: imported}]
              onDenied: [{log: 'contacts denied'}]
  imported:
    elements: [{id: done, text: 已导入}]
dialogs:
  policy:
    title: 隐私政策
    cancelable: false
    elements:
      - {id: body, text: 请阅读并同意《隐私政策》}
      - id: agree
        text: 同意
        onTap:
          - set: {consented: true}
          - close: policy
          - call: {api: android.telephony.TelephonyManager.getImei, from: [com.umeng.commonsdk.UMConfigure.init], as: imei}
          - log: 'imei \${imei}'
      - id: refuse
        text: 不同意
        onTap: [{exit: true}]
on:
  launch:
    - show: home
    - if: {key: consented, else: [{dialog: policy}]}
`;

describe('model runner through the device', () => {
  it('shows the consent dialog, runs tap handlers, and hooks see the SDK caller frames', async () => {
    const { d, runtimes } = device('runner-consent', CONSENT_MODEL);
    const stacks: string[][] = [];
    onAppProcess(d, ({ runtime }) => {
      const m = overload(runtime.bridge, 'android.telephony.TelephonyManager', 'getImei');
      m.implementation = function (this: unknown, ...args: unknown[]) {
        const t = runtime.bridge.use('java.lang.Throwable').$new() as {
          getStackTrace(): { getClassName(): string; getMethodName(): string }[];
        };
        stacks.push(t.getStackTrace().map((f) => `${f.getClassName()}.${f.getMethodName()}`));
        return m.call(this, ...args);
      };
    });
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    await until(() => d.ui.windows()[0]?.kind === 'dialog', 'policy dialog');
    expect(d.ui.pageSource()).toContain('text="请阅读并同意《隐私政策》"');
    // Not cancelable: BACK leaves it up.
    await sh(d, 'input keyevent KEYCODE_BACK');
    expect(d.ui.windows()[0]?.kind).toBe('dialog');
    await tapOn(d, 'agree');
    await until(() => stacks.length === 1, 'getImei call');
    expect(stacks[0]).toEqual([
      'android.telephony.TelephonyManager.getImei',
      'com.umeng.commonsdk.UMConfigure.init',
    ]);
    expect(d.ui.windows()[0]?.kind).toBe('activity');
    expect(d.ui.find((n) => n.resourceId === `${PKG}:id/hello`)?.text).toBe(`你好 ${d.identity.deviceName}`);
    expect(await sh(d, 'logcat -d')).toContain(`imei ${d.identity.imei[0]}`);
    // Consent is remembered across a restart (shared_prefs), forgotten by pm clear.
    await sh(d, `am force-stop ${PKG}`);
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    await until(() => runtimes.length === 2, 'second process');
    expect(d.ui.windows()[0]?.kind).toBe('activity');
    await sh(d, `pm clear ${PKG}`);
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    await until(() => d.ui.windows()[0]?.kind === 'dialog', 'policy dialog after pm clear');
    await tapOn(d, 'refuse');
    await until(() => d.foreground().pkg !== PKG, 'exit');
    expect(d.pidOf(PKG)).toBeUndefined();
  });

  it('asks through the system permission dialog, answers by tapping, auto-denies after two refusals', async () => {
    const { d } = device(
      'runner-perm',
      CONSENT_MODEL.replace('if: {key: consented, else: [{dialog: policy}]}', 'log: no policy'),
    );
    await sh(d, `monkey -p ${PKG} 1`);
    await until(() => d.ui.find((n) => n.text === '导入通讯录') !== undefined, 'home');
    await tapOn(d, 'contacts');
    await until(() => d.ui.windows()[0]?.kind === 'system', 'permission dialog');
    const src = d.ui.pageSource();
    expect(src).toContain(`resource-id="${PERMISSION_IDS.message}"`);
    expect(src).toContain('text="要允许“示例”访问您的通讯录吗？"');
    expect(src).toContain(`resource-id="${PERMISSION_IDS.deny}"`);
    expect(src).not.toContain(PERMISSION_IDS.denyDontAsk);
    await tapOn(d, PERMISSION_IDS.deny);
    await until(() => d.ui.windows()[0]?.kind === 'activity', 'dialog gone');
    expect(await sh(d, 'logcat -d')).toContain('contacts denied');
    // Second time: "deny & don't ask again" is offered; deny again.
    await tapOn(d, 'contacts');
    await until(() => d.ui.windows()[0]?.kind === 'system', 'second prompt');
    expect(d.ui.pageSource()).toContain(PERMISSION_IDS.denyDontAsk);
    await tapOn(d, PERMISSION_IDS.deny);
    await until(() => d.ui.windows()[0]?.kind === 'activity', 'second dialog gone');
    // Third time: no dialog, denied at once.
    await tapOn(d, 'contacts');
    await new Promise((r) => setTimeout(r, 50));
    expect(d.ui.windows()[0]?.kind).toBe('activity');
    expect((await sh(d, 'logcat -d')).match(/contacts denied/g)).toHaveLength(3);
    expect(d.ui.permissions.refusalsOf(PKG, 'android.permission-group.CONTACTS')).toBe(2);
    await sh(d, `pm clear ${PKG}`);
    expect(d.ui.permissions.refusalsOf(PKG, 'android.permission-group.CONTACTS')).toBe(0);
  });

  it('grants through the dialog and feeds pm grant results to onPermissionResult', async () => {
    const model = `${CONSENT_MODEL.replace('if: {key: consented, else: [{dialog: policy}]}', 'log: no policy')}
  permissionResult:
    granted: [{log: 'granted \${permission}'}]
`;
    const { d } = device('runner-grant', model.replace('on:\n  launch:', 'on:\n  launch:'));
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    await until(() => d.ui.find((n) => n.text === '导入通讯录') !== undefined, 'home');
    await tapOn(d, 'contacts');
    await until(() => d.ui.windows()[0]?.kind === 'system', 'permission dialog');
    await tapOn(d, '允许');
    await until(() => d.ui.find((n) => n.text === '已导入') !== undefined, 'granted screen');
    expect(await sh(d, `dumpsys package ${PKG}`)).toMatch(/android\.permission\.READ_CONTACTS: granted=true/);
    await sh(d, `pm grant ${PKG} android.permission.READ_PHONE_STATE`);
    const log = await sh(d, 'logcat -d');
    expect(log).toContain('granted android.permission.READ_CONTACTS');
    expect(log).toContain('granted android.permission.READ_PHONE_STATE');
  });

  it('runs background timers, foreground/background handlers and shake-to-jump with a registered sensor', async () => {
    const model = `
app: ${PKG}
screens:
  splash: {elements: [{id: ad, text: 摇一摇 Shake, onTap: [{start: com.android.settings}]}]}
on:
  launch: [{show: splash}, {registerSensor: {sensor: accelerometer, from: [com.bytedance.sdk.openadsdk.ShakeUtils.register]}}]
  background: [{log: went-bg}]
  foreground: [{log: came-fg}]
  shake: {threshold: 10, do: [{start: com.android.settings}]}
timers:
  - every: 50ms
    while: background
    do: [{call: {api: android.location.LocationManager.getLastKnownLocation, args: [gps]}}]
`;
    const { d, runtimes } = device('runner-timers', model);
    const sensors: unknown[] = [];
    let locations = 0;
    onAppProcess(d, ({ runtime }) => {
      const reg = overload(runtime.bridge, 'android.hardware.SensorManager', 'registerListener');
      reg.implementation = function (this: unknown, ...args: unknown[]) {
        sensors.push(args[1]);
        return reg.call(this, ...args);
      };
      const loc = overload(runtime.bridge, 'android.location.LocationManager', 'getLastKnownLocation');
      loc.implementation = function (this: unknown, ...args: unknown[]) {
        locations++;
        return loc.call(this, ...args);
      };
    });
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    await until(() => sensors.length === 1, 'sensor registration');
    expect(sensors[0]).toMatchObject({ type: 1 });
    await new Promise((r) => setTimeout(r, 150));
    expect(locations).toBe(0);
    await sh(d, 'input keyevent KEYCODE_HOME');
    expect(runtimes[0]?.isForeground()).toBe(false);
    await until(() => locations >= 3, 'background location reads');
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    const seen = locations;
    await new Promise((r) => setTimeout(r, 150));
    expect(locations - seen).toBeLessThanOrEqual(1);
    d.shake(8);
    expect(d.foreground().pkg).toBe(PKG);
    d.shake(12);
    await until(() => d.foreground().pkg === 'com.android.settings', 'shake jump');
    const log = await sh(d, 'logcat -d');
    expect(log).toContain('went-bg');
    expect(log).toContain('came-fg');
    await sh(d, `am force-stop ${PKG}`);
    const after = locations;
    await new Promise((r) => setTimeout(r, 150));
    expect(locations).toBe(after);
  });

  it('installs an app whose model is broken and crashes it at launch with the positioned error', async () => {
    const { d } = device('runner-broken', `app: ${PKG}\non:\n  launch:\n    - shw: main\n`);
    expect(await sh(d, 'pm list packages')).toContain(PKG);
    await sh(d, `am start -n ${PKG}/.MainActivity`);
    await until(() => d.pidOf(PKG) === undefined, 'crash');
    const log = await sh(d, 'logcat -d');
    expect(log).toMatch(
      /FATAL EXCEPTION[\s\S]*appwarden-sim\.yaml:4:7 'on\.launch\[0\]': unknown key 'shw' \(did you mean 'show'\?\)/,
    );
  });
});
