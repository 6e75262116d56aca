import type { SimDevice } from '../../device/device.ts';
import type { InstalledPackage } from '../../device/packages.ts';
import { isRuntimePermission } from '../../device/permissions.ts';

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * `dumpsys package PKG` in Android 10's shape: the parts Appium (`runtime permissions:` /
 * `granted=true`), httptoolkit and farms parse — versionCode/versionName, codePath, requested,
 * install and runtime permissions.
 */
export function dumpPackage(device: SimDevice, p: InstalledPackage): string {
  const hash = p.uid.toString(16).padStart(7, '0');
  const install = p.requested.filter((x) => !isRuntimePermission(x));
  const runtime = p.requested.filter(isRuntimePermission);
  const running = device.pidOf(p.name) !== undefined;
  const lines = [
    'Activity Resolver Table:',
    '  Non-Data Actions:',
    '      android.intent.action.MAIN:',
    ...(p.launchActivity ? [`        ${hash} ${p.name}/${p.launchActivity} filter ${hash}`] : []),
    '',
    'Packages:',
    `  Package [${p.name}] (${hash}):`,
    `    userId=${p.uid}`,
    `    pkg=Package{${hash} ${p.name}}`,
    `    codePath=${p.apkPath.replace(/\/base\.apk$/, '')}`,
    `    resourcePath=${p.apkPath.replace(/\/base\.apk$/, '')}`,
    `    primaryCpuAbi=${device.identity.profile.abi}`,
    `    versionCode=${p.versionCode} minSdk=${p.minSdk} targetSdk=${p.targetSdk}`,
    `    versionName=${p.versionName}`,
    `    flags=[ ${p.system ? 'SYSTEM ' : ''}HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]`,
    `    dataDir=/data/user/0/${p.name}`,
    `    timeStamp=${stamp(p.lastUpdateTime)}`,
    `    firstInstallTime=${stamp(p.firstInstallTime)}`,
    `    lastUpdateTime=${stamp(p.lastUpdateTime)}`,
    `    installerPackageName=${p.system ? 'null' : 'com.android.shell'}`,
    ...(p.requested.length ? ['    requested permissions:', ...p.requested.map((x) => `      ${x}`)] : []),
    ...(install.length
      ? ['    install permissions:', ...install.map((x) => `      ${x}: granted=true`)]
      : []),
    `    User 0: ceDataInode=0 installed=true hidden=false suspended=false stopped=${running ? 'false' : 'true'} notLaunched=false enabled=0 instant=false virtual=false`,
    ...(runtime.length
      ? [
          '      runtime permissions:',
          ...runtime.map(
            (x) =>
              `        ${x}: granted=${p.granted.has(x)}, flags=[ USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED]`,
          ),
        ]
      : []),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
