import { describe, expect, it } from 'vitest';
import {
  elementId,
  parseDump,
  parseElementId,
  snapshot,
  type Snapshot,
} from '../../../src/sim/appium/hierarchy.ts';
import { locate } from '../../../src/sim/appium/locators/index.ts';
import { windowDump } from '../../../src/sim/shell/commands/uiautomator.ts';
import { node, type UiNode } from '../../../src/sim/ui/types.ts';

const PKG = 'com.example.app';

function screen(extra: UiNode[] = []): UiNode {
  return node({
    class: 'android.widget.FrameLayout',
    package: PKG,
    bounds: [0, 0, 1080, 2340],
    children: [
      node({
        class: 'android.widget.TextView',
        package: PKG,
        resourceId: `${PKG}:id/title`,
        text: '隐私政策 Privacy',
        bounds: [0, 0, 1080, 200],
      }),
      node({
        class: 'android.widget.EditText',
        package: PKG,
        resourceId: `${PKG}:id/name`,
        text: '',
        bounds: [0, 200, 1080, 400],
        focusable: true,
      }),
      node({
        class: 'android.widget.Button',
        package: PKG,
        resourceId: `${PKG}:id/agree`,
        text: '同意',
        clickable: true,
        bounds: [0, 400, 540, 600],
      }),
      node({
        class: 'android.widget.Button',
        package: PKG,
        resourceId: `${PKG}:id/refuse`,
        text: '不同意',
        contentDesc: 'refuse "now"',
        clickable: true,
        bounds: [540, 400, 1080, 600],
      }),
      node({
        class: 'android.widget.CheckBox',
        package: PKG,
        text: 'Remember',
        checkable: true,
        checked: true,
        bounds: [0, 600, 1080, 700],
      }),
      ...extra,
    ],
  });
}

/** The way the driver sees a screen: through the sim's uiautomator dump. */
function look(root: UiNode): Snapshot {
  return snapshot(parseDump(`${windowDump(root)}UI hierchary dumped to: /dev/tty\n`), {
    width: 1080,
    height: 2340,
  });
}

const texts = (snap: Snapshot, strategy: string, sel: string): string[] =>
  locate(strategy, sel, snap).map((e) => e.node.text);

describe('sim driver locators', () => {
  const snap = look(screen());

  it('writes the page source in UiAutomator2 shape with every attribute the dump carried', () => {
    expect(snap.xml).toContain(
      '<hierarchy index="0" class="hierarchy" rotation="0" width="1080" height="2340">',
    );
    expect(snap.xml).toContain(
      `<android.widget.Button index="2" package="${PKG}" class="android.widget.Button" text="同意" resource-id="${PKG}:id/agree"`,
    );
    expect(snap.xml).toContain('content-desc="refuse &quot;now&quot;"');
    expect(snap.entries).toHaveLength(6);
  });

  it('finds by id with and without the package, by accessibility id and class name', () => {
    expect(texts(snap, 'id', 'agree')).toEqual(['同意']);
    expect(texts(snap, 'id', `${PKG}:id/agree`)).toEqual(['同意']);
    expect(texts(snap, 'id', 'other.pkg:id/agree')).toEqual([]);
    expect(texts(snap, 'accessibility id', 'refuse "now"')).toEqual(['不同意']);
    expect(texts(snap, 'class name', 'android.widget.Button')).toEqual(['同意', '不同意']);
  });

  it('evaluates XPath over the UiAutomator2-shaped source', () => {
    expect(texts(snap, 'xpath', "//android.widget.Button[@text='同意']")).toEqual(['同意']);
    expect(texts(snap, 'xpath', "//*[contains(@text,'Privacy')]")).toEqual(['隐私政策 Privacy']);
    expect(texts(snap, 'xpath', '//*[@checkable="true" and @checked="true"]')).toEqual(['Remember']);
    expect(() => locate('xpath', '//*[', snap)).toThrow(/Invalid XPath/);
    expect(() => locate('xpath', 'count(//*)', snap)).toThrow(/does not select elements/);
  });

  it('understands the common UiSelector forms, chained and ;-separated', () => {
    const ui = (s: string): string[] => texts(snap, '-android uiautomator', s);
    expect(ui('new UiSelector().text("同意")')).toEqual(['同意']);
    expect(ui('new UiSelector().textContains("同意")')).toEqual(['同意', '不同意']);
    expect(ui('new UiSelector().textMatches("不?同意")')).toEqual(['同意', '不同意']);
    expect(ui('new UiSelector().textMatches("同")')).toEqual([]); // Java matches(): whole string
    expect(ui('new UiSelector().textStartsWith("隐私")')).toEqual(['隐私政策 Privacy']);
    expect(ui(`new UiSelector().resourceId("${PKG}:id/refuse")`)).toEqual(['不同意']);
    expect(ui('new UiSelector().description("refuse \\"now\\"")')).toEqual(['不同意']);
    expect(ui('new UiSelector().className("android.widget.Button").clickable(true).instance(1)')).toEqual([
      '不同意',
    ]);
    expect(ui('new UiSelector().className("android.widget.Button").index(2)')).toEqual(['同意']);
    expect(ui('new UiSelector().checked(true); new UiSelector().text("同意")')).toEqual(['Remember', '同意']);
    expect(ui('new UiSelector().text("a;b")')).toEqual([]);
  });

  it('refuses selectors it cannot honour with an invalid-selector error', () => {
    for (const bad of [
      'new UiScrollable(new UiSelector().scrollable(true)).scrollIntoView(new UiSelector().text("x"))',
      'new UiSelector().text("unterminated)',
      'new UiSelector().childSelector(new UiSelector().text("x"))',
      'new UiSelector().clickable("yes")',
      'new UiSelector().textMatches("(")',
    ]) {
      expect(() => locate('-android uiautomator', bad, snap), bad).toThrow(/Invalid UiSelector/);
    }
    expect(() => locate('css selector', 'button', snap)).toThrow(/not supported by the sim driver/);
  });

  it('keeps element ids while only texts and states change, and changes them with the screen', () => {
    const agree = locate('id', 'agree', snap)[0];
    if (!agree) throw new Error('agree not found');
    const id = elementId(snap, agree);
    const typed = screen();
    (typed.children[1] as UiNode).text = 'typed';
    (typed.children[4] as UiNode).checked = false;
    const again = look(typed);
    expect(again.key).toBe(snap.key);
    expect(again.byPath.get(parseElementId(id)?.path ?? '')?.node.text).toBe('同意');
    const other = look(screen([node({ class: 'android.widget.TextView', package: PKG, text: 'new' })]));
    expect(other.key).not.toBe(snap.key);
    expect(parseElementId('not-an-id')).toBeUndefined();
  });

  it('scopes a search to an element subtree', () => {
    const root = snap.entries[0];
    const button = locate('id', 'agree', snap)[0];
    if (!root || !button) throw new Error('missing entries');
    expect(locate('class name', 'android.widget.Button', snap, root).map((e) => e.node.text)).toEqual([
      '同意',
      '不同意',
    ]);
    expect(locate('class name', 'android.widget.Button', snap, button)).toEqual([]);
    expect(locate('xpath', './/android.widget.CheckBox', snap, root).map((e) => e.node.text)).toEqual([
      'Remember',
    ]);
  });
});
