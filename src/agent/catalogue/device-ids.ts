import type { HookRow } from './types.ts';

/** Settings-, build- and property-based device identifiers. */
export const DEVICE_IDS: HookRow[] = [
  {
    class: 'android.provider.Settings$Secure',
    method: 'getString',
    category: 'device-id',
    data: ['androidId'],
    ret: 'string',
    classify: 'settingsKey',
    source: 'https://developer.android.com/reference/android/provider/Settings.Secure#ANDROID_ID',
  },
  {
    class: 'android.provider.Settings$System',
    method: 'getString',
    category: 'device-id',
    data: ['androidId'],
    ret: 'string',
    classify: 'settingsKey',
    source:
      'https://developer.android.com/reference/android/provider/Settings.System (android_id readable here before API 17)',
  },
  {
    class: 'android.provider.Settings$Global',
    method: 'getString',
    category: 'device-id',
    data: ['deviceName'],
    ret: 'string',
    classify: 'settingsKey',
    source: 'https://developer.android.com/reference/android/provider/Settings.Global#DEVICE_NAME',
  },
  {
    class: 'android.os.Build',
    method: 'getSerial',
    category: 'device-id',
    data: ['serial'],
    ret: 'string',
    source: 'https://developer.android.com/reference/android/os/Build#getSerial()',
  },
  {
    // Hidden API, reached by reflection by many SDKs to read ro.serialno and friends.
    class: 'android.os.SystemProperties',
    method: 'get',
    category: 'device-id',
    data: ['serial'],
    ret: 'string',
    classify: 'systemProperty',
    source:
      'https://cs.android.com/android/platform/superproject/+/main:frameworks/base/core/java/android/os/SystemProperties.java',
  },
];
