import { describe, expect, it } from 'vitest';
import { perm001, perm002, perm003, perm004 } from '../../../src/analysis/rules/permissions.ts';
import { API, APP, fixture } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

const CAM = 'android.permission.CAMERA';

describe('PERM-001 exit or loop on refusal', () => {
  it('flags the app leaving after a denial, not the permission dialog in front', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .ui(1000, 'foreground', { package: APP, activity: '.Main' })
      .marker(2000, 'PERM_PROMPT', CAM)
      .ui(2000, 'foreground', { package: 'com.android.permissioncontroller', activity: '.Grant' })
      .marker(3000, 'PERM_DENIED', CAM)
      .ui(4200, 'foreground', { package: 'com.android.launcher3', activity: '.Launcher' })
      .evidence();
    const fs = violations(perm001, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The app left the screen (to com.android.launcher3) 1.2 s after the user denied the permission CAMERA.',
    ]);
    expect(fs[0]?.evidence).toEqual([5, 6]);
  });

  it('flags a process death and a prompt loop; the harness sending the app away is not an exit', () => {
    const died = fixture()
      .marker(0, 'LAUNCH')
      .marker(3000, 'PERM_DENIED', CAM)
      .device(3800, 'process-died', { package: APP })
      .snapshot(4000)
      .evidence();
    expect(violations(perm001, died)[0]?.explanation).toBe(
      'The app closed itself 0.8 s after the user denied the permission CAMERA.',
    );
    const loop = fixture()
      .marker(0, 'LAUNCH')
      .marker(2000, 'PERM_PROMPT', CAM)
      .marker(3000, 'PERM_DENIED', CAM)
      .marker(3500, 'PERM_PROMPT', CAM)
      .snapshot(4000)
      .evidence();
    expect(violations(perm001, loop)[0]?.explanation).toBe(
      'The prompt for the permission CAMERA appeared 2 times within 10 s although the user denied it.',
    );
    const harness = fixture()
      .marker(0, 'LAUNCH')
      .marker(3000, 'PERM_DENIED', CAM)
      .marker(3500, 'BG')
      .ui(3600, 'foreground', { package: 'com.android.launcher3', activity: '.Launcher' })
      .evidence();
    expect(run(perm001, harness)).toEqual([]);
  });

  it("counts a crash in the device's logcat as the app quitting on refusal, and says it crashed", () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(3000, 'PERM_DENIED', CAM)
      .device(3400, 'crash', {
        kind: 'crash',
        native: false,
        package: APP,
        pid: 4242,
        deviceTime: null,
        summary: 'java.lang.SecurityException: Permission Denial: CAMERA',
        stack: ['at com.example.Cam.open(Cam.java:12)'],
        text: 'FATAL EXCEPTION: main',
      })
      .snapshot(4000)
      .evidence();
    const fs = violations(perm001, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The app crashed 0.4 s after the user denied the permission CAMERA (crash: java.lang.SecurityException: Permission Denial: CAMERA).',
    ]);
    expect(fs[0]?.evidence).toEqual([2, 3]);
    // Another app's crash is not this app quitting.
    const other = fixture()
      .marker(0, 'LAUNCH')
      .marker(3000, 'PERM_DENIED', CAM)
      .device(3400, 'crash', {
        kind: 'crash',
        native: true,
        package: 'com.other',
        pid: 1,
        summary: 'SIGSEGV',
      })
      .snapshot(4000)
      .evidence();
    expect(violations(perm001, other)).toEqual([]);
  });

  it('is not evaluated when nothing was denied', () => {
    expect(run(perm001, fixture().marker(0, 'LAUNCH').snapshot(1).evidence())[0]?.status).toBe(
      'not-evaluated',
    );
  });
});

describe('PERM-002 re-prompt after refusal', () => {
  it('flags a re-prompt within 48 h without a tap; a tap on a feature exempts it', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(2000, 'PERM_PROMPT', CAM)
      .marker(3000, 'PERM_DENIED', CAM)
      .marker(20_000, 'FORCE_STOP')
      .marker(21_000, 'LAUNCH')
      .marker(23_000, 'PERM_PROMPT', CAM)
      .tap(40_000, 'Scan')
      .marker(41_000, 'PERM_PROMPT', CAM)
      .snapshot(42_000)
      .evidence();
    const fs = violations(perm002, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The app asked again for the permission CAMERA at 23 s, 20 s after the user denied it, without the user asking for a feature that needs it.',
    ]);
    expect(fs[0]?.evidence).toEqual([3, 6]);
  });

  it('counts an app-drawn "去开启权限" guide as asking again', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(3000, 'PERM_DENIED', CAM)
      .ui(9000, 'window', {
        package: APP,
        kind: 'dialog',
        visibleAt: 9000,
        texts: ['相机权限未开启', '去开启'],
      })
      .evidence();
    expect(violations(perm002, ev)[0]?.explanation).toBe(
      'The app asked again for the permission CAMERA at 9 s, 6 s after the user denied it, without the user asking for a feature that needs it.',
    );
  });
});

describe('PERM-003 premature request', () => {
  it('flags a prompt without a preceding tap, except R8-necessary ones', () => {
    const ev = fixture({ category: 'maps-navigation' })
      .marker(0, 'LAUNCH')
      .marker(1000, 'PERM_PROMPT', 'android.permission.READ_CONTACTS')
      .marker(1100, 'PERM_PROMPT', 'android.permission.ACCESS_FINE_LOCATION')
      .tap(5000, 'Take photo')
      .marker(6000, 'PERM_PROMPT', CAM)
      .evidence();
    expect(violations(perm003, ev).map((f) => f.explanation)).toEqual([
      'The app asked for the permission READ_CONTACTS at 1 s, 1 s after launch, before the user used a feature that needs it.',
    ]);
  });
});

describe('PERM-004 bundled request', () => {
  const bundled = (deny: boolean) => {
    const f = fixture()
      .marker(0, 'LAUNCH')
      .api(2000, API.requestPermissions, [], {
        args: [
          [
            CAM,
            'android.permission.READ_CONTACTS',
            'android.permission.ACCESS_FINE_LOCATION',
            'android.permission.ACCESS_COARSE_LOCATION',
          ],
          7,
        ],
      });
    if (deny)
      f.marker(3000, 'PERM_DENIED', CAM).ui(3500, 'foreground', {
        package: 'com.android.launcher3',
        activity: '',
      });
    return f.evidence();
  };

  it('flags several unrelated groups in one request when refusing it blocks the app', () => {
    const [f] = violations(perm004, bundled(true));
    expect(f?.explanation).toBe(
      'The app asked for CAMERA, READ_CONTACTS, ACCESS_FINE_LOCATION and ACCESS_COARSE_LOCATION (3 unrelated permission groups) in one request at 2 s, and refusing it blocked the app.',
    );
  });

  it('is not evaluated when the journey never refused the bundle, and fine for coupled groups', () => {
    expect(run(perm004, bundled(false))[0]?.status).toBe('not-evaluated');
    expect(violations(perm004, bundled(false), { requireBlocking: false })).toHaveLength(1);
    const coupled = fixture()
      .marker(0, 'LAUNCH')
      .api(2000, API.requestPermissions, [], {
        args: [['android.permission.ACCESS_FINE_LOCATION', 'android.permission.ACCESS_COARSE_LOCATION']],
      })
      .evidence();
    expect(run(perm004, coupled)).toEqual([]);
  });
});
