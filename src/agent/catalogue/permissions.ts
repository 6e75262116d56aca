import type { HookRow } from './types.ts';

/** Runtime permission requests (PI-CONSENT-002, PERM-004: several groups in one call). */
export const PERMISSIONS: HookRow[] = [
  {
    class: 'android.app.Activity',
    method: 'requestPermissions',
    category: 'permission-request',
    data: [],
    args: ['list', 'value'],
    source:
      'https://developer.android.com/reference/android/app/Activity#requestPermissions(java.lang.String[],%20int)',
  },
  {
    class: 'androidx.core.app.ActivityCompat',
    method: 'requestPermissions',
    category: 'permission-request',
    data: [],
    args: ['none', 'list', 'value'],
    source:
      'https://developer.android.com/reference/androidx/core/app/ActivityCompat#requestPermissions(android.app.Activity,java.lang.String[],int)',
  },
];
