import { describe, expect, it } from 'vitest';
import {
  deceiveConsent001,
  deceiveConsent002,
  deceiveDl001,
  deceiveJump001,
  deceiveShake001,
} from '../../../src/analysis/rules/deceive.ts';
import { uxPopup001, uxPopup002, uxPopup003 } from '../../../src/analysis/rules/popups.ts';
import { uxStart001, uxStart002 } from '../../../src/analysis/rules/start.ts';
import { API, APP, fixture } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

const splash = (t: number, candidates: unknown[], more: Record<string, unknown> = {}) => ({
  windowId: 'w1',
  package: APP,
  activity: '.Splash',
  kind: 'splash',
  visibleAt: t,
  closeCandidates: candidates,
  ...more,
});
const skip = { text: '跳过', desc: '', bounds: [900, 100, 1060, 260], clickable: true };

describe('UX-POPUP-001 splash or pop-up cannot be closed', () => {
  it('flags countdown-only closing and a missing close button', () => {
    const countdown = fixture()
      .marker(0, 'LAUNCH')
      .ui(500, 'window', splash(500, [{ text: '5', clickable: false }]))
      .evidence();
    expect(violations(uxPopup001, countdown)[0]?.explanation).toBe(
      `The splash screen of ${APP} shown at 0.5 s could only be closed by waiting for its countdown.`,
    );
    const none = fixture().marker(0, 'LAUNCH').ui(500, 'window', splash(500, [])).evidence();
    expect(violations(uxPopup001, none)[0]?.explanation).toBe(
      `The splash screen of ${APP} shown at 0.5 s had no close or skip button that could be tapped within 1 s.`,
    );
  });

  it("does not judge other packages' windows: the home screen is not the app's splash", () => {
    const home = fixture()
      .marker(0, 'LAUNCH')
      .ui(
        500,
        'window',
        splash(500, [], { package: 'com.android.launcher3', activity: 'com.android.launcher3.Launcher' }),
      )
      .evidence();
    expect(violations(uxPopup001, home)).toEqual([]);
    expect(run(uxPopup001, home)[0]?.explanation).toBe(
      'Not evaluated: no splash screen or ad window was recorded.',
    );
  });

  it('passes a big skip button that closes with one tap; a clickable countdown label is fine', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .ui(500, 'window', splash(500, [{ ...skip, text: '5 跳过' }], { density: 2.5 }))
      .tap(2000, '5 跳过')
      .ui(2500, 'window', { ...splash(500, []), state: 'gone' })
      .evidence();
    expect(run(uxPopup001, ev)).toEqual([]);
    // First captured after the 1 s mark with a skip button: not blamed for the unseen first second.
    const late = fixture()
      .marker(0, 'LAUNCH')
      .ui(1800, 'window', splash(500, [skip]))
      .evidence();
    expect(run(uxPopup001, late)).toEqual([]);
    // A close that only becomes clickable later is a violation when the first second was captured.
    const slow = fixture()
      .marker(0, 'LAUNCH')
      .ui(600, 'window', splash(500, [{ text: '跳过', clickable: false }]))
      .ui(4000, 'window', splash(500, [skip]))
      .evidence();
    expect(violations(uxPopup001, slow)[0]?.data).toMatchObject({ kind: 'no-close' });
  });

  it('flags a too-small close target, an ineffective close and a jump on close', () => {
    const small = fixture()
      .marker(0, 'LAUNCH')
      .ui(500, 'window', splash(500, [{ ...skip, bounds: [1000, 100, 1060, 160] }], { density: 2.5 }))
      .evidence();
    expect(violations(uxPopup001, small)[0]?.explanation).toBe(
      `The close button of the splash screen of ${APP} shown at 0.5 s was only 24×24 dp, smaller than 48×48 dp.`,
    );
    const stuck = fixture()
      .marker(0, 'LAUNCH')
      .ui(500, 'window', splash(500, [skip]))
      .tap(2000, '跳过')
      .snapshot(5000)
      .evidence();
    expect(violations(uxPopup001, stuck)[0]?.explanation).toBe(
      `Tapping the close button of the splash screen of ${APP} shown at 0.5 s at 2 s did not close it within 2 s.`,
    );
    const jump = fixture()
      .marker(0, 'LAUNCH')
      .ui(400, 'foreground', { package: APP, activity: '.Splash' })
      .ui(500, 'window', splash(500, [skip]))
      .tap(2000, '跳过')
      .ui(2600, 'foreground', { package: 'com.taobao.taobao', activity: '.Detail' })
      .evidence();
    expect(violations(uxPopup001, jump)[0]?.explanation).toBe(
      `Tapping the close button of the splash screen of ${APP} shown at 0.5 s at 2 s opened another app (com.taobao.taobao).`,
    );
  });

  it('is not evaluated without splash or ad windows', () => {
    expect(run(uxPopup001, fixture().marker(0, 'LAUNCH').snapshot(1000).evidence())[0]?.status).toBe(
      'not-evaluated',
    );
  });
});

describe('UX-POPUP-002 full-screen hot zone', () => {
  it('flags a jump after a neutral tap and passes when neutral taps do nothing', () => {
    const ev = fixture()
      .ui(100, 'foreground', { package: APP, activity: '.Splash' })
      .ui(500, 'window', { ...splash(500, [skip]), kind: 'ad' })
      .tap(1000, '', { probe: 'hot-zone', x: 500, y: 900 })
      .ui(1500, 'foreground', { package: 'com.jd.app', activity: '.Main' })
      .evidence();
    expect(violations(uxPopup002, ev)[0]?.explanation).toBe(
      'Tapping an unlabelled part of an ad at 1 s opened com.jd.app.',
    );
    const ok = fixture()
      .ui(100, 'foreground', { package: APP, activity: '.Splash' })
      .marker(0, 'LAUNCH')
      .tap(1000, '', { probe: 'hot-zone' })
      .evidence();
    expect(run(uxPopup002, ok)).toEqual([]);
  });
});

describe('UX-POPUP-003 frequent pop-ups', () => {
  const popup = (id: string, t: number, state = 'shown') => ({
    windowId: id,
    package: APP,
    activity: '.Home',
    kind: 'dialog',
    visibleAt: t,
    marketing: true,
    texts: ['限时优惠'],
    state,
  });
  it('flags a pop-up that comes back on the same page, and more than 2 in 5 min', () => {
    const ev = fixture()
      .ui(1000, 'window', popup('a', 1000))
      .ui(3000, 'window', popup('a', 1000, 'gone'))
      .ui(8000, 'window', popup('b', 8000))
      .ui(60_000, 'window', popup('c', 60_000))
      .evidence();
    expect(violations(uxPopup003, ev).map((f) => f.explanation)).toEqual([
      'The app showed 3 marketing pop-ups within 5 min starting at 1 s.',
      `The pop-up of ${APP} appeared again at 8 s on the same page after the user closed it at 3 s.`,
    ]);
  });

  it('does not count pop-ups the user opened', () => {
    const ev = fixture()
      .ui(1000, 'window', popup('a', 1000))
      .tap(7500, 'Offers')
      .ui(8000, 'window', popup('b', 8000))
      .tap(59_500, 'Offers')
      .ui(60_000, 'window', popup('c', 60_000))
      .evidence();
    expect(run(uxPopup003, ev)).toEqual([]);
  });
});

describe('UX-START-001 self-start', () => {
  it('flags a start with no launch or tap, before consent', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .device(100, 'process-start', { package: APP, trigger: 'LAUNCH' })
      .marker(2000, 'FORCE_STOP')
      .device(600_000, 'process-start', { package: APP, trigger: 'android.net.conn.CONNECTIVITY_CHANGE' })
      .evidence();
    const [f] = violations(uxStart001, ev);
    expect(f?.explanation).toBe(
      'The app started itself without the user opening it at 10 min (triggered by android.net.conn.CONNECTIVITY_CHANGE), before the user accepted the privacy policy.',
    );
    expect(f?.evidence).toEqual([4]);
  });

  it('passes a 30-minute idle without self-starts and cannot clear a shorter one', () => {
    const idle = fixture()
      .marker(0, 'LAUNCH')
      .device(100, 'process-start', { package: APP })
      .marker(2000, 'FORCE_STOP')
      .snapshot(1_900_000)
      .evidence();
    expect(run(uxStart001, idle)).toEqual([]);
    const short = fixture()
      .marker(0, 'LAUNCH')
      .device(100, 'process-start', { package: APP })
      .marker(2000, 'FORCE_STOP')
      .snapshot(60_000)
      .evidence();
    expect(run(uxStart001, short)[0]?.explanation).toBe(
      'Not evaluated: the journey did not idle 30 min after a force-stop.',
    );
  });
});

describe('UX-START-002 associated start', () => {
  it('flags starting another app without a tap (C before consent); system targets and tapped shares are fine', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(1000, API.startService, [], { args: [{ package: 'com.tencent.mm', action: 'x' }] })
      .api(1100, API.startService, [], { args: [{ component: 'com.google.android.gms/.Svc' }] })
      .marker(3000, 'POLICY_ACCEPTED')
      .tap(5000, 'Share')
      .api(5500, API.startService, [], { args: [{ package: 'com.sina.weibo' }] })
      .evidence();
    const fs = violations(uxStart002, ev);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'C' });
    expect(fs[0]?.explanation).toBe(
      'The app started com.tencent.mm (startService) at 1 s without the user tapping anything, before the user accepted the privacy policy.',
    );
  });
});

describe('DECEIVE-SHAKE-001 hypersensitive shake', () => {
  it('flags a jump after a sub-threshold shake on an ad, not after a strong shake', () => {
    const base = () =>
      fixture()
        .marker(0, 'LAUNCH')
        .ui(100, 'foreground', { package: APP, activity: '.Splash' })
        .ui(500, 'window', { ...splash(500, [skip]), kind: 'ad', texts: ['摇一摇'] });
    const weak = base()
      .marker(1000, 'SHAKE', 'sub-accel', { accel: 12, durationMs: 2000 })
      .ui(2500, 'foreground', { package: 'com.taobao.taobao', activity: '.Main' })
      .evidence();
    expect(violations(deceiveShake001, weak)[0]?.explanation).toBe(
      `A gentle shake (12 m/s² for 2 s, below the national threshold) at 1 s on the ad of ${APP} made it jump to com.taobao.taobao.`,
    );
    const strong = base()
      .marker(1000, 'SHAKE', 'strong', { accel: 20, durationMs: 3500 })
      .ui(2500, 'foreground', { package: 'com.taobao.taobao', activity: '.Main' })
      .evidence();
    expect(run(deceiveShake001, strong)).toEqual([]);
  });

  it('reads a SHAKE marked when the shake began: jumps during it and shortly after count, earlier ones do not', () => {
    const base = () =>
      fixture()
        .marker(0, 'LAUNCH')
        .ui(100, 'foreground', { package: APP, activity: '.Splash' })
        .ui(500, 'window', { ...splash(500, [skip]), kind: 'ad', texts: ['摇一摇'] });
    const shake = { accel: 12, durationMs: 2000, stamped: 'start' };
    // Began at 1 s, played until 3 s: a jump at 5.5 s is within 3 s of its end.
    const late = base()
      .marker(1000, 'SHAKE', 'sub-accel', shake)
      .ui(5500, 'foreground', { package: 'com.taobao.taobao', activity: '.Main' })
      .evidence();
    expect(violations(deceiveShake001, late)).toHaveLength(1);
    // A jump before the shake began is not the shake's (it would be, read as stamped at the end).
    const before = base()
      .ui(900, 'foreground', { package: 'com.taobao.taobao', activity: '.Main' })
      .marker(1000, 'SHAKE', 'sub-accel', shake)
      .evidence();
    expect(run(deceiveShake001, before)).toEqual([]);
    const { stamped: _stamped, ...legacy } = shake;
    const beforeLegacy = base()
      .ui(900, 'foreground', { package: 'com.taobao.taobao', activity: '.Main' })
      .marker(1000, 'SHAKE', 'sub-accel', legacy)
      .evidence();
    expect(violations(deceiveShake001, beforeLegacy)).toHaveLength(1);
  });
});

describe('DECEIVE-JUMP-001 forced jump', () => {
  it('flags an automatic jump and an unnamed CTA, and passes a CTA that names the jump', () => {
    const auto = fixture()
      .ui(500, 'window', { ...splash(500, [skip]), kind: 'ad' })
      .ui(3000, 'foreground', { package: 'com.jd.app', activity: '.Main' })
      .evidence();
    expect(violations(deceiveJump001, auto)[0]?.explanation).toBe(
      `The ad of ${APP} shown at 0.5 s opened another app (com.jd.app) at 3 s without the user tapping it.`,
    );
    const tapped = fixture()
      .ui(500, 'window', { ...splash(500, [skip]), kind: 'ad' })
      .tap(2500, '立即购买')
      .ui(3000, 'foreground', { package: 'com.jd.app', activity: '.Main' })
      .evidence();
    expect(violations(deceiveJump001, tapped)[0]?.explanation).toBe(
      `The ad of ${APP} shown at 0.5 s opened another app (com.jd.app) at 3 s when the user tapped "立即购买", which does not say it opens another app.`,
    );
    const named = fixture()
      .ui(500, 'window', { ...splash(500, [skip]), kind: 'ad' })
      .tap(2500, '打开京东')
      .ui(3000, 'foreground', { package: 'com.jd.app', activity: '.Main' })
      .evidence();
    expect(run(deceiveJump001, named)).toEqual([]);
  });
});

describe('DECEIVE-DL-001 deceptive download', () => {
  it('flags an APK download without a download tap and passes one after 立即下载', () => {
    const bad = fixture()
      .marker(0, 'LAUNCH')
      .flow(4000, 'cdn.game.example.cn', [], { url: 'https://cdn.game.example.cn/x/game.apk' })
      .evidence();
    expect(violations(deceiveDl001, bad)[0]?.explanation).toBe(
      'The app started downloading an app (cdn.game.example.cn) at 4 s without the user tapping a download or install button.',
    );
    const ok = fixture()
      .marker(0, 'LAUNCH')
      .tap(3500, '立即下载')
      .flow(4000, 'cdn.game.example.cn', [], {
        responseHeaders: [['content-type', 'application/vnd.android.package-archive']],
      })
      .api(4000, API.enqueue, [])
      .evidence();
    expect(run(deceiveDl001, ok)).toEqual([]);
  });
});

describe('DECEIVE-CONSENT-001/002 consent dialog', () => {
  it('flags a pre-ticked policy checkbox', () => {
    const ev = fixture()
      .ui(1000, 'consent-dialog', {
        buttons: [],
        checkboxes: [{ text: '我已阅读并同意《隐私政策》', checked: true }],
      })
      .evidence();
    expect(violations(deceiveConsent001, ev)[0]?.explanation).toBe(
      'The consent checkbox "我已阅读并同意《隐私政策》" was already ticked when the dialog first appeared at 1 s.',
    );
    const ok = fixture()
      .ui(1000, 'consent-dialog', { checkboxes: [{ text: '我已阅读并同意《隐私政策》', checked: false }] })
      .evidence();
    expect(run(deceiveConsent001, ok)).toEqual([]);
  });

  it('flags a dialog with only "我知道了" (H) and passes 同意 + 不同意', () => {
    const vague = fixture()
      .ui(1000, 'consent-dialog', { buttons: [{ text: '我知道了' }] })
      .evidence();
    const [f] = violations(deceiveConsent002, vague);
    expect(f?.severity).toBe('H');
    expect(f?.explanation).toBe(
      'The consent dialog at 1 s offered no clear accept or clear refuse button (its buttons: "我知道了").',
    );
    const noRefuse = fixture()
      .ui(1000, 'consent-dialog', { buttons: [{ text: 'Agree' }, { text: 'Learn more about our partners' }] })
      .evidence();
    expect(violations(deceiveConsent002, noRefuse)[0]?.severity).toBe('M');
    const ok = fixture()
      .ui(1000, 'consent-dialog', { buttons: [{ text: '不同意' }, { text: '同意' }] })
      .evidence();
    expect(run(deceiveConsent002, ok)).toEqual([]);
    // Long labels are not clear choices (A4: ≤2× the keyword's length).
    const long = fixture()
      .ui(1000, 'consent-dialog', {
        buttons: [{ text: 'Reject' }, { text: 'I agree to share my data with partners' }],
      })
      .evidence();
    expect(violations(deceiveConsent002, long)[0]?.data).toMatchObject({ missing: ['accept'] });
  });
});
