import { remote } from 'webdriverio';
import type { DeviceKind } from '../../evidence/types.ts';
import { childLog } from '../../log.ts';
import { capabilitiesFor, UIA2_PORTS, type SystemPorts } from '../capabilities.ts';
import type { UiDriver } from '../driver.ts';
import { consolePort, shakeEmulator } from '../emulator-console.ts';

const log = childLog({ part: 'ui-wdio' });

/** Where the Appium server listens (the farm starts it: src/ui/appium-server.ts). */
export interface AppiumEndpoint {
  hostname: string;
  port: number;
  path?: string;
}

/** Android key codes the journeys press (android.view.KeyEvent). */
const KEYCODES: Readonly<Record<string, number>> = {
  KEYCODE_HOME: 3,
  KEYCODE_BACK: 4,
  KEYCODE_POWER: 26,
  KEYCODE_WAKEUP: 224,
  KEYCODE_SLEEP: 223,
};

export class WdioUiDriver implements UiDriver {
  readonly kind = 'appium' as const;
  #size: { width: number; height: number } | undefined;

  private constructor(
    private readonly browser: WebdriverIO.Browser,
    private readonly deviceKind: DeviceKind,
    private readonly serial: string,
    private readonly ports?: SystemPorts,
  ) {}

  /** UiAutomator2 sessions (devices, emulators) hold a systemPort from `ports` until they close. */
  static async open(
    endpoint: AppiumEndpoint,
    kind: DeviceKind,
    serial: string,
    ports: SystemPorts = UIA2_PORTS,
  ): Promise<WdioUiDriver> {
    const uia2 = kind === 'sim' ? undefined : await ports.acquire(serial);
    let browser: WebdriverIO.Browser;
    try {
      browser = await remote({
        protocol: 'http',
        hostname: endpoint.hostname,
        port: endpoint.port,
        path: endpoint.path ?? '/',
        logLevel: 'silent',
        connectionRetryCount: 0,
        capabilities: capabilitiesFor(kind, serial, uia2) as WebdriverIO.Capabilities,
      });
    } catch (err) {
      if (uia2) ports.release(serial);
      throw err;
    }
    if (uia2) ports.installed(serial);
    return new WdioUiDriver(browser, kind, serial, uia2 ? ports : undefined);
  }

  pageSource(): Promise<string> {
    return this.browser.getPageSource();
  }

  async screenshot(): Promise<Buffer> {
    return Buffer.from(await this.browser.takeScreenshot(), 'base64');
  }

  async focus(): Promise<{ pkg: string; activity: string }> {
    const [pkg, activity] = await Promise.all([
      this.browser.getCurrentPackage(),
      this.browser.getCurrentActivity(),
    ]);
    return { pkg, activity: activity.startsWith('.') ? `${pkg}${activity}` : activity };
  }

  async tap(x: number, y: number): Promise<void> {
    await this.browser.performActions([
      {
        type: 'pointer',
        id: 'finger1',
        parameters: { pointerType: 'touch' },
        actions: [
          { type: 'pointerMove', duration: 0, x: Math.round(x), y: Math.round(y) },
          { type: 'pointerDown', button: 0 },
          { type: 'pause', duration: 50 },
          { type: 'pointerUp', button: 0 },
        ],
      },
    ]);
  }

  async swipe(
    from: { x: number; y: number },
    to: { x: number; y: number },
    durationMs: number,
  ): Promise<void> {
    await this.browser.performActions([
      {
        type: 'pointer',
        id: 'finger1',
        parameters: { pointerType: 'touch' },
        actions: [
          { type: 'pointerMove', duration: 0, x: Math.round(from.x), y: Math.round(from.y) },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerMove', duration: Math.round(durationMs), x: Math.round(to.x), y: Math.round(to.y) },
          { type: 'pointerUp', button: 0 },
        ],
      },
    ]);
  }

  async typeText(text: string): Promise<void> {
    await this.browser.keys([...text]);
  }

  async key(name: string): Promise<void> {
    const code = KEYCODES[name];
    if (code === undefined)
      throw new Error(
        `Failed to press ${name}: no key code known. Use one of ${Object.keys(KEYCODES).join(', ')}.`,
      );
    if (name === 'KEYCODE_BACK') await this.browser.back();
    else await this.browser.execute('mobile: pressKey', { keycode: code });
  }

  async screenSize(): Promise<{ width: number; height: number }> {
    if (this.#size) return this.#size;
    const r = await this.browser.getWindowRect();
    this.#size = { width: r.width, height: r.height };
    return this.#size;
  }

  async density(): Promise<number | undefined> {
    try {
      return (await this.browser.getDisplayDensity()) / 160;
    } catch (err) {
      log.debug({ err }, 'the driver reports no display density');
      return undefined;
    }
  }

  async shake(p: { acceleration: number; duration: number; rotation: number }): Promise<boolean> {
    if (this.deviceKind === 'emulator') {
      const port = consolePort(this.serial);
      if (port === undefined) return false;
      await shakeEmulator(port, p);
      return true;
    }
    if (this.deviceKind !== 'sim') return false;
    await this.browser.execute('mobile: sensorShake', { ...p });
    return true;
  }

  async close(): Promise<void> {
    await this.browser
      .deleteSession()
      .catch((err: unknown) => log.debug({ err }, 'deleting the Appium session failed'));
    // After the session: UiAutomator2 removes its adb forward of the port when the session ends.
    this.ports?.release(this.serial);
  }
}
