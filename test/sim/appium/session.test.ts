import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remote } from 'webdriverio';
import { startSim, type Sim } from '../../../src/sim/index.ts';
import { setSideModel } from '../../../src/sim/model/install.ts';
import { startAppiumServer, type AppiumServer } from '../../../src/ui/appium-server.ts';
import { ensureApks } from '../helpers.ts';

/**
 * The sim driver end to end: a WebdriverIO 9 session through the real Appium 3 server (a child
 * process with its own APPIUM_HOME), the AppwardenSim driver in it reaching a real sim over ADB.
 */

const PKG = 'com.appwarden.fixture.model';
// Kept between runs (the install is idempotent and takes a while on a loaded host).
const HOME = path.join(os.tmpdir(), 'appwarden-test-appium-home');

const MODEL = `
app: ${PKG}
label: 示例
screens:
  home:
    title: 首页
    elements:
      - {id: name, hint: 名字}
      - id: contacts
        text: 导入通讯录
        onTap:
          - requestPermissions:
              permissions: [android.permission.READ_CONTACTS]
              onGranted: [{show: imported}]
              onDenied: [{show: denied}]
  imported:
    elements: [{id: done, text: 已导入}]
  denied:
    elements: [{id: sorry, text: 没有权限}]
  shaken:
    elements: [{id: ad, text: 广告}]
dialogs:
  policy:
    title: 隐私政策
    cancelable: false
    elements:
      - {id: body, text: 请阅读并同意《隐私政策》}
      - id: agree
        text: 同意
        onTap: [{set: {consented: true}}, {close: policy}]
      - id: refuse
        text: 不同意
        onTap: [{exit: true}]
on:
  launch:
    - registerSensor: {sensor: accelerometer}
    - show: home
    - if: {key: consented, else: [{dialog: policy}]}
  shake:
    threshold: 15
    do: [{show: shaken}]
`;

let sim: Sim;
let server: AppiumServer;
let browser: WebdriverIO.Browser;

beforeAll(async () => {
  sim = await startSim({ seed: 'appium-session' });
  sim.device.install(fs.readFileSync(ensureApks().model));
  setSideModel(sim.device, PKG, MODEL);
  server = await startAppiumServer({
    home: HOME,
    drivers: ['appwarden-sim'],
    logFile: path.join(os.tmpdir(), 'appwarden-test-appium.log'),
  });
  browser = await remote({
    protocol: 'http',
    hostname: server.hostname,
    port: server.port,
    path: '/',
    logLevel: 'silent',
    connectionRetryCount: 0,
    capabilities: {
      platformName: 'Android',
      'appium:automationName': 'AppwardenSim',
      'appium:udid': sim.serial,
    } as WebdriverIO.Capabilities,
  });
}, 240_000);

afterAll(async () => {
  await browser?.deleteSession().catch(() => undefined);
  await server?.stop();
  await sim?.stop();
}, 30_000);

function isPng(b64: string): boolean {
  return Buffer.from(b64, 'base64')
    .subarray(0, 8)
    .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

async function until(cond: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('AppwardenSim driver through the real Appium server', () => {
  it('finds, taps, types, reads page source and screenshots across screen transitions', async () => {
    expect(await browser.queryAppState(PKG)).toBe(1);
    await browser.activateApp(PKG);
    await until(async () => (await browser.getPageSource()).includes('隐私政策'), 'policy dialog');
    expect(await browser.queryAppState(PKG)).toBe(4);
    expect(await browser.getCurrentPackage()).toBe(PKG);

    const dialogSource = await browser.getPageSource();
    expect(dialogSource).toMatch(
      /^<\?xml version='1.0' encoding='UTF-8' standalone='yes' \?>\n<hierarchy index="0" class="hierarchy"/,
    );
    const dialogShot = await browser.takeScreenshot();
    expect(isPng(dialogShot)).toBe(true);

    const agree = await browser.$('android=new UiSelector().text("同意")');
    expect(await agree.getText()).toBe('同意');
    expect(await agree.getAttribute('resource-id')).toBe(`${PKG}:id/agree`);
    expect(await agree.getAttribute('clickable')).toBe('true');
    expect(await agree.isDisplayed()).toBe(true);
    const agreeId = await agree.elementId;
    const rect = await browser.getElementRect(agreeId);
    expect(rect.width).toBeGreaterThan(0);
    // The same node on the same screen keeps its id.
    expect((await browser.$(`//*[@resource-id="${PKG}:id/agree"]`)).elementId).toBe(agree.elementId);
    expect((await browser.$$('//android.widget.Button')).length).toBeGreaterThanOrEqual(2);
    // BACK does not close a non-cancelable dialog.
    await browser.back();
    expect(await browser.getPageSource()).toContain('请阅读并同意');

    await agree.click();
    await until(async () => !(await browser.getPageSource()).includes('隐私政策》'), 'dialog closed');
    // The screen changed: the old element is stale.
    // (Protocol-level call: WebdriverIO's element API would quietly search again.)
    await expect(browser.getElementText(agreeId)).rejects.toThrow(/no longer on the screen/);

    const name = await browser.$('id=name');
    await name.setValue('hello 世界');
    expect(await name.getText()).toBe('hello 世界');
    await browser.keys([' ', 'a', 'b']);
    expect(await name.getText()).toBe('hello 世界 ab');
    expect(await browser.$('~missing').isExisting()).toBe(false);
    const homeShot = await browser.takeScreenshot();
    expect(isPng(homeShot)).toBe(true);
    expect(homeShot).not.toBe(dialogShot);
    expect(await browser.getPageSource()).toContain('text="导入通讯录"');
  });

  it('answers the system permission dialog through UiAutomator2 locators', async () => {
    await browser.$('android=new UiSelector().textContains("通讯录")').click();
    const allow = await browser.$('id=com.android.permissioncontroller:id/permission_allow_button');
    await allow.waitForExist({ timeout: 5000 });
    expect(await browser.getPageSource()).toContain('package="com.android.permissioncontroller"');
    // The bare id resolves against the package that owns the dialog, as on a device.
    expect(await browser.$('id=permission_deny_button').getAttribute('resource-id')).toBe(
      'com.android.permissioncontroller:id/permission_deny_button',
    );
    await allow.click();
    const done = await browser.$('id=done');
    await done.waitForExist({ timeout: 5000 });
    expect(await done.getText()).toBe('已导入');
    expect(sim.device.packages.get(PKG)?.granted.has('android.permission.READ_CONTACTS')).toBe(true);
  });

  it('turns W3C pointer actions into taps and swipes', async () => {
    const inputs: unknown[] = [];
    const listen = (e: unknown): void => void inputs.push(e);
    sim.device.on('input', listen);
    try {
      const finger = {
        type: 'pointer' as const,
        id: 'finger1',
        parameters: { pointerType: 'touch' as const },
      };
      await browser.performActions([
        {
          ...finger,
          actions: [
            { type: 'pointerMove', duration: 0, x: 100, y: 200 },
            { type: 'pointerDown', button: 0 },
            { type: 'pause', duration: 50 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ]);
      await browser.performActions([
        {
          ...finger,
          actions: [
            { type: 'pointerMove', duration: 0, x: 500, y: 1800 },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerMove', duration: 400, x: 500, y: 600 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ]);
    } finally {
      sim.device.off('input', listen);
    }
    expect(inputs).toEqual([
      { kind: 'tap', x: 100, y: 200 },
      { kind: 'swipe', x1: 500, y1: 1800, x2: 500, y2: 600, durationMs: 400 },
    ]);
  });

  it('backgrounds, terminates and queries apps; shakes; runs mobile: shell', async () => {
    await browser.background(-1);
    expect(await browser.queryAppState(PKG)).toBe(3);
    await browser.activateApp(PKG);
    expect(await browser.queryAppState(PKG)).toBe(4);

    await browser.execute('mobile: sensorShake', { acceleration: 10, duration: 1, rotation: 0 });
    expect(await browser.$('id=ad').isExisting()).toBe(false);
    await browser.execute('mobile: sensorShake', { acceleration: 18, duration: 0.5, rotation: 30 });
    await browser.$('id=ad').waitForExist({ timeout: 5000 });

    const out = (await browser.execute('mobile: shell', {
      command: 'getprop',
      args: ['ro.product.model'],
    })) as string;
    expect(out.trim()).toBe(sim.device.props.get('ro.product.model'));
    await browser.execute('mobile: pressKey', { keycode: 3 });
    expect(await browser.getCurrentPackage()).not.toBe(PKG);

    expect(await browser.terminateApp(PKG)).toBe(true);
    expect(await browser.queryAppState(PKG)).toBe(1);
    expect(await browser.queryAppState('com.not.installed')).toBe(0);
  });

  it('fails unknown and unsupported commands with WebDriver errors, and the session lives on', async () => {
    await expect(browser.lock()).rejects.toThrow(/Unsupported execute method 'mobile: lock'/);
    const orientation = await fetch(`${server.url}/session/${browser.sessionId}/orientation`);
    expect(orientation.status).toBe(405);
    expect(((await orientation.json()) as { value: { error: string } }).value.error).toBe('unknown method');
    await expect(browser.execute('return 1 + 1')).rejects.toThrow(/runs no JavaScript/);
    await expect(browser.execute('mobile: flyAway', {})).rejects.toThrow(/Unsupported execute method/);
    await expect(browser.findElement('css selector', 'button')).rejects.toThrow(
      /Locator Strategy 'css selector' is not supported/,
    );
    const res = await fetch(`${server.url}/session/${browser.sessionId}/appwarden/nothing`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { value: { error: string } }).value.error).toBe('unknown command');
    expect(isPng(await browser.takeScreenshot())).toBe(true);
  });

  it('refuses a session without a sim serial', async () => {
    const res = await fetch(`${server.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        capabilities: {
          alwaysMatch: {
            platformName: 'Android',
            'appium:automationName': 'AppwardenSim',
            'appium:udid': 'emulator-5554',
          },
        },
      }),
    });
    const body = (await res.json()) as { value: { error: string; message: string } };
    expect(body.value.error).toBe('session not created');
    expect(body.value.message).toMatch(/not a sim serial/);
  });

  it('installs appium:app and starts appium:appPackage when a session opens', async () => {
    const hello = 'com.appwarden.fixture.hello';
    expect(sim.device.packages.get(hello)).toBeUndefined();
    const other = await remote({
      protocol: 'http',
      hostname: server.hostname,
      port: server.port,
      path: '/',
      logLevel: 'silent',
      connectionRetryCount: 0,
      capabilities: {
        platformName: 'Android',
        'appium:automationName': 'AppwardenSim',
        'appium:udid': sim.serial,
        'appium:app': ensureApks().hello,
        'appium:appPackage': hello,
      } as WebdriverIO.Capabilities,
    });
    try {
      expect(sim.device.packages.get(hello)).toBeDefined();
      expect(await other.getCurrentPackage()).toBe(hello);
      expect(await other.getCurrentActivity()).toBe('.MainActivity');
    } finally {
      await other.deleteSession();
    }
  });

  it('stops the Appium server and leaves no process behind', async () => {
    await browser.deleteSession();
    const pid = server.pid;
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    await server.stop();
  });
});
