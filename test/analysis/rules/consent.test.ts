import { describe, expect, it } from 'vitest';
import {
  piConsent001,
  piConsent002,
  piConsent003,
  piConsent004,
  piConsent005,
} from '../../../src/analysis/rules/consent.ts';
import { API, FRAMEWORK_FRAME, fixture, sdkStack } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

describe('PI-CONSENT-001 collection before consent', () => {
  it('links an SDK read to the flow that sent it and explains it in one sentence', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(300, 'POLICY_SHOWN')
      .api(800, API.imei, ['imei'], { stack: sdkStack(API.imei) })
      .flow(1200, 'alog.umeng.com', [{ type: 'imei', encoding: 'md5-hex', where: 'body' }])
      .marker(5000, 'POLICY_ACCEPTED')
      .evidence();
    const [f, ...rest] = violations(piConsent001, ev);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      rule: 'PI-CONSENT-001',
      severity: 'C',
      evidence: [3, 4],
      clauses: ['R2 三.1', 'R1 违规收集个人信息 scenes 1.1-1/2', 'R9 §6.4'],
    });
    expect(f?.explanation).toBe(
      'Umeng (Alibaba) read the IMEI at 0.8 s and sent its MD5 hash to umeng.com at 1.2 s, before the user accepted the privacy policy.',
    );
  });

  it('does not blame reads after consent, within the ±500 ms ambiguity, or by framework-only stacks', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(1000, API.imei, ['imei'], { stack: [FRAMEWORK_FRAME] })
      .api(4700, API.imei, ['imei'])
      .marker(5000, 'POLICY_ACCEPTED')
      .api(6000, API.imei, ['imei'])
      .flow(7000, 'alog.umeng.com', [{ type: 'imei' }])
      .evidence();
    expect(run(piConsent001, ev)).toEqual([]);
  });

  it('counts a read that returned null as an attempt', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(900, API.androidId, ['androidId'], { ret: null })
      .marker(3000, 'POLICY_ACCEPTED')
      .evidence();
    const [f] = violations(piConsent001, ev);
    expect(f?.explanation).toBe(
      'The app read the Android ID at 0.9 s, before the user accepted the privacy policy.',
    );
  });

  it('is not evaluated when the device had no hooks and no leak was seen in traffic', () => {
    const ev = fixture({ capabilities: [] }).marker(0, 'LAUNCH').marker(2000, 'POLICY_ACCEPTED').evidence();
    const [f] = run(piConsent001, ev);
    expect(f).toMatchObject({ status: 'not-evaluated' });
    expect(f?.explanation).toBe(
      'Not evaluated: the sim device had no Frida hooks, so API calls were not recorded.',
    );
  });

  it('still reports a leak seen in traffic when hooks are missing', () => {
    const ev = fixture({ capabilities: [] })
      .marker(0, 'LAUNCH')
      .flow(1400, 'alog.umeng.com', [{ type: 'androidId' }])
      .marker(2000, 'POLICY_ACCEPTED')
      .evidence();
    const [f] = run(piConsent001, ev);
    expect(f?.status).toBe('violation');
    expect(f?.explanation).toBe(
      'The Android ID was sent in plain text to umeng.com at 1.4 s, before the user accepted the privacy policy.',
    );
  });

  it('is not evaluated when traffic could not be decrypted, never a pass', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .flow(1000, 'pinned.example.net', [], { tls: 'client-rejected-ca' })
      .marker(2000, 'POLICY_ACCEPTED')
      .evidence();
    const [f] = run(piConsent001, ev);
    expect(f?.status).toBe('not-evaluated');
    expect(f?.explanation).toBe(
      'Not evaluated: 1 connection could not be decrypted (pinned.example.net (client-rejected-ca)), so a leak there cannot be ruled out.',
    );
    expect(f?.evidence).toEqual([2]);
  });

  it('needs 70 s of observation when no consent decision was recorded', () => {
    const short = fixture()
      .marker(0, 'LAUNCH')
      .api(65_000, API.location, ['location'], { category: 'device-id' })
      .evidence();
    // 65 s without acceptance: the read is a violation …
    expect(violations(piConsent001, short)).toHaveLength(1);
    const quiet = fixture().marker(0, 'LAUNCH').snapshot(20_000).evidence();
    // … and a quiet 20 s session cannot be cleared.
    expect(run(piConsent001, quiet)[0]?.explanation).toBe(
      'Not evaluated: no consent decision was recorded and the app was observed for only 20 s of the 70 s needed.',
    );
  });
});

describe('PI-CONSENT-002 permission before consent', () => {
  it('flags a prompt before acceptance but not one the OS drew by itself', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(1500, 'PERM_PROMPT', 'android.permission.ACCESS_FINE_LOCATION')
      .marker(1600, 'PERM_PROMPT', 'android.permission.POST_NOTIFICATIONS', { requestedBy: 'os' })
      .marker(4000, 'POLICY_ACCEPTED')
      .snapshot(4100)
      .evidence();
    const [f, ...rest] = violations(piConsent002, ev);
    expect(rest).toEqual([]);
    expect(f?.evidence).toEqual([2]);
    expect(f?.explanation).toBe(
      'The app asked for the permission ACCESS_FINE_LOCATION at 1.5 s, before the user accepted the privacy policy.',
    );
  });

  it('flags a requestPermissions call before consent and passes prompts after it', () => {
    const bad = fixture()
      .marker(0, 'LAUNCH')
      .api(1000, API.requestPermissions, [], { args: [['android.permission.CAMERA'], 1] })
      .marker(3000, 'POLICY_ACCEPTED')
      .snapshot(3100)
      .evidence();
    expect(violations(piConsent002, bad)[0]?.data).toMatchObject({ permissions: ['CAMERA'] });
    const ok = fixture()
      .marker(0, 'LAUNCH')
      .marker(3000, 'POLICY_ACCEPTED')
      .marker(4000, 'PERM_PROMPT', 'CAMERA')
      .snapshot(4100)
      .evidence();
    expect(run(piConsent002, ok)).toEqual([]);
  });
});

describe('PI-CONSENT-003 first-run notice', () => {
  it('flags a missing notice, passes a timely one and cannot judge a too-short session', () => {
    const none = fixture().marker(0, 'LAUNCH').snapshot(12_000).evidence();
    expect(violations(piConsent003, none)[0]?.explanation).toBe(
      'The app did not show its privacy policy within 10 s of its first launch.',
    );
    const late = fixture().marker(0, 'LAUNCH').marker(15_000, 'POLICY_SHOWN').snapshot(15_000).evidence();
    expect(violations(piConsent003, late)[0]?.explanation).toBe(
      'The app showed its privacy policy only 15 s after its first launch, later than 10 s.',
    );
    const ok = fixture().marker(0, 'LAUNCH').marker(2000, 'POLICY_SHOWN').snapshot(2000).evidence();
    expect(run(piConsent003, ok)).toEqual([]);
    const short = fixture().marker(0, 'LAUNCH').snapshot(3000).evidence();
    expect(run(piConsent003, short)[0]?.status).toBe('not-evaluated');
  });

  it('takes the notice window from the params', () => {
    const late = fixture().marker(0, 'LAUNCH').marker(15_000, 'POLICY_SHOWN').snapshot(15_000).evidence();
    expect(run(piConsent003, late, { noticeWithinMs: 20_000 })).toEqual([]);
    // Config files write durations in seconds under the name without Ms.
    expect(run(piConsent003, late, { noticeWithin: 20 })).toEqual([]);
  });
});

describe('PI-CONSENT-004 collection after refusal', () => {
  it('flags reads after refusing the policy, after the 1 s grace', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(2000, 'POLICY_REFUSED')
      .api(2500, API.imei, ['imei'])
      .api(4000, API.androidId, ['androidId'], { stack: sdkStack(API.androidId) })
      .evidence();
    const fs = violations(piConsent004, ev);
    expect(fs).toHaveLength(1);
    expect(fs[0]?.explanation).toBe(
      'Umeng (Alibaba) read the Android ID at 4 s, after the user refused the privacy policy.',
    );
    expect(fs[0]?.evidence).toEqual([2, 4]);
  });

  it('ties a permission denial to the data that permission unlocks', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(500, 'POLICY_ACCEPTED')
      .marker(3000, 'PERM_DENIED', 'ACCESS_FINE_LOCATION')
      .api(6000, API.location, ['location'])
      .api(6100, API.imei, ['imei'])
      .evidence();
    const fs = violations(piConsent004, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The app read the location at 6 s, after the user denied the permission ACCESS_FINE_LOCATION.',
    ]);
  });

  it('lets basic mode use R8-necessary data (a navigation app may read the location)', () => {
    const ev = fixture({ category: 'maps-navigation' })
      .marker(0, 'LAUNCH')
      .marker(2000, 'POLICY_REFUSED')
      .api(6000, API.location, ['location'])
      .evidence();
    expect(run(piConsent004, ev)).toEqual([]);
  });

  it('is not evaluated when nothing was refused', () => {
    const ev = fixture().marker(0, 'LAUNCH').marker(500, 'POLICY_ACCEPTED').evidence();
    expect(run(piConsent004, ev)[0]?.explanation).toBe(
      'Not evaluated: the journey neither refused the privacy policy nor denied a permission.',
    );
  });
});

describe('PI-CONSENT-005 permission state changed', () => {
  it('flags a re-enable the user did not make, not an OS reset', () => {
    const ev = fixture()
      .device(1000, 'permission-state', {
        permissions: { 'android.permission.CAMERA': false, 'android.permission.READ_CONTACTS': true },
      })
      .device(9000, 'permission-state', {
        permissions: { 'android.permission.CAMERA': true, 'android.permission.READ_CONTACTS': false },
        when: 'after-relaunch',
      })
      .evidence();
    const fs = violations(piConsent005, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The permission CAMERA was switched back on at 9 s (after-relaunch) although the user did not grant it.',
    ]);
    const granted = fixture()
      .device(1000, 'permission-state', { permissions: { CAMERA: false } })
      .marker(2000, 'PERM_GRANTED', 'CAMERA')
      .device(9000, 'permission-state', { permissions: { CAMERA: true } })
      .evidence();
    expect(run(piConsent005, granted)).toEqual([]);
  });
});
