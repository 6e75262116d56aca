import { errors } from '@appium/base-driver';
import { Device, type ShellResult } from '../../device/device.ts';
import { parseDump, parseElementId, snapshot, type Entry, type Snapshot } from './hierarchy.ts';

/**
 * The driver's line to its sim: appwarden's ADB client on the sim's daemon, so the driver works the
 * same in Appium's process or another. Everything it knows about the screen comes from commands a
 * real handset answers too (`uiautomator dump`, `screencap -p`, `input`, `am`, `dumpsys`, `wm size`);
 * only the shake (`sensor shake`) is sim-specific.
 */

const CALL_TIMEOUT_MS = 20_000;

export class SimLink {
  private screenSize: { width: number; height: number } | undefined;

  private constructor(
    readonly device: Device,
    readonly serial: string,
  ) {}

  static async connect(host: string, port: number): Promise<SimLink> {
    const device = await Device.connect('sim', { via: 'daemon', host, port });
    return new SimLink(device, `${host}:${port}`);
  }

  async shell(argv: readonly string[], timeoutMs = CALL_TIMEOUT_MS): Promise<ShellResult> {
    return this.device.shell(argv, { timeoutMs });
  }

  /** Runs argv and fails (as an unknown error carrying the command's message) unless it exits 0. */
  async run(argv: readonly string[]): Promise<string> {
    const r = await this.shell(argv);
    if (r.exitCode !== 0) {
      const reason = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] || `exit code ${r.exitCode}`;
      throw new errors.UnknownError(`Failed to run '${argv.join(' ')}' on the sim ${this.serial}: ${reason}`);
    }
    return r.stdout;
  }

  async size(): Promise<{ width: number; height: number }> {
    if (this.screenSize) return this.screenSize;
    const out = await this.run(['wm', 'size']);
    // An override (wm size WxH) is what apps lay out against.
    const all = [...out.matchAll(/size: (\d+)x(\d+)/g)];
    const m = all.at(-1);
    if (!m)
      throw new errors.UnknownError(
        `Failed to read the screen size of the sim ${this.serial}: '${out.trim()}'`,
      );
    this.screenSize = { width: Number(m[1]), height: Number(m[2]) };
    return this.screenSize;
  }

  async snapshot(): Promise<Snapshot> {
    const out = await this.run(['uiautomator', 'dump', '/dev/tty']);
    return snapshot(parseDump(out), await this.size());
  }

  /** The element behind an id on the current screen, or a stale-element error. */
  async resolve(elementId: string): Promise<{ snap: Snapshot; entry: Entry }> {
    const id = parseElementId(elementId);
    if (!id)
      throw new errors.NoSuchElementError(`No element with id '${elementId}' was ever found in this session`);
    const snap = await this.snapshot();
    const entry = snap.key === id.key ? snap.byPath.get(id.path) : undefined;
    if (!entry) {
      throw new errors.StaleElementReferenceError(
        `The element '${elementId}' is no longer on the screen (the screen changed since it was found); find it again`,
      );
    }
    return { snap, entry };
  }

  async screenshotPng(): Promise<Buffer> {
    return this.device.execOut(['screencap', '-p'], { timeoutMs: CALL_TIMEOUT_MS });
  }

  async tap(x: number, y: number): Promise<void> {
    await this.run(['input', 'tap', String(Math.round(x)), String(Math.round(y))]);
  }

  async keyevent(code: number | string): Promise<void> {
    await this.run(['input', 'keyevent', String(code)]);
  }

  /** Current focus from `dumpsys window` (`mCurrentFocus=Window{… u0 PKG/ACTIVITY}`). */
  async focus(): Promise<{ pkg: string; activity: string }> {
    const out = await this.run(['dumpsys', 'window', 'windows']);
    const m = /mCurrentFocus=Window\{\S+ \S+ ([^/\s}]+)\/([^\s}]+)\}/.exec(out);
    return m ? { pkg: m[1] as string, activity: m[2] as string } : { pkg: '', activity: '' };
  }

  async close(): Promise<void> {
    await this.device.close();
  }
}
