/**
 * What a journey needs from a UI automation backend. Two implementations: WebdriverIO against the
 * Appium server (drivers/wdio.ts: UiAutomator2 on devices and emulators, AppwardenSim on sims) and the
 * plain ADB one (drivers/adb.ts: `uiautomator dump`, `input`, `screencap` — what both Appium drivers do
 * underneath), used when no Appium server is configured.
 */
export interface UiDriver {
  readonly kind: 'appium' | 'adb';
  pageSource(): Promise<string>;
  screenshot(): Promise<Buffer>;
  /** The focused app and activity ('' when unknown). */
  focus(): Promise<{ pkg: string; activity: string }>;
  tap(x: number, y: number): Promise<void>;
  swipe(from: { x: number; y: number }, to: { x: number; y: number }, durationMs: number): Promise<void>;
  typeText(text: string): Promise<void>;
  /** Android key codes by name: KEYCODE_BACK, KEYCODE_HOME, KEYCODE_POWER, KEYCODE_WAKEUP, KEYCODE_SLEEP. */
  key(name: string): Promise<void>;
  screenSize(): Promise<{ width: number; height: number }>;
  /** Pixels per dp (dpi / 160), undefined when the device does not say. */
  density(): Promise<number | undefined>;
  /** A shake with a peak linear acceleration (m/s²), a duration (s), a rotation (°); false when this device cannot. */
  shake(profile: { acceleration: number; duration: number; rotation: number }): Promise<boolean>;
  close(): Promise<void>;
}
