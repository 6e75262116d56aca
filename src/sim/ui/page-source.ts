import type { UiNode } from './types.ts';

/**
 * Page source in the shape UiAutomator2's server writes it (appium-uiautomator2-server,
 * AccessibilityNodeInfoDumper): an XML declaration, a `<hierarchy index="0" class="hierarchy"
 * rotation width height>` root, and one element per node named after its class, carrying the
 * attributes the server exposes (index, package, class, text, resource-id, content-desc, the boolean
 * states, bounds as `[x1,y1][x2,y2]`, displayed). Same names, so `//*[@resource-id='…']`,
 * `//android.widget.Button[@text='同意']` and friends work on the sim and on a device.
 */
export interface HierarchyInfo {
  width: number;
  height: number;
  rotation?: number;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    // Control characters are not allowed in XML 1.0; the server replaces them too.
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) out += '?';
    else out += XML_ESCAPES[ch] ?? ch;
  }
  return out;
}

/** The element name: the class name with characters XML names cannot hold replaced, as the server does. */
export function tagName(cls: string): string {
  const t = cls.replace(/[^\w.-]/g, '_');
  return /^[A-Za-z_]/.test(t) ? t : `_${t}`;
}

function attributes(n: UiNode, index: number): [string, string][] {
  const b = n.bounds;
  const attrs: [string, string][] = [
    ['index', String(index)],
    ['package', n.package],
    ['class', n.class],
    ['text', n.text],
    ['resource-id', n.resourceId],
    ['content-desc', n.contentDesc],
    ['checkable', String(n.checkable)],
    ['checked', String(n.checked)],
    ['clickable', String(n.clickable)],
    ['enabled', String(n.enabled)],
    ['focusable', String(n.focusable)],
    ['focused', String(n.focused)],
    ['long-clickable', String(n.longClickable)],
    ['password', String(n.password)],
    ['scrollable', String(n.scrollable)],
    ['selected', String(n.selected)],
    ['bounds', `[${b[0]},${b[1]}][${b[2]},${b[3]}]`],
    ['displayed', 'true'],
  ];
  if (n.hint !== undefined) attrs.push(['hint', n.hint]);
  return attrs;
}

function serialise(n: UiNode, index: number, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const tag = tagName(n.class);
  const attrs = attributes(n, index)
    .map(([k, v]) => `${k}="${escapeXml(v)}"`)
    .join(' ');
  if (n.children.length === 0) {
    out.push(`${pad}<${tag} ${attrs} />`);
    return;
  }
  out.push(`${pad}<${tag} ${attrs}>`);
  n.children.forEach((c, i) => serialise(c, i, depth + 1, out));
  out.push(`${pad}</${tag}>`);
}

/** Serialises window roots (top window first, as the server lists them) under one hierarchy element. */
export function pageSource(roots: UiNode[], info: HierarchyInfo): string {
  const out = [
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
    `<hierarchy index="0" class="hierarchy" rotation="${info.rotation ?? 0}" width="${info.width}" height="${info.height}">`,
  ];
  roots.forEach((r, i) => serialise(r, i, 1, out));
  out.push('</hierarchy>');
  return out.join('\n');
}
