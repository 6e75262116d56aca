import { describe, expect, it } from 'vitest';
import { piBg001 } from '../../../src/analysis/rules/background.ts';
import { piFreq001 } from '../../../src/analysis/rules/frequency.ts';
import { API, fixture } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

const AMAP = [
  'android.location.LocationManager.getLastKnownLocation(Native Method)',
  'com.amap.api.location.AMapLocationClient.startLocation(AMapLocationClient.java:142)',
];

/** A step counter (运动健身, where location can be a continuous-need feature). */
const steps = () => fixture({ category: 'sports-fitness' }).marker(0, 'LAUNCH');

describe('PI-FREQ-001 in a continuous-need category', () => {
  it('measures a background location series nobody started, a timer jitter still ≤2 s', () => {
    const f = steps().marker(4000, 'BG');
    // A 2 s timer as a device runs it: a few milliseconds late now and then.
    [6108, 8108, 10112, 12115, 14131, 16124].forEach((t) =>
      f.api(t, API.location, ['location'], { fg: false, stack: AMAP }),
    );
    const [v] = violations(piFreq001, f.evidence());
    expect(v?.severity).toBe('C');
    expect(v?.explanation).toBe(
      'AMap / Gaode (Alibaba) read the location every 2 s (6 times from 6.1 s to 16 s).',
    );
    expect(v?.evidence).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('leaves the feature alone when the user started it with a tap, or while it is in front', () => {
    const started = steps().tap(900, '开始记录轨迹');
    for (let i = 0; i < 8; i++)
      started.api(1000 + i * 2000, API.location, ['location'], { fg: i < 2, stack: AMAP });
    expect(violations(piFreq001, started.evidence())).toEqual([]);
    const front = steps();
    for (let i = 0; i < 8; i++) front.api(5000 + i * 2000, API.location, ['location'], { stack: AMAP });
    expect(violations(piFreq001, front.evidence())).toEqual([]);
    // The same tap 5 s earlier is not what started the series.
    const late = steps().tap(900, '开始记录轨迹');
    for (let i = 0; i < 8; i++)
      late.api(6000 + i * 2000, API.location, ['location'], { fg: false, stack: AMAP });
    expect(violations(piFreq001, late.evidence())).toHaveLength(1);
  });

  it('collapses identical stacks within 100 ms but counts distinct call sites', () => {
    const other = [
      'android.telephony.TelephonyManager.getImei(Native Method)',
      'com.example.app.Ids.imei(Ids.java:9)',
    ];
    const twoSites = fixture().marker(0, 'LAUNCH');
    for (const t of [1000, 20_000]) {
      twoSites.api(t, API.imei, ['imei']);
      twoSites.api(t + 50, API.imei, ['imei'], { stack: other });
    }
    expect(violations(piFreq001, twoSites.evidence())).toHaveLength(1);
    const oneSite = fixture().marker(0, 'LAUNCH');
    for (const t of [1000, 20_000]) {
      oneSite.api(t, API.imei, ['imei']);
      oneSite.api(t + 50, API.imei, ['imei']);
    }
    expect(run(piFreq001, oneSite.evidence())).toEqual([]);
  });
});

describe('PI-BG-001 parameters', () => {
  const bg = () => {
    const f = fixture().marker(0, 'LAUNCH').marker(1000, 'BG');
    for (const t of [3000, 5000, 7000, 9000, 11_000])
      f.api(t, API.location, ['location'], { fg: false, stack: AMAP });
    return f.marker(13_000, 'FG').evidence();
  };

  it('applies a shortened dwell from a rules file (seconds) and its own grace', () => {
    expect(run(piBg001, bg())[0]?.status).toBe('not-evaluated');
    const [v] = violations(piBg001, bg(), { minDwell: 10 });
    // Reads in the first 5 s after BG are the app pausing: the first counted is at 7 s.
    expect(v?.explanation).toBe(
      'AMap / Gaode (Alibaba) read the location at 7 s while the app was not in use (the app went to the background at 1 s).',
    );
    expect(v?.evidence).toEqual([2, 5, 6, 7]);
    expect(violations(piBg001, bg(), { minDwell: 10, grace: 1 })[0]?.data?.t).toBe(3000);
  });
});
