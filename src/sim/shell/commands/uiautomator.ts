import { escapeXml } from '../../ui/page-source.ts';
import type { UiNode } from '../../ui/types.ts';
import type { ShellCommand } from '../types.ts';

/**
 * `uiautomator dump [--compressed] [FILE]` as Android's uiautomator tool answers it: the active
 * window's accessibility tree in AccessibilityNodeInfoDumper's shape (`<hierarchy rotation>` holding
 * `<node index text resource-id class package content-desc … bounds>` elements, all on one line),
 * written to FILE (default /sdcard/window_dump.xml), then "UI hierchary dumped to: FILE" (Android's
 * spelling). `/dev/tty` sends the XML to the caller, the usual way tools read it over adb. The
 * appwarden sim driver (src/sim/appium) reads the screen this way, so in- and out-of-process it
 * needs nothing but ADB.
 */

const DEFAULT_FILE = '/sdcard/window_dump.xml';
const TO_CALLER = new Set(['/dev/tty', '/dev/stdout', '/proc/self/fd/1']);

function dumpNode(n: UiNode, index: number, out: string[]): void {
  const b = n.bounds;
  const attrs: [string, string][] = [
    ['index', String(index)],
    ['text', n.text],
    ['resource-id', n.resourceId],
    ['class', n.class],
    ['package', n.package],
    ['content-desc', n.contentDesc],
    ['checkable', String(n.checkable)],
    ['checked', String(n.checked)],
    ['clickable', String(n.clickable)],
    ['enabled', String(n.enabled)],
    ['focusable', String(n.focusable)],
    ['focused', String(n.focused)],
    ['scrollable', String(n.scrollable)],
    ['long-clickable', String(n.longClickable)],
    ['password', String(n.password)],
    ['selected', String(n.selected)],
    ['bounds', `[${b[0]},${b[1]}][${b[2]},${b[3]}]`],
  ];
  const open = `<node ${attrs.map(([k, v]) => `${k}="${escapeXml(v)}"`).join(' ')}`;
  if (n.children.length === 0) {
    out.push(`${open} />`);
    return;
  }
  out.push(`${open}>`);
  n.children.forEach((c, i) => dumpNode(c, i, out));
  out.push('</node>');
}

/** The dump of one window root, byte for byte what the command writes. */
export function windowDump(root: UiNode): string {
  const out = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", '<hierarchy rotation="0">'];
  dumpNode(root, 0, out);
  out.push('</hierarchy>');
  return out.join('');
}

export const UIAUTOMATOR: ShellCommand[] = [
  {
    name: 'uiautomator',
    run(ctx) {
      const [verb, ...rest] = ctx.argv.slice(1);
      if (verb !== 'dump') {
        ctx.err(
          'Usage: uiautomator <subcommand> [options]\n\nAvailable subcommands:\n\nhelp: displays help message\n\ndump: creates an XML dump of current UI hierarchy\n    dump [--verbose][file]\n      [--compressed]: dumps compressed layout information.\n      [file]: the location where the dumped XML should be stored, default is\n      /sdcard/window_dump.xml\n',
        );
        return verb === 'help' ? 0 : 1;
      }
      const file = rest.find((a) => !a.startsWith('-')) ?? DEFAULT_FILE;
      const xml = windowDump(ctx.device.ui.root());
      if (TO_CALLER.has(file)) ctx.out(xml);
      else ctx.device.fs.write(file, Buffer.from(xml), 0o644);
      ctx.out(`UI hierchary dumped to: ${file}\n`);
      return 0;
    },
  },
];
