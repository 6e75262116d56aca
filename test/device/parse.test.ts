import { describe, expect, it } from 'vitest';
import { parseGetprop } from '../../src/device/parse/getprop.ts';
import { parsePackagePermissions, parsePackageVersion } from '../../src/device/parse/dumpsys-package.ts';
import { parseCurrentFocus, parseResumedActivity } from '../../src/device/parse/foreground.ts';
import { parseInstallOutput } from '../../src/device/ops/packages.ts';
import { quoteArgv } from '../../src/device/shell-quote.ts';

// Shapes as printed by Android 10–14 (`dumpsys package com.example.app`).
const DUMPSYS_PACKAGE = `Packages:
  Package [com.example.app] (5b2c7e1):
    userId=10153
    versionCode=42 minSdk=21 targetSdk=33
    versionName=1.4.2
    requested permissions:
      android.permission.INTERNET
      android.permission.CAMERA
      android.permission.ACCESS_FINE_LOCATION
    install permissions:
      android.permission.INTERNET: granted=true
      android.permission.ACCESS_NETWORK_STATE: granted=true
    User 0: ceDataInode=131270 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false
      gids=[3003]
      runtime permissions:
        android.permission.ACCESS_FINE_LOCATION: granted=false, flags=[ USER_SET|USER_FIXED|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED]
        android.permission.CAMERA: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED]
        android.permission.READ_CONTACTS: granted=false
      disabledComponents:
        com.example.app.Foo
`;

describe('device output parsers', () => {
  it('reads runtime and install permission states from dumpsys package', () => {
    const { runtime, install } = parsePackagePermissions(DUMPSYS_PACKAGE);
    expect(runtime).toEqual([
      {
        name: 'android.permission.ACCESS_FINE_LOCATION',
        granted: false,
        flags: ['USER_SET', 'USER_FIXED', 'USER_SENSITIVE_WHEN_GRANTED', 'USER_SENSITIVE_WHEN_DENIED'],
      },
      {
        name: 'android.permission.CAMERA',
        granted: true,
        flags: ['USER_SET', 'USER_SENSITIVE_WHEN_GRANTED', 'USER_SENSITIVE_WHEN_DENIED'],
      },
      { name: 'android.permission.READ_CONTACTS', granted: false, flags: [] },
    ]);
    expect(install.map((p) => p.name)).toEqual([
      'android.permission.INTERNET',
      'android.permission.ACCESS_NETWORK_STATE',
    ]);
    expect(parsePackageVersion(DUMPSYS_PACKAGE)).toEqual({ versionName: '1.4.2', versionCode: 42 });
  });

  it('finds the resumed activity across Android versions', () => {
    expect(
      parseResumedActivity(
        '  mResumedActivity: ActivityRecord{c5b2a4d u0 com.android.settings/.Settings t23}',
      ),
    ).toEqual({
      package: 'com.android.settings',
      activity: 'com.android.settings.Settings',
    });
    expect(
      parseResumedActivity(
        '    topResumedActivity=ActivityRecord{2f0e6f1 u0 com.example/com.other.Main t25}',
      ),
    ).toEqual({ package: 'com.example', activity: 'com.other.Main' });
    expect(parseResumedActivity('  ResumedActivity: ActivityRecord{1 u10 a.b/.c.D$Inner t1}')).toEqual({
      package: 'a.b',
      activity: 'a.b.c.D$Inner',
    });
    expect(parseResumedActivity('no activities')).toBeNull();
    expect(
      parseCurrentFocus(
        '  mCurrentFocus=Window{9f4c6a8 u0 com.android.launcher3/com.android.launcher3.uioverrides.QuickstepLauncher}',
      ),
    ).toEqual({
      package: 'com.android.launcher3',
      activity: 'com.android.launcher3.uioverrides.QuickstepLauncher',
    });
    expect(parseCurrentFocus('  mCurrentFocus=Window{3c1 u0 StatusBar}')).toEqual({
      package: 'StatusBar',
      activity: null,
    });
  });

  it('parses getprop, including multi-line values', () => {
    const props = parseGetprop(
      '[ro.product.model]: [Pixel 7]\n[ro.build.version.sdk]: [34]\n[x.multi]: [a\nb]\n',
    );
    expect(props.get('ro.product.model')).toBe('Pixel 7');
    expect(props.get('ro.build.version.sdk')).toBe('34');
    expect(props.get('x.multi')).toBe('a\nb');
  });

  it("keeps the installer's reason", () => {
    expect(parseInstallOutput('Performing Streamed Install\nSuccess\n')).toEqual({ ok: true });
    expect(
      parseInstallOutput(
        'Failure [INSTALL_FAILED_NO_MATCHING_ABIS: Failed to extract native libraries, res=-113]',
      ),
    ).toEqual({
      ok: false,
      reason: 'INSTALL_FAILED_NO_MATCHING_ABIS',
      detail: 'Failed to extract native libraries, res=-113',
    });
    expect(parseInstallOutput('Failure [INSTALL_FAILED_VERSION_DOWNGRADE]')).toEqual({
      ok: false,
      reason: 'INSTALL_FAILED_VERSION_DOWNGRADE',
      detail: '',
    });
    expect(parseInstallOutput('Error: java.lang.SecurityException')).toMatchObject({
      ok: false,
      reason: 'INSTALL_FAILED_UNKNOWN',
    });
  });

  it('quotes argv for the device shell so no argument is re-split or expanded', () => {
    expect(quoteArgv(['settings', 'put', 'global', 'http_proxy', '127.0.0.1:8080'])).toBe(
      'settings put global http_proxy 127.0.0.1:8080',
    );
    expect(quoteArgv(['echo', "it's $HOME; rm -rf /", ''])).toBe(`echo 'it'\\''s $HOME; rm -rf /' ''`);
  });
});
