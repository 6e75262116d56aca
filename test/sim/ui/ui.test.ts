import fs from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import xpath from 'xpath';
import { SimDevice } from '../../../src/sim/device/device.ts';
import { SimUi } from '../../../src/sim/ui/ui.ts';
import { node, type UiWindow } from '../../../src/sim/ui/types.ts';
import { pageSource } from '../../../src/sim/ui/page-source.ts';
import { readPng } from './png-read.ts';

const PKG = 'com.android.settings';

function policyDialog(taps: string[]): UiWindow {
  return {
    id: 'd1',
    kind: 'dialog',
    package: PKG,
    activity: `${PKG}.Settings`,
    dimBehind: true,
    root: node({
      class: 'android.widget.FrameLayout',
      package: PKG,
      bounds: [90, 700, 990, 1600],
      style: { background: '#ffffff', radius: 24 },
      children: [
        node({
          class: 'android.widget.TextView',
          resourceId: `${PKG}:id/title`,
          text: '用户协议与隐私政策 Privacy Policy',
          package: PKG,
          bounds: [90, 720, 990, 820],
          style: { fontSize: 48, bold: true, align: 'center' },
        }),
        node({
          class: 'android.widget.CheckBox',
          resourceId: `${PKG}:id/agree_box`,
          text: '我已阅读并同意《隐私政策》',
          checkable: true,
          clickable: true,
          package: PKG,
          bounds: [110, 1200, 970, 1300],
        }),
        node({
          class: 'android.widget.EditText',
          resourceId: `${PKG}:id/name`,
          hint: '昵称',
          focusable: true,
          clickable: true,
          package: PKG,
          bounds: [110, 1320, 970, 1420],
        }),
        node({
          class: 'android.widget.Button',
          resourceId: `${PKG}:id/agree`,
          text: '同意',
          clickable: true,
          package: PKG,
          bounds: [540, 1460, 960, 1580],
          style: { background: '#1a73e8', color: '#ffffff' },
        }),
        node({
          class: 'android.widget.Button',
          resourceId: `${PKG}:id/refuse`,
          text: '不同意',
          clickable: true,
          package: PKG,
          bounds: [120, 1460, 530, 1580],
        }),
      ],
    }),
    onTap: ({ node: n }) => taps.push(n.resourceId),
  };
}

function settingsOnTop(): { device: SimDevice; taps: string[] } {
  const device = new SimDevice('ui-test');
  device.startActivity(PKG);
  const taps: string[] = [];
  device.ui.openDialog(policyDialog(taps));
  return { device, taps };
}

describe('SimUi', () => {
  it('writes page source in UiAutomator2 shape so device XPath works', () => {
    const { device } = settingsOnTop();
    const xml = device.ui.pageSource();
    expect(xml.startsWith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>")).toBe(true);
    expect(xml).toContain('<hierarchy index="0" class="hierarchy" rotation="0" width="1080"');
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const agree = xpath.select("//android.widget.Button[@text='同意']", doc as unknown as Node) as Element[];
    expect(agree).toHaveLength(1);
    expect(agree[0]?.getAttribute('resource-id')).toBe(`${PKG}:id/agree`);
    expect(agree[0]?.getAttribute('bounds')).toBe('[540,1460][960,1580]');
    expect(agree[0]?.getAttribute('index')).toBe('3');
    for (const a of [
      'package',
      'class',
      'content-desc',
      'checkable',
      'checked',
      'clickable',
      'enabled',
      'focusable',
      'focused',
      'long-clickable',
      'password',
      'scrollable',
      'selected',
      'displayed',
    ])
      expect(agree[0]?.hasAttribute(a), a).toBe(true);
    // The dialog is the active window: the screen below is not in the dump.
    expect(xpath.select('//*[@resource-id="android:id/title"]', doc as unknown as Node)).toHaveLength(0);
  });

  it('escapes markup and names elements after their class', () => {
    const xml = pageSource([node({ class: 'a$b', text: '<&"\'>', package: 'p', bounds: [0, 0, 1, 1] })], {
      width: 1,
      height: 1,
    });
    expect(xml).toContain('<a_b index="0" package="p" class="a$b" text="&lt;&amp;&quot;&apos;&gt;"');
  });

  it('taps hit the top window, toggle checkboxes, focus and type into edit fields', () => {
    const { device, taps } = settingsOnTop();
    expect(device.ui.windows().map((w) => w.kind)).toEqual(['dialog', 'activity']);
    const box = device.ui.find((n) => n.resourceId.endsWith('agree_box'));
    expect(box?.checked).toBe(false);
    // Through the shell path, as `adb shell input tap` does.
    device.input({ kind: 'tap', x: 500, y: 1250 });
    expect(box?.checked).toBe(true);
    expect(taps).toEqual([`${PKG}:id/agree_box`]);
    // Outside the dialog: modal, nothing below is hit.
    expect(device.ui.tap(10, 2000)).toBeUndefined();
    expect(device.ui.typeText('x')).toBe(false);
    device.input({ kind: 'tap', x: 500, y: 1370 });
    device.input({ kind: 'text', text: '小明 Ming' });
    expect(device.ui.find((n) => n.resourceId.endsWith(':id/name'))?.text).toBe('小明 Ming');
    const agree = device.ui.find((n) => n.text === '同意');
    expect(agree).toBeDefined();
    const [x, y] = SimUi.centre(agree!);
    expect(device.ui.tap(x, y)?.resourceId).toBe(`${PKG}:id/agree`);
    expect(taps.at(-1)).toBe(`${PKG}:id/agree`);
  });

  it('BACK closes the top dialog before it finishes the activity', () => {
    const { device } = settingsOnTop();
    device.input({ kind: 'key', code: 4, name: 'KEYCODE_BACK' });
    expect(device.ui.windows().map((w) => w.kind)).toEqual(['activity']);
    expect(device.foreground().pkg).toBe(PKG);
    device.input({ kind: 'key', code: 4, name: 'KEYCODE_BACK' });
    expect(device.foreground().pkg).toBe('com.android.launcher3');
    expect(device.ui.windows()[0]?.kind).toBe('home');
  });

  it('reuses the last screenshot until something visible changes', () => {
    const { device } = settingsOnTop();
    const first = device.screenshot();
    expect(device.screenshot()).toBe(first);
    device.input({ kind: 'tap', x: 500, y: 1250 });
    const checked = device.screenshot();
    expect(checked).not.toBe(first);
    expect(checked.equals(first)).toBe(false);
  });

  it('renders a Chinese screen to a real PNG with drawn text', async () => {
    const { device } = settingsOnTop();
    const png = device.screenshot();
    const img = await readPng(png);
    expect([img.width, img.height]).toEqual([1080, 2340]);
    // Inside the title bar of the dialog: dark glyph pixels on white.
    const title = img.region(100, 725, 980, 815);
    expect(title.dark).toBeGreaterThan(2000);
    expect(title.light).toBeGreaterThan(10000);
    // Behind the dialog the screen is dimmed (no pure white left there).
    expect(img.region(0, 2000, 1080, 2200).maxLuma).toBeLessThan(140);
    if (process.env.SIM_SCREENSHOT) fs.writeFileSync(process.env.SIM_SCREENSHOT, png);
  });
});
