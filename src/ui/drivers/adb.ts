import type { Device } from '../../device/device.ts';
import { foreground } from '../../device/ops/activity.ts';
import type { DeviceKind } from '../../evidence/types.ts';
import type { UiDriver } from '../driver.ts';
import { consolePort, shakeEmulator } from '../emulator-console.ts';

const CALL_MS = 20_000;

/**
 * The journey's UI through plain ADB: the commands UiAutomator2 and the sim driver use underneath
 * (`uiautomator dump /dev/tty`, `screencap -p`, `input`, `wm size`). Shake: the sim's `sensor shake`,
 * the emulator console's sensor commands; real devices report that they cannot (the shake step records
 * that as unsupported).
 */
export class AdbUiDriver implements UiDriver {
  readonly kind = 'adb' as const;
  #size: { width: number; height: number } | undefined;

  constructor(
    private readonly device: Device,
    private readonly deviceKind: DeviceKind,
  ) {}

  async pageSource(): Promise<string> {
    const out = await this.device.run(['uiautomator', 'dump', '/dev/tty'], { timeoutMs: CALL_MS });
    // The tool appends "UI hierchary dumped to: /dev/tty" after the XML.
    const end = out.lastIndexOf('</hierarchy>');
    const start = out.indexOf('<?xml') >= 0 ? out.indexOf('<?xml') : out.indexOf('<hierarchy');
    if (start < 0) {
      throw new Error(
        `Failed to read the screen of ${this.device.serial}: uiautomator printed no XML (${out.slice(0, 120).trim()}).`,
      );
    }
    return end >= 0 ? out.slice(start, end + '</hierarchy>'.length) : out.slice(start);
  }

  async screenshot(): Promise<Buffer> {
    return this.device.execOut(['screencap', '-p'], { timeoutMs: CALL_MS });
  }

  async focus(): Promise<{ pkg: string; activity: string }> {
    const fg = await foreground(this.device);
    return { pkg: fg?.package ?? '', activity: fg?.activity ?? '' };
  }

  async tap(x: number, y: number): Promise<void> {
    await this.device.run(['input', 'tap', String(Math.round(x)), String(Math.round(y))], {
      timeoutMs: CALL_MS,
    });
  }

  async swipe(
    from: { x: number; y: number },
    to: { x: number; y: number },
    durationMs: number,
  ): Promise<void> {
    const argv = [from.x, from.y, to.x, to.y, durationMs].map((n) => String(Math.round(n)));
    await this.device.run(['input', 'swipe', ...argv], { timeoutMs: CALL_MS + durationMs });
  }

  async typeText(text: string): Promise<void> {
    // `input text` takes %s for spaces.
    await this.device.run(['input', 'text', text.replaceAll(' ', '%s')], { timeoutMs: CALL_MS });
  }

  async key(name: string): Promise<void> {
    await this.device.run(['input', 'keyevent', name], { timeoutMs: CALL_MS });
  }

  async screenSize(): Promise<{ width: number; height: number }> {
    if (this.#size) return this.#size;
    const out = await this.device.run(['wm', 'size'], { timeoutMs: CALL_MS });
    const m = [...out.matchAll(/size: (\d+)x(\d+)/g)].at(-1);
    this.#size = m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 1080, height: 1920 };
    return this.#size;
  }

  async density(): Promise<number | undefined> {
    const r = await this.device.shell(['wm', 'density'], { timeoutMs: CALL_MS });
    // An override (wm density N) is what apps lay out against.
    const m = [...r.stdout.matchAll(/density: (\d+)/g)].at(-1);
    return m ? Number(m[1]) / 160 : undefined;
  }

  async shake(p: { acceleration: number; duration: number; rotation: number }): Promise<boolean> {
    if (this.deviceKind === 'emulator') {
      const port = consolePort(this.device.serial);
      if (port === undefined) return false;
      await shakeEmulator(port, p);
      return true;
    }
    if (this.deviceKind !== 'sim') return false;
    await this.device.run(
      ['sensor', 'shake', String(p.acceleration), String(Math.round(p.duration * 1000)), String(p.rotation)],
      { timeoutMs: CALL_MS + p.duration * 1000 },
    );
    return true;
  }

  async close(): Promise<void> {
    // Nothing held: the device handle belongs to the farm.
  }
}
