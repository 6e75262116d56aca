import type { ApkInfo } from '../apk/manifest.ts';
import { isRuntimePermission } from './permissions.ts';
import { SYSTEM_PACKAGES } from './system-packages.ts';

/** A package on the sim: system packages from the table, user packages from installed APKs. */
export interface InstalledPackage {
  name: string;
  uid: number;
  system: boolean;
  apkPath: string;
  versionCode: number;
  versionName: string;
  minSdk: number;
  targetSdk: number;
  requested: string[];
  /** Runtime permissions currently granted (install-time ones are always granted). */
  granted: Set<string>;
  activities: string[];
  launchActivity: string | null;
  /** The app model text from the APK (assets/appwarden-sim.yaml), for part 2's runtime. */
  model: string | null;
  firstInstallTime: number;
  lastUpdateTime: number;
  /** Bytes of the installed APK (pull-able from apkPath). */
  apk: Buffer | null;
}

export class PackageFailure extends Error {}

export class PackageTable {
  private readonly packages = new Map<string, InstalledPackage>();
  private nextUid = 10150;

  constructor(now: number) {
    for (const s of SYSTEM_PACKAGES) {
      this.packages.set(s.name, {
        name: s.name,
        uid: s.uid,
        system: true,
        apkPath: s.path,
        versionCode: 29,
        versionName: '10',
        minSdk: 29,
        targetSdk: 29,
        requested: [],
        granted: new Set(),
        activities: s.launch ? [qualify(s.name, s.launch)] : [],
        launchActivity: s.launch ? qualify(s.name, s.launch) : null,
        model: null,
        firstInstallTime: now,
        lastUpdateTime: now,
        apk: null,
      });
    }
  }

  get(name: string): InstalledPackage | undefined {
    return this.packages.get(name);
  }

  all(): InstalledPackage[] {
    return [...this.packages.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Installs or replaces (keeping uid, first install time and granted permissions, like `pm install -r`). */
  install(info: ApkInfo, apk: Buffer, now: number, opts: { grantAll?: boolean } = {}): InstalledPackage {
    const old = this.packages.get(info.packageName);
    if (old?.system) throw new PackageFailure('INSTALL_FAILED_UPDATE_INCOMPATIBLE');
    if (old && info.versionCode < old.versionCode)
      throw new PackageFailure('INSTALL_FAILED_VERSION_DOWNGRADE');
    const granted = new Set(old ? [...old.granted].filter((p) => info.permissions.includes(p)) : []);
    if (opts.grantAll) for (const p of info.permissions) if (isRuntimePermission(p)) granted.add(p);
    const pkg: InstalledPackage = {
      name: info.packageName,
      uid: old?.uid ?? this.nextUid++,
      system: false,
      apkPath: `/data/app/${info.packageName}-1/base.apk`,
      versionCode: info.versionCode,
      versionName: info.versionName,
      minSdk: info.minSdk,
      targetSdk: info.targetSdk,
      requested: info.permissions,
      granted,
      activities: info.activities,
      launchActivity: info.launchActivity,
      model: info.model,
      firstInstallTime: old?.firstInstallTime ?? now,
      lastUpdateTime: now,
      apk,
    };
    this.packages.set(pkg.name, pkg);
    return pkg;
  }

  uninstall(name: string): InstalledPackage | undefined {
    const p = this.packages.get(name);
    if (!p || p.system) return undefined;
    this.packages.delete(name);
    return p;
  }
}

export function qualify(pkg: string, activity: string): string {
  if (activity.startsWith('.')) return `${pkg}${activity}`;
  return activity.includes('.') ? activity : `${pkg}.${activity}`;
}

/** `com.x/.Main` form used by am, dumpsys and logcat. */
export function shortComponent(pkg: string, activity: string): string {
  return activity.startsWith(`${pkg}.`) ? `${pkg}/${activity.slice(pkg.length)}` : `${pkg}/${activity}`;
}
