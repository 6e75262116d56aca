import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { fontFamily } from './fonts.ts';
import { isEditable, type UiNode, type UiWindow } from './types.ts';

/**
 * Draws windows (top first, as `SimUi.windows()` lists them) into a PNG: backgrounds, text that wraps
 * inside its view, buttons, checkboxes, edit fields, a scrim under dim-behind windows, and the status
 * bar. Looks are approximate; what matters is that the text on screen is the text in the page source.
 */
export interface RenderOptions {
  width: number;
  height: number;
  clock: Date;
}

const DEFAULT_TEXT = '#212121';

function classDefaults(n: UiNode): { background?: string; color: string; fontSize: number; align: string } {
  if (/Button$/.test(n.class) && !/(?:Image|Radio|Toggle)Button$/.test(n.class))
    return { background: '#e0e0e0', color: DEFAULT_TEXT, fontSize: 40, align: 'center' };
  if (isEditable(n)) return { background: '#ffffff', color: DEFAULT_TEXT, fontSize: 40, align: 'left' };
  return { color: DEFAULT_TEXT, fontSize: 38, align: 'left' };
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  if (r > 0) ctx.roundRect(x, y, w, h, Math.min(r, w / 2, h / 2));
  else ctx.rect(x, y, w, h);
}

/** Splits text into lines that fit `maxWidth`, breaking between CJK characters or at spaces. */
export function wrapText(ctx: SKRSContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    // Tokens: runs of non-space Latin, single CJK characters, spaces.
    const tokens = para.match(
      /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+/g,
    ) ?? [''];
    let line = '';
    for (const tok of tokens) {
      const next = line + tok;
      if (line !== '' && ctx.measureText(next).width > maxWidth) {
        lines.push(line.trimEnd());
        line = tok.trimStart();
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

function drawNode(ctx: SKRSContext2D, n: UiNode, font: string): void {
  const [l, t, r, b] = n.bounds;
  const w = r - l;
  const h = b - t;
  if (w <= 0 || h <= 0) return;
  const d = classDefaults(n);
  const s = n.style ?? {};
  const bg = s.background ?? d.background;
  if (bg) {
    ctx.fillStyle = n.enabled ? bg : '#bdbdbd';
    roundRect(ctx, l, t, w, h, s.radius ?? (/Button$/.test(n.class) ? 12 : 0));
    ctx.fill();
  }
  if (isEditable(n)) {
    ctx.strokeStyle = n.focused ? '#1a73e8' : '#9e9e9e';
    ctx.lineWidth = n.focused ? 4 : 2;
    ctx.beginPath();
    ctx.moveTo(l, b - 2);
    ctx.lineTo(r, b - 2);
    ctx.stroke();
  }
  let textLeft = l + 16;
  const size = s.fontSize ?? d.fontSize;
  if (n.checkable) {
    const box = Math.min(size + 8, h - 8);
    const bx = l + 12;
    const by = t + (h - box) / 2;
    ctx.lineWidth = 4;
    ctx.strokeStyle = n.checked ? '#1a73e8' : '#616161';
    roundRect(ctx, bx, by, box, box, 6);
    if (n.checked) {
      ctx.fillStyle = '#1a73e8';
      ctx.fill();
      ctx.strokeStyle = '#ffffff';
      ctx.beginPath();
      ctx.moveTo(bx + box * 0.22, by + box * 0.52);
      ctx.lineTo(bx + box * 0.42, by + box * 0.72);
      ctx.lineTo(bx + box * 0.8, by + box * 0.3);
    }
    ctx.stroke();
    textLeft = bx + box + 16;
  }
  const shown = n.password ? '•'.repeat(n.text.length) : n.text;
  const label = shown !== '' ? shown : isEditable(n) ? (n.hint ?? '') : '';
  if (label !== '') {
    ctx.font = `${s.bold ? 'bold ' : ''}${size}px ${font}`;
    ctx.fillStyle = shown === '' ? '#9e9e9e' : (s.color ?? d.color);
    const maxWidth = r - 16 - textLeft;
    const lines = wrapText(ctx, label, Math.max(maxWidth, size));
    const lineHeight = Math.round(size * 1.3);
    const fit = Math.max(1, Math.floor(h / lineHeight));
    const shownLines = lines.slice(0, fit);
    let y = t + (h - shownLines.length * lineHeight) / 2 + lineHeight / 2;
    ctx.textBaseline = 'middle';
    const align = s.align ?? d.align;
    for (const line of shownLines) {
      const lw = ctx.measureText(line).width;
      const x = align === 'center' ? l + (w - lw) / 2 : align === 'right' ? r - 16 - lw : textLeft;
      ctx.fillText(line, Math.max(x, l), y);
      y += lineHeight;
    }
  }
  for (const c of n.children) drawNode(ctx, c, font);
}

function drawStatusBar(ctx: SKRSContext2D, o: RenderOptions, font: string): void {
  const h = Math.round(o.height * 0.03);
  ctx.fillStyle = 'rgba(0,0,0,0.35)';
  ctx.fillRect(0, 0, o.width, h);
  ctx.fillStyle = '#ffffff';
  ctx.font = `${Math.round(h * 0.6)}px ${font}`;
  ctx.textBaseline = 'middle';
  const hh = String(o.clock.getHours()).padStart(2, '0');
  const mm = String(o.clock.getMinutes()).padStart(2, '0');
  ctx.fillText(`${hh}:${mm}`, 24, h / 2);
  ctx.fillText('4G ▮ 86%', o.width - 200, h / 2);
}

export function renderScreen(windows: UiWindow[], o: RenderOptions): Buffer {
  const font = fontFamily();
  const canvas = createCanvas(o.width, o.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, o.width, o.height);
  for (const win of [...windows].reverse()) {
    if (win.dimBehind) {
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      ctx.fillRect(0, 0, o.width, o.height);
    }
    // A window without its own background is drawn on white (the theme's windowBackground).
    if (!win.root.style?.background && win.kind !== 'dialog' && win.kind !== 'system') {
      ctx.fillStyle = '#fafafa';
      ctx.fillRect(...boundsRect(win.root));
    }
    drawNode(ctx, win.root, font);
  }
  drawStatusBar(ctx, o, font);
  return canvas.toBuffer('image/png');
}

function boundsRect(n: UiNode): [number, number, number, number] {
  const [l, t, r, b] = n.bounds;
  return [l, t, r - l, b - t];
}
