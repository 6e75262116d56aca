import type { HookRow } from './types.ts';

// ContextImpl is the implementation behind every ContextWrapper (Application, Service); Activity
// overrides startActivity itself, so both are hooked and each call is seen once.
const CI = 'android.app.ContextImpl';
const CTX_REF = 'https://developer.android.com/reference/android/content/Context';

/** Starts, binds and broadcasts aimed at other packages: associated start (UX-START-002). */
export const STARTS: HookRow[] = [
  {
    class: 'android.app.Activity',
    method: 'startActivity',
    category: 'associated-start',
    data: [],
    args: ['intent', 'value'],
    classify: 'otherPackageIntent',
    source:
      'https://developer.android.com/reference/android/app/Activity#startActivity(android.content.Intent)',
  },
  {
    class: CI,
    method: 'startActivity',
    category: 'associated-start',
    data: [],
    args: ['intent', 'value'],
    classify: 'otherPackageIntent',
    source: `${CTX_REF}#startActivity(android.content.Intent)`,
  },
  {
    class: CI,
    method: 'startService',
    category: 'associated-start',
    data: [],
    args: 'intent',
    classify: 'otherPackageIntent',
    source: `${CTX_REF}#startService(android.content.Intent)`,
  },
  {
    class: CI,
    method: 'startForegroundService',
    category: 'associated-start',
    data: [],
    args: 'intent',
    classify: 'otherPackageIntent',
    source: `${CTX_REF}#startForegroundService(android.content.Intent)`,
  },
  {
    class: CI,
    method: 'bindService',
    category: 'associated-start',
    data: [],
    args: ['intent', 'value', 'value'],
    classify: 'otherPackageIntent',
    source: `${CTX_REF}#bindService(android.content.Intent,%20android.content.ServiceConnection,%20int)`,
  },
  {
    class: CI,
    method: 'sendBroadcast',
    category: 'associated-start',
    data: [],
    args: ['intent', 'value'],
    classify: 'otherPackageBroadcast',
    source: `${CTX_REF}#sendBroadcast(android.content.Intent)`,
  },
];

const ALARM = 'android.app.AlarmManager';
const ALARM_REF = 'https://developer.android.com/reference/android/app/AlarmManager';

/** Alarms and jobs: how apps wake themselves (UX-START-001). */
export const SCHEDULING: HookRow[] = [
  ...[
    'set',
    'setExact',
    'setRepeating',
    'setInexactRepeating',
    'setAndAllowWhileIdle',
    'setExactAndAllowWhileIdle',
  ].map((method): HookRow => ({
    class: ALARM,
    method,
    category: 'scheduling',
    data: [],
    source: `${ALARM_REF}#${method}(int,%20long,%20android.app.PendingIntent)`,
  })),
  {
    // JobScheduler is abstract; JobSchedulerImpl is what Context.getSystemService returns.
    class: 'android.app.JobSchedulerImpl',
    method: 'schedule',
    category: 'scheduling',
    data: [],
    ret: 'value',
    source:
      'https://developer.android.com/reference/android/app/job/JobScheduler#schedule(android.app.job.JobInfo)',
  },
];

/** Downloads and package installs (DECEIVE-DL-001). */
export const DOWNLOADS: HookRow[] = [
  {
    class: 'android.app.DownloadManager',
    method: 'enqueue',
    category: 'download',
    data: [],
    ret: 'value',
    source:
      'https://developer.android.com/reference/android/app/DownloadManager#enqueue(android.app.DownloadManager.Request)',
  },
  {
    class: 'android.content.pm.PackageInstaller',
    method: 'createSession',
    category: 'download',
    data: [],
    ret: 'value',
    source:
      'https://developer.android.com/reference/android/content/pm/PackageInstaller#createSession(android.content.pm.PackageInstaller.SessionParams)',
  },
];
