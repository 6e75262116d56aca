import type { HookRow } from './types.ts';

// PackageManager is abstract; ApplicationPackageManager is the implementation every app gets.
const PM = 'android.app.ApplicationPackageManager';
const PM_REF = 'https://developer.android.com/reference/android/content/pm/PackageManager';
const AM = 'android.app.ActivityManager';
const AM_REF = 'https://developer.android.com/reference/android/app/ActivityManager';

/** Installed-app lists, other apps' package info, running apps and usage statistics (PI-SCOPE-002). */
export const APPS: HookRow[] = [
  {
    class: PM,
    method: 'getInstalledPackages',
    category: 'installed-apps',
    data: ['installedPackages'],
    ret: 'packages',
    source: `${PM_REF}#getInstalledPackages(int)`,
  },
  {
    class: PM,
    method: 'getInstalledApplications',
    category: 'installed-apps',
    data: ['installedPackages'],
    ret: 'packages',
    source: `${PM_REF}#getInstalledApplications(int)`,
  },
  {
    class: PM,
    method: 'queryIntentActivities',
    category: 'installed-apps',
    data: ['installedPackages'],
    args: ['intent', 'value'],
    ret: 'packages',
    source: `${PM_REF}#queryIntentActivities(android.content.Intent,%20int)`,
  },
  {
    class: PM,
    method: 'getPackageInfo',
    category: 'installed-apps',
    data: ['installedPackages'],
    args: ['value', 'value'],
    ret: 'packages',
    classify: 'otherPackageInfo',
    source: `${PM_REF}#getPackageInfo(java.lang.String,%20int)`,
  },
  {
    class: AM,
    method: 'getRunningAppProcesses',
    category: 'running-apps',
    data: ['runningApps'],
    ret: 'packages',
    source: `${AM_REF}#getRunningAppProcesses()`,
  },
  {
    class: AM,
    method: 'getRunningTasks',
    category: 'running-apps',
    data: ['runningApps'],
    ret: 'list',
    source: `${AM_REF}#getRunningTasks(int)`,
  },
  {
    class: AM,
    method: 'getRecentTasks',
    category: 'running-apps',
    data: ['runningApps'],
    ret: 'list',
    source: `${AM_REF}#getRecentTasks(int,%20int)`,
  },
  {
    class: 'android.app.usage.UsageStatsManager',
    method: 'queryUsageStats',
    category: 'usage-stats',
    data: ['usageStats'],
    ret: 'list',
    source:
      'https://developer.android.com/reference/android/app/usage/UsageStatsManager#queryUsageStats(int,%20long,%20long)',
  },
];
