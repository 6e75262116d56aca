/**
 * Rules that look up the denial, grant, prompt or exit around an event binary-search the time-ordered
 * lists instead of scanning them. These sessions have several denial/grant cycles so that the search
 * must land on the right one, not just the first or the last.
 */
import { describe, expect, it } from 'vitest';
import { piConsent004 } from '../../src/analysis/rules/consent.ts';
import { perm001, perm002 } from '../../src/analysis/rules/permissions.ts';
import { API, APP, fixture, sdkStack } from '../fixtures/sessions/factory.ts';
import { violations } from './rules/helpers.ts';

const PHONE = 'android.permission.READ_PHONE_STATE';
const FINE = 'android.permission.ACCESS_FINE_LOCATION';
const CAM = 'android.permission.CAMERA';

describe('PI-CONSENT-004 with denial/grant cycles', () => {
  it('blames reads while a permission stood denied, not while it was granted again', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(500, 'POLICY_ACCEPTED')
      .marker(1000, 'PERM_DENIED', PHONE) // 3
      .marker(2000, 'PERM_DENIED', FINE) // 4
      .api(3000, API.imei, ['imei'], { stack: sdkStack(API.imei) }) // 5: denied
      .marker(5000, 'PERM_GRANTED', PHONE) // 6
      .api(6000, API.imei, ['imei'], { stack: sdkStack(API.imei) }) // 7: granted again
      .api(7000, API.location, ['location']) // 8: location still denied
      .marker(9000, 'PERM_DENIED', PHONE) // 9
      .api(9500, API.imei, ['imei'], { stack: sdkStack(API.imei) }) // 10: within the refusal grace
      .api(12_000, API.imei, ['imei'], { stack: sdkStack(API.imei) }) // 11: denied again
      .snapshot(20_000)
      .evidence();
    const fs = violations(piConsent004, ev);
    expect(fs.map((f) => [f.data?.key, f.data?.reads, f.evidence])).toEqual([
      ['umeng|permission:READ_PHONE_STATE', 2, [3, 5, 11]],
      ['app|permission:ACCESS_FINE_LOCATION', 1, [4, 8]],
    ]);
  });
});

describe('PERM-002 with several denials', () => {
  it('blames a prompt on the denial of its own permission within the quiet period', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(1000, 'PERM_DENIED', CAM) // 2
      .marker(2000, 'PERM_DENIED', FINE) // 3
      .marker(20_000, 'PERM_PROMPT', FINE) // 4: 18 s after its denial
      .marker(50_000, 'PERM_PROMPT', CAM) // 5: 49 s after its denial: outside 30 s
      .marker(60_000, 'PERM_PROMPT', FINE) // 6: 58 s after
      .marker(100_000, 'PERM_DENIED', CAM) // 7
      .marker(120_000, 'PERM_PROMPT', CAM) // 8: 20 s after the second denial
      .snapshot(130_000)
      .evidence();
    const fs = violations(perm002, ev, { quietMs: 30_000 });
    expect(fs.map((f) => [f.data?.key, f.data?.deniedAt, f.evidence])).toEqual([
      ['ACCESS_FINE_LOCATION', 2000, [3, 4]],
      ['CAMERA', 100_000, [7, 8]],
    ]);
  });
});

describe('PERM-001 exits among many markers', () => {
  it('finds the exit inside each denial window and none outside it', () => {
    const fx = fixture()
      .marker(0, 'LAUNCH')
      .ui(100, 'foreground', { package: APP, activity: '.Main' })
      .marker(3000, 'PERM_DENIED', CAM); // 3
    for (let t = 3100; t < 12_000; t += 100) fx.tap(t, 'Button');
    fx.ui(12_000, 'foreground', { package: 'com.android.launcher3', activity: '.Launcher' }) // 93
      .ui(15_000, 'foreground', { package: APP, activity: '.Main' })
      .marker(20_000, 'PERM_DENIED', CAM) // 95
      .ui(31_000, 'foreground', { package: 'com.android.launcher3', activity: '.Launcher' })
      .marker(40_000, 'PERM_DENIED', CAM) // 97
      .marker(41_000, 'BG')
      .ui(42_000, 'foreground', { package: 'com.android.launcher3', activity: '.Launcher' });
    const fs = violations(perm001, fx.evidence(), { loopPrompts: 5 });
    expect(fs.map((f) => [f.data?.kind, f.evidence])).toEqual([['left', [3, 93]]]);
  });
});
