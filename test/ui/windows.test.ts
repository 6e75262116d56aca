import { describe, expect, it } from 'vitest';
import { parsePage } from '../../src/ui/page.ts';
import { classify, classWords, isSplashActivity, WindowTracker } from '../../src/ui/windows.ts';
import type { WindowEvent } from '../../src/analysis/ui-events.ts';

const APP = 'com.example.shop';
const screen = { width: 1080, height: 2220 };

/** A full-screen UiAutomator2 page of one package with the given texts. */
function page(pkg: string, texts: string[], root = '[0,0][1080,2220]'): string {
  const kids = texts
    .map(
      (t, i) =>
        `<android.widget.TextView class="android.widget.TextView" package="${pkg}" text="${t}" resource-id="" content-desc="" clickable="true" bounds="[0,${i * 100}][1080,${i * 100 + 90}]"/>`,
    )
    .join('');
  return `<?xml version="1.0"?><hierarchy><android.widget.FrameLayout class="android.widget.FrameLayout" package="${pkg}" bounds="${root}">${kids}</android.widget.FrameLayout></hierarchy>`;
}

const look = (pkg: string, activity: string, texts: string[] = ['hello'], root?: string) => ({
  page: parsePage(page(pkg, texts, root)),
  pkg,
  appPkg: APP,
  activity,
  screen,
});

describe('window classification anchored on the app', () => {
  it('splits class names into CamelCase words', () => {
    expect(classWords('com.x.ui.SplashAdActivity$Inner')).toEqual(['splash', 'ad', 'activity']);
    expect(classWords('com.android.launcher3/.Launcher')).toEqual(['launcher']);
    expect(classWords('com.x.HTMLWelcome2Page')).toEqual(['html', 'welcome', 'page']);
  });

  it('takes only whole splash words of the class name', () => {
    for (const a of [
      `${APP}.SplashActivity`,
      `${APP}.ui.LaunchActivity`,
      `${APP}.WelcomeActivity`,
      `${APP}.StartupScreen`,
      'com.ads.sdk.SplashAdActivity',
    ])
      expect(isSplashActivity(a), a).toBe(true);
    for (const a of [
      `${APP}.WelcomeBackDialog`,
      `${APP}.RelaunchHelperActivity`,
      `${APP}.LaunchSettingsActivity`,
      `${APP}.StartupGuideActivity`,
      `${APP}.MainActivity`,
      `${APP}.SplashFragment`,
    ])
      expect(isSplashActivity(a), a).toBe(false);
  });

  it("never takes another package's window for the app's splash or ad", () => {
    // The home screen: AOSP Launcher3, and OEM launchers with "launch"/"welcome" in their names.
    expect(classify(look('com.android.launcher3', 'com.android.launcher3.Launcher'))).toBe('activity');
    expect(classify(look('com.miui.home', 'com.miui.home.launcher.Launcher'))).toBe('activity');
    expect(classify(look('com.oem.welcome', 'com.oem.welcome.WelcomeActivity'))).toBe('activity');
    // Another app showing 跳过 or an ad label is not the app's splash or ad either.
    expect(classify(look('com.other', 'com.other.SplashActivity', ['跳过 3']))).toBe('activity');
    expect(classify(look('com.other', 'com.other.Main', ['广告']))).toBe('activity');
    // The permission controller's dialog stays a dialog.
    expect(
      classify(
        look(
          'com.android.permissioncontroller',
          'com.android.permissioncontroller.permission.ui.GrantPermissionsActivity',
          ['Allow?'],
          '[48,1400][1032,2100]',
        ),
      ),
    ).toBe('dialog');
  });

  it("classifies the app's own windows by its activity names and texts", () => {
    expect(classify(look(APP, `${APP}.ui.LaunchActivity`))).toBe('splash');
    expect(classify(look(APP, `${APP}.WelcomeBackDialog`))).toBe('activity');
    expect(classify(look(APP, `${APP}.Main`, ['跳过 3']))).toBe('splash');
    expect(classify(look(APP, `${APP}.Main`, ['广告']))).toBe('ad');
    expect(classify(look(APP, `${APP}.Main`, ['hi'], '[60,700][1020,1500]'))).toBe('dialog');
  });

  it('records foreign dialogs with marketing words as not marketing', async () => {
    const seen: WindowEvent[] = [];
    const tracker = new WindowTracker((d) => seen.push(d));
    const dialog = '[60,700][1020,1500]';
    await tracker.observe(look('com.other', 'com.other.Main', ['限时优惠'], dialog), 1, async () => null);
    await tracker.observe(look(APP, `${APP}.Main`, ['限时优惠'], dialog), 2, async () => null);
    const shown = seen.filter((w) => w.state === 'shown');
    expect(shown.map((w) => [w.package, w.kind, w.marketing])).toEqual([
      ['com.other', 'dialog', false],
      [APP, 'dialog', true],
    ]);
  });
});
