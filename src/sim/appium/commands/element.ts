import { errors } from '@appium/base-driver';
import type { Entry } from '../hierarchy.ts';
import type { SimLink } from '../link.ts';
import type { UiNode } from '../../ui/types.ts';

/** Element commands: click, keys, text, attributes, geometry, states. */

function centre(n: UiNode): [number, number] {
  const [l, t, r, b] = n.bounds;
  return [Math.floor((l + r) / 2), Math.floor((t + b) / 2)];
}

export async function click(link: SimLink, id: string): Promise<void> {
  const { entry } = await link.resolve(id);
  const [x, y] = centre(entry.node);
  await link.tap(x, y);
}

/** `input text` takes spaces as %s (as on Android, a literal "%s" cannot be typed this way). */
export function inputTextArg(text: string): string {
  return text.replace(/ /g, '%s');
}

/** Focuses the element (a tap, as the user would) and types into it. */
export async function setValue(link: SimLink, value: string | string[], id: string): Promise<void> {
  const text = Array.isArray(value) ? value.join('') : String(value);
  const { entry } = await link.resolve(id);
  if (!entry.node.enabled) throw new errors.InvalidElementStateError(`The element '${id}' is not enabled`);
  if (!entry.node.focused) {
    const [x, y] = centre(entry.node);
    await link.tap(x, y);
  }
  if (text.length > 0) await link.run(['input', 'text', inputTextArg(text)]);
}

/** Clears an editable: focus, move to the end, delete what is there (KEYCODE_MOVE_END, KEYCODE_DEL). */
export async function clear(link: SimLink, id: string): Promise<void> {
  const { entry } = await link.resolve(id);
  const [x, y] = centre(entry.node);
  if (!entry.node.focused) await link.tap(x, y);
  const n = [...entry.node.text].length;
  if (n === 0) return;
  // Numbers, not names: every Android version's `input` knows them (123 MOVE_END, 67 DEL).
  await link.run(['input', 'keyevent', '123', ...Array<string>(n).fill('67')]);
}

export async function getText(link: SimLink, id: string): Promise<string> {
  return (await link.resolve(id)).entry.node.text;
}

/** Attribute values as the UiAutomator2 server returns them (strings; booleans as 'true'/'false'). */
export function attribute(entry: Entry, name: string): string | null {
  const n = entry.node;
  const b = n.bounds;
  switch (name) {
    case 'text':
    case 'name':
      return n.text;
    case 'resource-id':
    case 'resourceId':
      return n.resourceId;
    case 'content-desc':
    case 'contentDescription':
      return n.contentDesc;
    case 'class':
    case 'className':
      return n.class;
    case 'package':
      return n.package;
    case 'bounds':
      return `[${b[0]},${b[1]}][${b[2]},${b[3]}]`;
    case 'index':
      return String(entry.index);
    case 'displayed':
      return String(b[2] > b[0] && b[3] > b[1]);
    case 'checkable':
    case 'checked':
    case 'clickable':
    case 'enabled':
    case 'focusable':
    case 'focused':
    case 'scrollable':
    case 'password':
    case 'selected':
      return String(n[name]);
    case 'long-clickable':
    case 'longClickable':
      return String(n.longClickable);
    case 'hint':
      return n.hint ?? null;
    default:
      return null;
  }
}

export async function getAttribute(link: SimLink, name: string, id: string): Promise<string | null> {
  return attribute((await link.resolve(id)).entry, name);
}

export async function getElementRect(
  link: SimLink,
  id: string,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const [l, t, r, b] = (await link.resolve(id)).entry.node.bounds;
  return { x: l, y: t, width: r - l, height: b - t };
}

export async function getName(link: SimLink, id: string): Promise<string> {
  return (await link.resolve(id)).entry.node.class;
}

export async function elementFlag(
  link: SimLink,
  id: string,
  flag: 'displayed' | 'enabled' | 'selected',
): Promise<boolean> {
  return attribute((await link.resolve(id)).entry, flag) === 'true';
}
