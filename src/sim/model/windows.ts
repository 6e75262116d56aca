import { node, type Bounds, type UiNode, type UiWindow } from '../ui/types.ts';
import type { Action, DialogDef, ElementDef, ScreenDef } from './schema.ts';

/**
 * Turns a model's screens and dialogs into windows. Elements with `bounds` sit where they say;
 * the others stack from the top (below the status bar and the title), full width with margins.
 * Each `show`/`dialog` builds fresh nodes, as a new activity or dialog starts from its layout.
 */
export interface BuildContext {
  pkg: string;
  activity: string;
  width: number;
  height: number;
  /** Template strings in texts (identity values, variables). */
  text: (s: string) => string;
  onTap: (actions: Action[], el: ElementDef) => void;
}

const MARGIN = 48;
const GAP = 24;
const TITLE_H = 160;

export function resourceId(pkg: string, id: string | undefined): string {
  if (!id) return '';
  return id.includes(':') ? id : `${pkg}:id/${id}`;
}

function defaultClass(el: ElementDef): string {
  if (el.hint !== undefined || el.password) return 'android.widget.EditText';
  if (el.checkable) return 'android.widget.CheckBox';
  if (el.text !== undefined && (el.clickable || el.onTap)) return 'android.widget.Button';
  if (el.text !== undefined) return 'android.widget.TextView';
  return el.onTap || el.clickable ? 'android.widget.ImageView' : 'android.view.View';
}

function autoHeight(el: ElementDef, width: number): number {
  if (el.height) return el.height;
  if (el.onTap || el.clickable || el.checkable || el.hint !== undefined) return 140;
  const chars = [...(el.text ?? '')].length;
  // ~26 CJK characters of 38 px per line across a 1080 px screen.
  const perLine = Math.max(8, Math.floor((width - 2 * MARGIN) / 40));
  return Math.max(1, Math.ceil(chars / perLine)) * 50 + 30;
}

function elementNode(
  el: ElementDef,
  bounds: Bounds,
  ctx: BuildContext,
  taps: Map<UiNode, ElementDef>,
): UiNode {
  const cls = el.class ?? defaultClass(el);
  const editable = /EditText$/.test(cls);
  const n = node({
    class: cls,
    resourceId: resourceId(ctx.pkg, el.id),
    text: el.text !== undefined ? ctx.text(el.text) : '',
    contentDesc: el.desc !== undefined ? ctx.text(el.desc) : '',
    bounds,
    clickable: el.clickable ?? (el.onTap !== undefined || el.checkable === true || editable),
    checkable: el.checkable ?? false,
    checked: el.checked ?? false,
    enabled: el.enabled ?? true,
    focusable: editable || el.onTap !== undefined || el.clickable === true,
    scrollable: el.scrollable ?? false,
    password: el.password ?? false,
    package: ctx.pkg,
    ...(el.hint !== undefined ? { hint: el.hint } : {}),
    ...(el.style ? { style: el.style } : {}),
  });
  taps.set(n, el);
  return n;
}

function layout(
  elements: ElementDef[],
  area: Bounds,
  ctx: BuildContext,
  taps: Map<UiNode, ElementDef>,
): { nodes: UiNode[]; bottom: number } {
  let y = area[1];
  const nodes = elements.map((el) => {
    if (el.bounds) return elementNode(el, el.bounds as Bounds, ctx, taps);
    const h = autoHeight(el, area[2] - area[0]);
    const b: Bounds = [area[0], y, area[2], y + h];
    y += h + GAP;
    return elementNode(el, b, ctx, taps);
  });
  return { nodes, bottom: y };
}

function tapHandler(taps: Map<UiNode, ElementDef>, ctx: BuildContext): UiWindow['onTap'] {
  return ({ node: hit }) => {
    const el = taps.get(hit);
    if (el?.onTap) ctx.onTap(el.onTap, el);
  };
}

export function screenWindow(name: string, def: ScreenDef, ctx: BuildContext): UiWindow {
  const taps = new Map<UiNode, ElementDef>();
  const statusBar = Math.round(ctx.height * 0.03);
  const children: UiNode[] = [];
  let top = statusBar;
  if (def.title !== undefined) {
    children.push(
      node({
        class: 'android.widget.TextView',
        resourceId: `${ctx.pkg}:id/title`,
        text: ctx.text(def.title),
        bounds: [0, statusBar, ctx.width, statusBar + TITLE_H],
        package: ctx.pkg,
        style: { background: '#1565c0', color: '#ffffff', fontSize: 48, bold: true },
      }),
    );
    top += TITLE_H;
  }
  children.push(
    ...layout(def.elements, [MARGIN, top + GAP, ctx.width - MARGIN, ctx.height], ctx, taps).nodes,
  );
  return {
    id: `${ctx.pkg}:screen/${name}`,
    kind: 'activity',
    package: ctx.pkg,
    activity: ctx.activity,
    dimBehind: false,
    root: node({
      class: 'android.widget.FrameLayout',
      resourceId: 'android:id/content',
      bounds: [0, 0, ctx.width, ctx.height],
      package: ctx.pkg,
      style: { background: def.background ?? '#fafafa' },
      children,
    }),
    onTap: tapHandler(taps, ctx),
  };
}

export function dialogWindow(name: string, def: DialogDef, ctx: BuildContext, close: () => void): UiWindow {
  const taps = new Map<UiNode, ElementDef>();
  const left = def.bounds?.[0] ?? 60;
  const right = def.bounds?.[2] ?? ctx.width - 60;
  const pad = 40;
  const children: UiNode[] = [];
  // Lay out first to learn the height, then centre the dialog vertically unless it has bounds.
  const probe = layout(def.elements, [left + pad, 0, right - pad, ctx.height], ctx, new Map());
  const titleH = def.title !== undefined ? 120 : 0;
  const height = def.bounds ? def.bounds[3] - def.bounds[1] : titleH + probe.bottom + pad;
  const top = def.bounds?.[1] ?? Math.max(0, Math.round((ctx.height - height) / 2));
  if (def.title !== undefined) {
    children.push(
      node({
        class: 'android.widget.TextView',
        resourceId: 'android:id/alertTitle',
        text: ctx.text(def.title),
        bounds: [left + pad, top + pad, right - pad, top + titleH],
        package: ctx.pkg,
        style: { fontSize: 48, bold: true, align: 'center' },
      }),
    );
  }
  children.push(
    ...layout(def.elements, [left + pad, top + titleH + pad, right - pad, top + height], ctx, taps).nodes,
  );
  return {
    id: `${ctx.pkg}:dialog/${name}`,
    kind: 'dialog',
    package: ctx.pkg,
    activity: ctx.activity,
    dimBehind: def.dim,
    root: node({
      class: 'android.widget.FrameLayout',
      resourceId: 'android:id/content',
      bounds: [left, top, right, top + height],
      package: ctx.pkg,
      style: { background: def.background ?? '#ffffff', radius: 28 },
      children,
    }),
    onTap: tapHandler(taps, ctx),
    // A non-cancelable dialog ignores BACK (Dialog.setCancelable(false)).
    onBack: () => {
      if (def.cancelable) close();
    },
  };
}
