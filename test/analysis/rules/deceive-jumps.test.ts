import { describe, expect, it } from 'vitest';
import { deceiveJump001, deceiveShake001 } from '../../../src/analysis/rules/deceive.ts';
import { APP, fixture } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

const ad = {
  windowId: 'w1',
  package: APP,
  activity: '.Splash',
  kind: 'ad',
  visibleAt: 500,
  closeCandidates: [],
};
const START = 'android.app.ContextImpl.startActivity';
const shake = { accel: 12, rotationDeg: 0, durationMs: 2000 };

/** Launch, the ad in front, then what the test adds. */
const base = () =>
  fixture()
    .marker(0, 'LAUNCH')
    .ui(100, 'foreground', { package: APP, activity: '.Splash' })
    .ui(500, 'window', { ...ad, texts: ['摇一摇'] });

describe('DECEIVE-SHAKE-001 on a journey that stamps SHAKE after playing the profile', () => {
  it('blames a jump during the shake itself, cited in time order', () => {
    const ev = base()
      .ui(1180, 'foreground', {
        package: 'com.android.chrome',
        activity: 'com.google.android.apps.chrome.Main',
      })
      .marker(1200, 'SHAKE', '12m/s2-2s-0deg', shake)
      .evidence();
    const [v] = violations(deceiveShake001, ev);
    expect(v?.explanation).toBe(
      `A gentle shake (12 m/s², 0° for 2 s, below the national threshold) at 1.2 s on the ad of ${APP} made it jump to com.android.chrome.`,
    );
    expect(v?.evidence).toEqual([3, 4, 5]);
  });

  it('does not blame the shake for a jump before the previous journey step', () => {
    const ev = base()
      .ui(900, 'foreground', {
        package: 'com.android.chrome',
        activity: 'com.google.android.apps.chrome.Main',
      })
      .marker(1000, 'LAUNCH', APP, { relaunch: true })
      .ui(1010, 'foreground', { package: APP, activity: '.Splash' })
      .marker(1500, 'SHAKE', '12m/s2-2s-0deg', shake)
      .evidence();
    expect(violations(deceiveShake001, ev)).toEqual([]);
  });

  it('counts an attempted jump: an Intent at another package that is not installed', () => {
    const ev = base()
      .api(1190, START, [], {
        category: 'associated-start',
        args: [{ package: 'com.taobao.taobao' }],
        ret: null,
      })
      .marker(1200, 'SHAKE', '12m/s2-2s-0deg', shake)
      .evidence();
    const [v] = violations(deceiveShake001, ev);
    expect(v?.data).toMatchObject({ to: 'com.taobao.taobao' });
    expect(v?.evidence).toEqual([3, 4, 5]);
    // An Intent at the app itself is not a jump out of it.
    const self = base()
      .api(1190, START, [], { category: 'associated-start', args: [{ package: APP }] })
      .marker(1200, 'SHAKE', '12m/s2-2s-0deg', shake)
      .evidence();
    expect(run(deceiveShake001, self)).toEqual([]);
  });
});

describe('DECEIVE-JUMP-001 targets', () => {
  it('counts the browser and the app store as jumps, not the permission prompt or the home screen', () => {
    const to = (pkg: string, activity: string) =>
      fixture().ui(500, 'window', ad).ui(3000, 'foreground', { package: pkg, activity }).evidence();
    expect(
      violations(deceiveJump001, to('com.android.chrome', 'com.google.android.apps.chrome.Main')),
    ).toHaveLength(1);
    expect(violations(deceiveJump001, to('com.android.vending', '.AssetBrowserActivity'))).toHaveLength(1);
    expect(
      violations(deceiveJump001, to('com.android.permissioncontroller', '.GrantPermissionsActivity')),
    ).toEqual([]);
    expect(violations(deceiveJump001, to('com.android.launcher3', 'com.android.launcher3.Launcher'))).toEqual(
      [],
    );
    expect(violations(deceiveJump001, to('com.miui.home', '.launcher.Launcher'))).toEqual([]);
  });
});

describe('DECEIVE-JUMP-001 timing', () => {
  it('counts a jump the foreground probe saw just after the window watcher saw the ad go', () => {
    const ev = fixture()
      .ui(500, 'window', ad)
      .ui(3000, 'window', { ...ad, state: 'gone' })
      .ui(3400, 'foreground', {
        package: 'com.android.chrome',
        activity: 'com.google.android.apps.chrome.Main',
      })
      .evidence();
    expect(violations(deceiveJump001, ev)[0]?.evidence).toEqual([1, 3]);
    const later = fixture()
      .ui(500, 'window', ad)
      .ui(3000, 'window', { ...ad, state: 'gone' })
      .ui(9000, 'foreground', {
        package: 'com.android.chrome',
        activity: 'com.google.android.apps.chrome.Main',
      })
      .evidence();
    expect(violations(deceiveJump001, later)).toEqual([]);
  });
});
