import { describe, expect, it } from 'vitest';
import { piBg001 } from '../../../src/analysis/rules/background.ts';
import { piFreq001 } from '../../../src/analysis/rules/frequency.ts';
import { piScope002 } from '../../../src/analysis/rules/scope.ts';
import { API, fixture, sdkStack } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

describe('PI-SCOPE-002 app-list and clipboard sniffing', () => {
  it('flags app-list reads and large launcher queries, not small ones', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(1000, API.installed, ['installedPackages'], { stack: sdkStack(API.installed) })
      .api(2000, API.queryActivities, ['installedPackages'], {
        args: [{ action: 'android.intent.action.MAIN' }],
        ret: { size: 3 },
      })
      .api(3000, API.queryActivities, ['installedPackages'], {
        args: [{ action: 'android.intent.action.MAIN' }],
        ret: ['a', 'b', 'c', 'd', 'e', 'f'],
      })
      .evidence();
    expect(violations(piScope002, ev).map((f) => f.explanation)).toEqual([
      'Umeng (Alibaba) read the list of installed apps at 1 s without a feature that needs it.',
      'The app read the list of installed apps at 3 s without a feature that needs it.',
    ]);
  });

  it('flags clipboard reads without a paste tap; metadata and pasting are fine', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(1000, API.hasClip, [])
      .api(1100, API.clip, ['clipboard'])
      .tap(5000, '粘贴')
      .api(5500, API.clip, ['clipboard'])
      .evidence();
    const fs = violations(piScope002, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The app read the clipboard at 1.1 s without the user pasting.',
    ]);
    expect(fs[0]?.evidence).toEqual([3]);
  });
});

describe('PI-FREQ-001 excessive frequency', () => {
  const periodic = (period: number, n: number, more: Record<string, unknown> = {}) => {
    const f = fixture(more).marker(0, 'LAUNCH');
    for (let i = 0; i < n; i++)
      f.api(1000 + i * period, API.location, ['location'], { stack: sdkStack(API.location) });
    return f;
  };

  it('flags a read every 5 s for 3+ intervals and escalates ≤2 s to C', () => {
    const [f] = violations(piFreq001, periodic(5000, 5).evidence());
    expect(f).toMatchObject({ severity: 'H' });
    expect(f?.explanation).toBe('Umeng (Alibaba) read the location every 5 s (5 times from 1 s to 21 s).');
    expect(violations(piFreq001, periodic(1000, 6).evidence())[0]?.severity).toBe('C');
  });

  it('collapses bursts within 100 ms and ignores slow or short series', () => {
    const burst = fixture().marker(0, 'LAUNCH');
    for (let i = 0; i < 10; i++) burst.api(1000 + i * 10, API.imei, ['imei']);
    expect(run(piFreq001, burst.evidence())).toEqual([]);
    expect(run(piFreq001, periodic(60_000, 6).evidence())).toEqual([]);
    expect(run(piFreq001, periodic(5000, 3).evidence())).toEqual([]);
  });

  it('treats coalesced calls by their recorded times and exempts navigation apps for location', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(1000, API.imei, ['imei'], { count: 4, times: [1000, 11_000, 21_000, 31_000] })
      .evidence();
    expect(violations(piFreq001, ev)).toHaveLength(1);
    expect(run(piFreq001, periodic(5000, 8, { category: 'maps-navigation' }).evidence())).toEqual([]);
  });

  it('does not count retries after a read that returned nothing', () => {
    const f = fixture().marker(0, 'LAUNCH');
    for (let i = 0; i < 5; i++) f.api(1000 + i * 3000, API.imei, ['imei'], { ret: null });
    expect(run(piFreq001, f.evidence())).toEqual([]);
  });
});

describe('PI-BG-001 background collection', () => {
  it('flags background reads after the grace during a 5-minute stay', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(10_000, 'BG')
      .api(12_000, API.location, ['location'], { fg: false })
      .api(60_000, API.location, ['location'], { fg: false, stack: sdkStack(API.location) })
      .api(61_000, API.imei, ['imei'], { fg: true })
      .marker(400_000, 'FG')
      .evidence();
    const fs = violations(piBg001, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'Umeng (Alibaba) read the location at 60 s while the app was not in use (the app went to the background at 10 s).',
    ]);
    expect(fs[0]?.evidence).toEqual([2, 4]);
  });

  it('is not evaluated without a long enough background stay', () => {
    const ev = fixture().marker(0, 'LAUNCH').marker(10_000, 'BG').marker(30_000, 'FG').evidence();
    expect(run(piBg001, ev)[0]?.explanation).toBe(
      'Not evaluated: the journey had no background stay of at least 5 min.',
    );
  });
});
