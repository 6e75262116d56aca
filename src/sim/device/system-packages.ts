/**
 * Packages every sim has before anything is installed: what `pm list packages` shows on a stock
 * Android 10 image (a subset), with the paths `pm path` prints. Source: AOSP 10 product packages.
 */
export interface SystemPackage {
  name: string;
  path: string;
  uid: number;
  /** Launcher activity, if the package has one. */
  launch?: string;
}

export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  { name: 'android', path: '/system/framework/framework-res.apk', uid: 1000 },
  {
    name: 'com.android.settings',
    path: '/system/priv-app/Settings/Settings.apk',
    uid: 1000,
    launch: '.Settings',
  },
  { name: 'com.android.systemui', path: '/system/priv-app/SystemUI/SystemUI.apk', uid: 10100 },
  {
    name: 'com.android.launcher3',
    path: '/system/priv-app/Launcher3QuickStep/Launcher3QuickStep.apk',
    uid: 10101,
    launch: '.Launcher',
  },
  {
    name: 'com.android.permissioncontroller',
    path: '/system/priv-app/PermissionController/PermissionController.apk',
    uid: 10102,
  },
  { name: 'com.android.phone', path: '/system/priv-app/TeleService/TeleService.apk', uid: 1001 },
  {
    name: 'com.android.providers.contacts',
    path: '/system/priv-app/ContactsProvider/ContactsProvider.apk',
    uid: 10103,
  },
  {
    name: 'com.android.providers.telephony',
    path: '/system/priv-app/TelephonyProvider/TelephonyProvider.apk',
    uid: 1001,
  },
  {
    name: 'com.android.providers.settings',
    path: '/system/priv-app/SettingsProvider/SettingsProvider.apk',
    uid: 1000,
  },
  { name: 'com.android.shell', path: '/system/priv-app/Shell/Shell.apk', uid: 2000 },
  {
    name: 'com.android.chrome',
    path: '/system/app/Chrome/Chrome.apk',
    uid: 10104,
    launch: 'com.google.android.apps.chrome.Main',
  },
  { name: 'com.android.vending', path: '/system/priv-app/Phonesky/Phonesky.apk', uid: 10105 },
  {
    name: 'com.google.android.gms',
    path: '/system/priv-app/PrebuiltGmsCore/PrebuiltGmsCore.apk',
    uid: 10106,
  },
];

export const LAUNCHER = { pkg: 'com.android.launcher3', activity: 'com.android.launcher3.Launcher' };
