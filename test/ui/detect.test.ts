import { describe, expect, it } from 'vitest';
import { STEP_DEFINITIONS } from '../../src/config/steps/index.ts';
import { detectConsent } from '../../src/ui/consent.ts';
import { ACCEPT_LABELS } from '../../src/ui/data/consent-keywords.ts';
import { labelMatches } from '../../src/ui/labels.ts';
import { findNodes, parsePage } from '../../src/ui/page.ts';
import { buttonFor, detectPermissionPrompt } from '../../src/ui/permission-dialog.ts';
import { buildExecutorRegistry, STEP_EXECUTORS } from '../../src/ui/steps/index.ts';
import { parseRequested } from '../../src/ui/requested.ts';
import { classify, isCloseCandidate } from '../../src/ui/windows.ts';

type N = {
  text?: string;
  id?: string;
  desc?: string;
  pkg?: string;
  cls?: string;
  b?: string;
  click?: boolean;
  checkable?: boolean;
  checked?: boolean;
};
/** UiAutomator2-shaped page source (element names are classes). */
function page(nodes: N[], root = '[0,0][1080,2220]'): string {
  const kids = nodes
    .map((n) => {
      const cls = n.cls ?? (n.click ? 'android.widget.Button' : 'android.widget.TextView');
      return `<${cls} class="${cls}" package="${n.pkg ?? 'com.x'}" text="${n.text ?? ''}" resource-id="${n.id ?? ''}" content-desc="${n.desc ?? ''}" clickable="${n.click ?? false}" checkable="${n.checkable ?? false}" checked="${n.checked ?? false}" bounds="${n.b ?? '[0,0][100,100]'}"/>`;
    })
    .join('');
  return `<?xml version="1.0"?><hierarchy><android.widget.FrameLayout class="android.widget.FrameLayout" package="${nodes[0]?.pkg ?? 'com.x'}" bounds="${root}">${kids}</android.widget.FrameLayout></hierarchy>`;
}

describe('consent labels (RULES.md A4: word boundary, ≤ 2× the keyword)', () => {
  const agree = ACCEPT_LABELS.find((k) => k.text === 'Agree')!;
  it('matches short labels at word boundaries only', () => {
    expect(labelMatches('I Agree', agree)).toBe(true);
    expect(labelMatches('AGREE!', agree)).toBe(true);
    expect(labelMatches('Disagree', agree)).toBe(false);
    expect(labelMatches('I agree to everything here', agree)).toBe(false);
  });

  it('tells refuse from accept although 不同意 contains 同意; records pre-ticked boxes and ambiguous buttons', () => {
    const c = detectConsent(
      parsePage(
        page([
          { text: '欢迎使用！请阅读《隐私政策》' },
          { text: '不同意', click: true },
          { text: '同意并继续', click: true },
          { text: '我知道了', click: true },
          { checkable: true, checked: true, click: true, cls: 'android.widget.CheckBox' },
        ]),
      ),
    );
    expect(c?.refuse?.text).toBe('不同意');
    expect(c?.accept?.text).toBe('同意并继续');
    expect(c?.ambiguous.map((n) => n.text)).toEqual(['我知道了']);
    expect(c?.checkboxes[0]?.node.checked).toBe(true);
  });

  it('needs policy words: an 同意 button alone is not a consent dialog', () => {
    expect(detectConsent(parsePage(page([{ text: '同意', click: true }])))).toBeNull();
    const en = detectConsent(
      parsePage(
        page([{ text: 'We value your privacy. See our Privacy Policy.' }, { text: 'Decline', click: true }]),
      ),
    );
    expect(en?.refuse?.text).toBe('Decline');
    expect(en?.accept).toBeUndefined();
  });
});

describe('permission dialog across versions', () => {
  it('Android 6–9 package installer ids, group from the message', () => {
    const p = detectPermissionPrompt(
      parsePage(
        page([
          {
            pkg: 'com.android.packageinstaller',
            id: 'com.android.packageinstaller:id/permission_message',
            text: "Allow Foo to access this device's location?",
          },
          {
            pkg: 'com.android.packageinstaller',
            id: 'com.android.packageinstaller:id/permission_allow_button',
            text: 'ALLOW',
            click: true,
          },
          {
            pkg: 'com.android.packageinstaller',
            id: 'com.android.packageinstaller:id/permission_deny_button',
            text: 'DENY',
            click: true,
          },
        ]),
      ),
    );
    expect(p?.group).toBe('android.permission-group.LOCATION');
    expect(buttonFor(p!, 'allowOnce')?.text).toBe('ALLOW');
    expect(buttonFor(p!, 'denyForever')?.text).toBe('DENY');
  });

  it('an OEM dialog without AOSP ids, by its button texts; call logs before phone', () => {
    const p = detectPermissionPrompt(
      parsePage(
        page([
          { pkg: 'com.lbe.security.miui', text: '要允许“示例”访问您的通话记录吗？' },
          { pkg: 'com.lbe.security.miui', text: '拒绝', click: true },
          { pkg: 'com.lbe.security.miui', text: '仅在使用该应用期间允许', click: true },
        ]),
      ),
    );
    expect(p?.group).toBe('android.permission-group.CALL_LOG');
    expect(buttonFor(p!, 'allow')?.text).toBe('仅在使用该应用期间允许');
    expect(buttonFor(p!, 'deny')?.text).toBe('拒绝');
  });

  it('reads the requested permissions block of dumpsys package', () => {
    const text = [
      'Packages:',
      '  Package [com.x] (1a2b):',
      '    requested permissions:',
      '      android.permission.INTERNET',
      '      android.permission.READ_CONTACTS, restricted=false',
      '    install permissions:',
      '      android.permission.INTERNET: granted=true',
    ].join('\n');
    expect(parseRequested(text)).toEqual(['android.permission.INTERNET', 'android.permission.READ_CONTACTS']);
  });

  it('an app screen with 允许 is not the system dialog', () => {
    expect(detectPermissionPrompt(parsePage(page([{ text: '允许', click: true }])))).toBeNull();
  });
});

describe('page and windows', () => {
  it('selectors: text, /regex/, bare id, xpath', () => {
    const p = parsePage(
      page([
        { text: '同意', id: 'com.x:id/agree', click: true },
        { text: 'Skip 5s', click: true },
      ]),
    );
    expect(findNodes(p, { id: 'agree' })).toHaveLength(1);
    expect(findNodes(p, { text: '/^Skip \\d+s$/' })).toHaveLength(1);
    expect(findNodes(p, { xpath: "//android.widget.Button[@text='同意']" })).toHaveLength(1);
    expect(findNodes(p, { text: 'Skip' })).toHaveLength(0);
  });

  it('close/skip candidates by text, content-desc or id, not long texts', () => {
    const p = parsePage(
      page([
        { text: '跳过 3', click: true },
        { desc: 'Close', click: true },
        { id: 'com.x:id/iv_close', click: true },
        { text: '关闭此功能将无法使用完整服务，请谨慎操作' },
        { text: '立即下载', click: true },
      ]),
    );
    expect(p.nodes.filter(isCloseCandidate).map((n) => n.text || n.desc || n.id)).toEqual([
      '跳过 3',
      'Close',
      'com.x:id/iv_close',
    ]);
  });

  it('classifies dialogs by root size, ads by their label', () => {
    const screen = { width: 1080, height: 2220 };
    const o = (xml: string, activity = 'com.x.Main') => ({
      page: parsePage(xml),
      pkg: 'com.x',
      appPkg: 'com.x',
      activity,
      screen,
    });
    expect(classify(o(page([{ text: 'hi' }], '[60,700][1020,1500]')))).toBe('dialog');
    expect(classify(o(page([{ text: '广告' }, { text: '跳过 3', click: true }])))).toBe('ad');
    expect(classify(o(page([{ text: '跳过 3', click: true }])))).toBe('splash');
    expect(classify(o(page([{ text: 'hi' }])))).toBe('activity');
  });
});

describe('step executor registry', () => {
  it('pairs every step definition with an executor', () => {
    const reg = buildExecutorRegistry(STEP_DEFINITIONS, STEP_EXECUTORS);
    expect([...reg.keys()].sort()).toEqual(STEP_DEFINITIONS.map((d) => d.name).sort());
  });

  it('fails at start-up on a missing, duplicate or unknown executor', () => {
    expect(() => buildExecutorRegistry(STEP_DEFINITIONS, STEP_EXECUTORS.slice(1))).toThrow(
      /'launchApp': it has no executor/,
    );
    expect(() => buildExecutorRegistry(STEP_DEFINITIONS, [...STEP_EXECUTORS, STEP_EXECUTORS[0]!])).toThrow(
      /two executors/,
    );
    expect(() => buildExecutorRegistry(STEP_DEFINITIONS, [...STEP_EXECUTORS, { name: 'fly' }])).toThrow(
      /no step definition has that name/,
    );
  });
});
