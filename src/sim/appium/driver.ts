import { BaseDriver, errors } from '@appium/base-driver';
import type { Element } from '@appium/types';
import { SIM_CAP_CONSTRAINTS, simAddress, type SimCaps } from './caps.ts';
import {
  activateApp,
  background,
  getCurrentActivity,
  getCurrentPackage,
  queryAppState,
  terminateApp,
} from './commands/app.ts';
import * as el from './commands/element.ts';
import { findElOrEls } from './commands/find.ts';
import { back, pressKeyCode, performActions } from './commands/keys.ts';
import {
  ADB_SHELL_FEATURE,
  EXECUTE_METHOD_MAP,
  mobilePressKey,
  mobileSensorShake,
  mobileShell,
  mobileStartActivity,
} from './commands/mobile.ts';
import { getPageSource, getScreenshot, getWindowRect } from './commands/source.ts';
import { SimLink } from './link.ts';
import { LOCATOR_STRATEGIES } from './locators/index.ts';

type SimConstraints = typeof SIM_CAP_CONSTRAINTS;

/**
 * appwarden's Appium driver for its simulated handset (`automationName: AppwardenSim`). Appium loads
 * it like any driver; every command reaches the sim over ADB with the commands a real handset answers
 * (see link.ts), so a WebdriverIO journey takes the same path as on a device except for this class.
 * Commands live in ./commands by domain; the methods here only unpack arguments.
 */
export class AppwardenSimDriver extends BaseDriver<SimConstraints> {
  static executeMethodMap = EXECUTE_METHOD_MAP;
  private simLink: SimLink | undefined;

  constructor(opts = {} as ConstructorParameters<typeof BaseDriver>[0], shouldValidateCaps = true) {
    super(opts, shouldValidateCaps);
    this.desiredCapConstraints = SIM_CAP_CONSTRAINTS;
    this.locatorStrategies = LOCATOR_STRATEGIES;
  }

  private get link(): SimLink {
    if (!this.simLink) throw new errors.NoSuchDriverError('No sim session is active');
    return this.simLink;
  }

  override async createSession(...args: Parameters<BaseDriver<SimConstraints>['createSession']>) {
    const result = await super.createSession(...args);
    const caps = this.opts as unknown as SimCaps;
    try {
      const { host, port } = simAddress(caps.udid);
      try {
        this.simLink = await SimLink.connect(host, port);
      } catch (err) {
        throw new errors.SessionNotCreatedError(
          `Failed to connect to the sim at ${host}:${port}: ${(err as Error).message}. Is the sim running (appwarden sim start)?`,
        );
      }
      if (caps.app) await this.installApp(caps.app, caps.autoGrantPermissions === true);
      if (caps.appPackage) {
        await this.link.run(
          caps.appActivity
            ? ['am', 'start', '-W', '-n', `${caps.appPackage}/${caps.appActivity}`]
            : ['monkey', '-p', caps.appPackage, '-c', 'android.intent.category.LAUNCHER', '1'],
        );
      }
    } catch (err) {
      await super.deleteSession();
      await this.simLink?.close().catch((e: unknown) => this.log.debug(`closing the sim link: ${String(e)}`));
      this.simLink = undefined;
      throw err;
    }
    return result;
  }

  override async deleteSession(sessionId?: string | null): Promise<void> {
    const link = this.simLink;
    this.simLink = undefined;
    try {
      await link?.close();
    } catch (err) {
      this.log.debug(`closing the sim link failed (the sim may be gone): ${(err as Error).message}`);
    }
    await super.deleteSession(sessionId);
  }

  private async installApp(path: string, grant: boolean): Promise<void> {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path).catch((err: Error) => {
      throw new errors.SessionNotCreatedError(`Failed to read appium:app '${path}': ${err.message}`);
    });
    const remote = '/data/local/tmp/appwarden-session.apk';
    await this.link.device.push(bytes, remote, { timeoutMs: 60_000 });
    await this.link.run(['pm', 'install', '-r', ...(grant ? ['-g'] : []), remote]);
  }

  // ---- find ----
  override findElOrEls(strategy: string, selector: string, mult: true, context?: string): Promise<Element[]>;
  override findElOrEls(strategy: string, selector: string, mult: false, context?: string): Promise<Element>;
  override async findElOrEls(
    strategy: string,
    selector: string,
    mult: boolean,
    context?: string,
  ): Promise<Element | Element[]> {
    return (await findElOrEls(
      this.link,
      this.implicitWaitMs,
      strategy,
      selector,
      mult,
      context,
    )) as unknown as Element | Element[];
  }

  // ---- elements ----
  async click(id: string) {
    return el.click(this.link, id);
  }
  async setValue(value: string | string[], id: string) {
    return el.setValue(this.link, value, id);
  }
  async clear(id: string) {
    return el.clear(this.link, id);
  }
  async getText(id: string) {
    return el.getText(this.link, id);
  }
  async getAttribute(name: string, id: string) {
    return el.getAttribute(this.link, name, id);
  }
  async getProperty(name: string, id: string) {
    return el.getAttribute(this.link, name, id);
  }
  async getElementRect(id: string) {
    return el.getElementRect(this.link, id);
  }
  async getName(id: string) {
    return el.getName(this.link, id);
  }
  async elementDisplayed(id: string) {
    return el.elementFlag(this.link, id, 'displayed');
  }
  async elementEnabled(id: string) {
    return el.elementFlag(this.link, id, 'enabled');
  }
  async elementSelected(id: string) {
    return el.elementFlag(this.link, id, 'selected');
  }

  // ---- source, screenshot, window ----
  override async getPageSource() {
    return getPageSource(this.link);
  }
  async getScreenshot() {
    return getScreenshot(this.link);
  }
  async getWindowRect() {
    return getWindowRect(this.link);
  }

  // ---- apps ----
  async activateApp(appId: string) {
    return activateApp(this.link, appId);
  }
  async terminateApp(appId: string) {
    return terminateApp(this.link, appId);
  }
  async queryAppState(appId: string) {
    return queryAppState(this.link, appId);
  }
  async background(seconds: number | null) {
    return background(this.link, seconds);
  }
  async getCurrentPackage() {
    return getCurrentPackage(this.link);
  }
  async getCurrentActivity() {
    return getCurrentActivity(this.link);
  }

  // ---- keys and gestures ----
  async back() {
    return back(this.link);
  }
  async pressKeyCode(keycode: number) {
    return pressKeyCode(this.link, keycode);
  }
  async performActions(actions: Parameters<typeof performActions>[1]) {
    return performActions(this.link, actions);
  }
  async releaseActions() {
    // Every sequence ends with its pointer up; nothing stays pressed.
  }
  async mobileShake() {
    return mobileSensorShake(this.link);
  }

  // ---- mobile: ----
  async execute(script: string, args: unknown[]) {
    const name = script.trim().replace(/^mobile:\s*/, 'mobile: ');
    if (!name.startsWith('mobile: ')) {
      throw new errors.NotImplementedError(
        'The sim runs no JavaScript; only `mobile:` commands can be executed',
      );
    }
    return this.executeMethod(name, args as [Record<string, unknown>]);
  }
  async mobileShell(command: unknown, args: unknown, timeout: unknown, includeStderr: unknown) {
    this.assertFeatureEnabled(ADB_SHELL_FEATURE);
    return mobileShell(this.link, command, args, timeout, includeStderr);
  }
  async mobileStartActivity(component: unknown, wait: unknown) {
    return mobileStartActivity(this.link, component, wait);
  }
  async mobilePressKey(keycode: unknown) {
    return mobilePressKey(this.link, keycode);
  }
  async mobileSensorShake(acceleration?: unknown, duration?: unknown, rotation?: unknown) {
    return mobileSensorShake(this.link, acceleration, duration, rotation);
  }
}
