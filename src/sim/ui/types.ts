/**
 * The sim's screen as accessibility sees it: windows made of view nodes. The Appium driver
 * (src/sim/appium) reads it through `SimUi`; app models and the system permission dialog write it.
 * Node fields follow AccessibilityNodeInfo as UiAutomator2 exposes it (same names in the page source),
 * so a locator written for a real device works on the sim.
 */

/** `[left, top, right, bottom]` in screen pixels, right/bottom exclusive (Rect in Android). */
export type Bounds = [number, number, number, number];

/** Drawing hints for the screenshot renderer; never part of the page source. */
export interface NodeStyle {
  /** CSS colour of the node's background (none: transparent). */
  background?: string;
  /** CSS colour of the text. */
  color?: string;
  /** Font size in px. */
  fontSize?: number;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
  /** Corner radius in px. */
  radius?: number;
}

export interface UiNode {
  /** Java class name, e.g. `android.widget.Button`. */
  class: string;
  /** `pkg:id/name`, or '' when the view has no id. */
  resourceId: string;
  text: string;
  contentDesc: string;
  bounds: Bounds;
  clickable: boolean;
  checkable: boolean;
  checked: boolean;
  enabled: boolean;
  focusable: boolean;
  focused: boolean;
  scrollable: boolean;
  longClickable: boolean;
  password: boolean;
  selected: boolean;
  /** The package that owns the window the node is in. */
  package: string;
  children: UiNode[];
  /** Optional hint for the hint attribute of editable fields. */
  hint?: string;
  style?: NodeStyle;
}

/**
 * - `activity`: an app's screen (one per app at a time; showing another replaces it)
 * - `dialog`: an app dialog above its screen (Dialog/PopupWindow)
 * - `system`: a window of a system package above every app (the permission controller's dialog)
 * - `home`: the launcher's screen
 */
export type WindowKind = 'activity' | 'dialog' | 'system' | 'home';

export interface TapEvent {
  window: UiWindow;
  /** The node the tap landed on (deepest clickable node under the point, else the deepest node). */
  node: UiNode;
  x: number;
  y: number;
}

export interface UiWindow {
  /** Unique per sim, e.g. `com.x:screen/main` or `permission:1`. */
  id: string;
  kind: WindowKind;
  /** Package that owns the window (`com.android.permissioncontroller` for the permission dialog). */
  package: string;
  /** For activity windows: the activity class; for dialogs: the owning activity. */
  activity: string;
  /** System windows only: the app they are shown for (they show while it is in front). */
  forPackage?: string;
  /** The window's view tree; its bounds are the window's bounds. */
  root: UiNode;
  /** Draw a translucent scrim over everything below (Android's FLAG_DIM_BEHIND). */
  dimBehind: boolean;
  /** Called after a tap inside the window (the UI has already toggled checkables and focus). */
  onTap?: (event: TapEvent) => void;
  /** Called after `typeText` changed an editable node of the window. */
  onText?: (node: UiNode, text: string) => void;
  /** BACK while the window is on top (default for dialogs: close). */
  onBack?: () => void;
}

/** What a window needs to know about its node defaults. */
export type NodeInit = Partial<Omit<UiNode, 'children'>> & { children?: UiNode[] };

/** Builds a node with Android's defaults for anything not given (enabled, everything else false/empty). */
export function node(init: NodeInit): UiNode {
  return {
    class: init.class ?? 'android.view.View',
    resourceId: init.resourceId ?? '',
    text: init.text ?? '',
    contentDesc: init.contentDesc ?? '',
    bounds: init.bounds ?? [0, 0, 0, 0],
    clickable: init.clickable ?? false,
    checkable: init.checkable ?? false,
    checked: init.checked ?? false,
    enabled: init.enabled ?? true,
    focusable: init.focusable ?? false,
    focused: init.focused ?? false,
    scrollable: init.scrollable ?? false,
    longClickable: init.longClickable ?? false,
    password: init.password ?? false,
    selected: init.selected ?? false,
    package: init.package ?? '',
    children: init.children ?? [],
    ...(init.hint === undefined ? {} : { hint: init.hint }),
    ...(init.style === undefined ? {} : { style: init.style }),
  };
}

/** Class names UiAutomator2 reports for editable text fields. */
export function isEditable(n: UiNode): boolean {
  return /(?:EditText|AutoCompleteTextView|TextInputEditText)$/.test(n.class);
}

/** Depth-first, parents before children (the page source order). */
export function* walk(n: UiNode): Generator<UiNode> {
  yield n;
  for (const c of n.children) yield* walk(c);
}
