import type { SimDevice } from '../device/device.ts';
import { LAUNCHER } from '../device/system-packages.ts';
import { homeWindow, plainActivityWindow } from './home.ts';
import { PermissionController } from './permission-dialog.ts';
import { pageSource } from './page-source.ts';
import { renderScreen } from './render.ts';
import { isEditable, walk, type Bounds, type UiNode, type UiWindow } from './types.ts';

function inside(b: Bounds, x: number, y: number): boolean {
  return x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
}

/** Styles are not in the page source but change the picture. */
function styleKey(n: UiNode): string {
  return `${JSON.stringify(n.style ?? null)}${n.children.map(styleKey).join('')}`;
}

/** The deepest node under the point that is clickable (or checkable/editable), else the deepest node. */
export function hitTest(root: UiNode, x: number, y: number): UiNode | undefined {
  if (!inside(root.bounds, x, y)) return undefined;
  // Later siblings draw on top, so they win.
  for (let i = root.children.length - 1; i >= 0; i--) {
    const hit = hitTest(root.children[i] as UiNode, x, y);
    if (hit && (hit.clickable || hit.checkable || isEditable(hit))) return hit;
  }
  if (root.clickable || root.checkable || isEditable(root)) return root;
  for (let i = root.children.length - 1; i >= 0; i--) {
    const hit = hitTest(root.children[i] as UiNode, x, y);
    if (hit) return hit;
  }
  return root;
}

/**
 * The window manager of one sim: app screens and dialogs per package, system windows above them, the
 * launcher below. Only the foreground package's windows are on screen; what is on top takes the input.
 * Reached as `device.ui`.
 */
export class SimUi {
  private readonly appWindows = new Map<string, UiWindow[]>();
  private readonly systemWindows: UiWindow[] = [];
  private lastShot: { key: string; png: Buffer } | undefined;
  /** Runtime-permission prompts (the permission controller's grant dialog). */
  readonly permissions: PermissionController;

  constructor(private readonly device: SimDevice) {
    this.permissions = new PermissionController(device);
    device.on('uninstalled', (pkg) => this.clearApp(pkg));
  }

  // ---- what apps and the system call ----

  /** Shows an app's screen: it replaces the app's current screen and any dialogs above it. */
  setScreen(win: UiWindow): void {
    this.appWindows.set(win.package, [win]);
  }

  /** Opens a dialog above the app's current screen (replacing an open one with the same id). */
  openDialog(win: UiWindow): void {
    const list = (this.appWindows.get(win.package) ?? []).filter((w) => w.id !== win.id);
    list.push(win);
    this.appWindows.set(win.package, list);
  }

  /** Closes a window by id (app dialog or screen, or a system window); true when it was open. */
  close(id: string): boolean {
    const si = this.systemWindows.findIndex((w) => w.id === id);
    if (si >= 0) {
      this.systemWindows.splice(si, 1);
      return true;
    }
    for (const list of this.appWindows.values()) {
      const i = list.findIndex((w) => w.id === id);
      if (i >= 0) {
        list.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** The app's process went away: its windows go with it. */
  clearApp(pkg: string): void {
    this.permissions.cancel(pkg);
    this.appWindows.delete(pkg);
    for (let i = this.systemWindows.length - 1; i >= 0; i--) {
      if ((this.systemWindows[i] as UiWindow).forPackage === pkg) this.systemWindows.splice(i, 1);
    }
  }

  /**
   * Opens a system window (e.g. the permission dialog) on behalf of `win.forPackage`: it shows while
   * that package is in front, above its windows.
   */
  openSystem(win: UiWindow): void {
    this.systemWindows.push(win);
  }

  appWindowsOf(pkg: string): readonly UiWindow[] {
    return this.appWindows.get(pkg) ?? [];
  }

  // ---- what the driver and the shell read ----

  /** Windows on screen, top first: system dialogs, the foreground app's dialogs, its screen. */
  windows(): UiWindow[] {
    const fg = this.device.foreground();
    const { width, height } = this.device.screen;
    const out: UiWindow[] = [];
    for (const w of [...this.systemWindows].reverse()) if (w.forPackage === fg.pkg) out.push(w);
    if (fg.pkg === LAUNCHER.pkg) {
      out.push(homeWindow(this.device, width, height));
      return out;
    }
    const own = this.appWindows.get(fg.pkg) ?? [];
    out.push(...[...own].reverse());
    // An app that drew no screen of its own still has its activity's (blank) window.
    if (!own.some((w) => w.kind === 'activity'))
      out.push(plainActivityWindow(fg.pkg, fg.activity, width, height));
    return out;
  }

  /** The active window's root: what UiAutomator2 dumps by default (the window that has focus). */
  root(): UiNode {
    return (this.windows()[0] as UiWindow).root;
  }

  pageSource(): string {
    const { width, height } = this.device.screen;
    return pageSource([this.root()], { width, height });
  }

  /** First node (page-source order) of the active window that matches. */
  find(pred: (n: UiNode) => boolean): UiNode | undefined {
    for (const n of walk(this.root())) if (pred(n)) return n;
    return undefined;
  }

  /**
   * A tap at screen coordinates: only the top window takes it (dialogs are modal). Checkables
   * toggle, editables take focus, then the window's owner hears about it. Returns the node hit.
   */
  tap(x: number, y: number): UiNode | undefined {
    const win = this.windows()[0] as UiWindow;
    const hit = hitTest(win.root, x, y);
    if (!hit || !hit.enabled) return hit;
    if (hit.checkable) hit.checked = !hit.checked;
    if (isEditable(hit) || hit.focusable) {
      for (const n of walk(win.root)) n.focused = false;
      hit.focused = true;
    }
    win.onTap?.({ window: win, node: hit, x, y });
    return hit;
  }

  /** Types into the focused editable of the top window; false when nothing editable has focus. */
  typeText(text: string): boolean {
    const win = this.windows()[0] as UiWindow;
    let target: UiNode | undefined;
    for (const n of walk(win.root)) if (n.focused && isEditable(n)) target = n;
    if (!target) return false;
    target.text += text;
    win.onText?.(target, target.text);
    return true;
  }

  /**
   * BACK: the top dialog or system window handles it (default: it closes). False when the top window
   * is a screen, so the device finishes the activity as before.
   */
  back(): boolean {
    const win = this.windows()[0] as UiWindow;
    if (win.kind !== 'dialog' && win.kind !== 'system') return false;
    if (win.onBack) win.onBack();
    else this.close(win.id);
    return true;
  }

  /** Centre of a node: where a click on it lands. */
  static centre(n: UiNode): [number, number] {
    const [l, t, r, b] = n.bounds;
    return [Math.floor((l + r) / 2), Math.floor((t + b) / 2)];
  }

  /**
   * PNG of the screen. Drawing and encoding a phone-sized PNG costs a few hundred ms, and drivers ask
   * for the same screen again and again, so the last one is reused while nothing visible changed
   * (same windows, same nodes, same status-bar minute).
   */
  screenshot(): Buffer {
    const { width, height } = this.device.screen;
    const wins = this.windows();
    const clock = new Date();
    const key = JSON.stringify([
      width,
      height,
      Math.floor(clock.getTime() / 60_000),
      wins.map((w) => [w.id, w.kind, w.dimBehind, pageSource([w.root], { width, height })]),
      wins.map((w) => styleKey(w.root)),
    ]);
    if (this.lastShot?.key === key) return this.lastShot.png;
    const png = renderScreen(wins, { width, height, clock });
    this.lastShot = { key, png };
    return png;
  }
}
