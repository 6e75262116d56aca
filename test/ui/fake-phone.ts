import type { Device } from '../../src/device/device.ts';
import type { UiDriver } from '../../src/ui/driver.ts';

/**
 * What cannot run here: a phone behind a UI driver. Screens are UiAutomator2-shaped page sources; a
 * tap moves to the next screen after `tapMs` (a loaded host through Appium and ADB). Every tap records
 * when it was issued and when it returned, on the session clock the test passes in.
 */
export class ScriptedPhone implements UiDriver {
  readonly kind = 'appium' as const;
  readonly taps: { x: number; y: number; issuedAt: number; doneAt: number }[] = [];
  #screen = 0;

  constructor(
    private readonly screens: string[],
    private readonly now: () => number,
    private readonly tapMs = 0,
    readonly pkg = 'com.example.app',
  ) {}

  async pageSource(): Promise<string> {
    return this.screens[Math.min(this.#screen, this.screens.length - 1)] as string;
  }
  async screenshot(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async focus(): Promise<{ pkg: string; activity: string }> {
    return { pkg: this.pkg, activity: `${this.pkg}.MainActivity` };
  }
  async tap(x: number, y: number): Promise<void> {
    const issuedAt = this.now();
    await new Promise((r) => setTimeout(r, this.tapMs));
    this.#screen++;
    this.taps.push({ x, y, issuedAt, doneAt: this.now() });
  }
  async swipe(): Promise<void> {}
  async typeText(): Promise<void> {}
  async key(): Promise<void> {}
  async screenSize(): Promise<{ width: number; height: number }> {
    return { width: 1080, height: 2220 };
  }
  async density(): Promise<number | undefined> {
    return 2.75;
  }
  async shake(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
}

/** The adb side of the phone: answers the shell commands journeys read, by their first words. */
export function fakeDevice(answers: Record<string, string | (() => string)>): Device {
  const run = async (argv: readonly string[]): Promise<string> => {
    const key = Object.keys(answers).find((k) => argv.join(' ').startsWith(k));
    const a = key === undefined ? '' : answers[key];
    return typeof a === 'function' ? a() : (a ?? '');
  };
  return { serial: 'fake-1', lost: false, run, shell: run } as unknown as Device;
}

type N = { text?: string; id?: string; pkg: string; click?: boolean; b: string };
/** A UiAutomator2 page: a root of the first node's package and the nodes in order. */
export function screen(nodes: N[], root = '[0,0][1080,2220]'): string {
  const kids = nodes
    .map((n) => {
      const cls = n.click ? 'android.widget.Button' : 'android.widget.TextView';
      return `<${cls} class="${cls}" package="${n.pkg}" text="${n.text ?? ''}" resource-id="${n.id ?? ''}" content-desc="" clickable="${n.click ?? false}" enabled="true" bounds="${n.b}"/>`;
    })
    .join('');
  return `<?xml version="1.0"?><hierarchy rotation="0"><android.widget.FrameLayout class="android.widget.FrameLayout" package="${nodes[0]?.pkg ?? ''}" bounds="${root}">${kids}</android.widget.FrameLayout></hierarchy>`;
}

const PC = 'com.android.permissioncontroller';
/** Android 10's grant dialog for the camera group. */
export const cameraPrompt = screen(
  [
    {
      pkg: PC,
      id: `${PC}:id/permission_message`,
      text: 'Allow 示例 to take pictures and record video?',
      b: '[88,1500][992,1700]',
    },
    { pkg: PC, id: `${PC}:id/permission_allow_button`, text: 'Allow', click: true, b: '[88,1720][992,1850]' },
    { pkg: PC, id: `${PC}:id/permission_deny_button`, text: 'Deny', click: true, b: '[88,1870][992,2000]' },
  ],
  '[48,1440][1032,2060]',
);
