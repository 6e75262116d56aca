import { EventEmitter } from 'node:events';
import type { Identity } from '../../config/identity.ts';
import { log as rootLog } from '../../log.ts';
import { readApk, ApkInstallError, type ApkInfo } from '../apk/manifest.ts';
import { generateIdentity, toIdentity, type DeviceHoneyData, type SimIdentity } from '../identity.ts';
import { SimUi } from '../ui/ui.ts';
import { ContentTables } from './content.ts';
import { SimFs } from './fs.ts';
import {
  anrMessage,
  fatalSignalMessage,
  javaCrashMessage,
  tombstoneLines,
  type CrashSpec,
} from './faults.ts';
import { LogBuffer, type LogBufferName, type LogLevel } from './logcat.ts';
import { NativeProcesses, procNetTcp, procNetTcp6 } from './native.ts';
import { PackageFailure, PackageTable, type InstalledPackage } from './packages.ts';
import { isRuntimePermission } from './permissions.ts';
import { buildProps } from './props.ts';
import type { AppRuntime, AppRuntimeFactory, InputEvent } from './runtime.ts';
import { defaultSettings, type SettingsStore } from './settings.ts';
import { LAUNCHER } from './system-packages.ts';

export interface SimProcess {
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  name: string;
  /** Epoch ms when it started. */
  started: number;
}

export interface Activity {
  pkg: string;
  activity: string;
  taskId: number;
}

/** Renders the current screen as PNG (part 2 installs one that draws the app's UI). */
export type ScreenRenderer = (device: SimDevice) => Buffer;

/** Events part 2 (UI, Appium driver) listens to. */
export interface SimDeviceEvents {
  foreground: [Activity];
  installed: [InstalledPackage];
  uninstalled: [string];
  input: [InputEvent];
}

const ZYGOTE_PID = 612;
const SYSTEM_SERVER_PID = 1124;

/**
 * The state of one simulated handset and the Android behaviour the shell exposes: packages,
 * activities, processes, permissions, settings, files, log, honey data. The shell commands and the
 * ADB services only call methods here; app behaviour arrives through `AppRuntime`.
 */
export interface SimProfileOverrides {
  model?: string;
  sdk?: number;
  abi?: string;
  root?: boolean;
}

/** Android release names by API level (the `ro.build.version.release` a device of that level reports). */
const RELEASES: Record<number, string> = {
  24: '7.0',
  25: '7.1.1',
  26: '8.0.0',
  27: '8.1.0',
  28: '9',
  29: '10',
  30: '11',
  31: '12',
  32: '12',
  33: '13',
  34: '14',
  35: '15',
  36: '16',
};

const ABI_LISTS: Record<string, string> = {
  'arm64-v8a': 'arm64-v8a,armeabi-v7a,armeabi',
  'armeabi-v7a': 'armeabi-v7a,armeabi',
  x86_64: 'x86_64,x86',
  x86: 'x86',
};

function withProfileOverrides(id: SimIdentity, o: SimProfileOverrides): SimIdentity {
  const profile = { ...id.profile };
  if (o.model) profile.model = o.model;
  if (o.sdk !== undefined) {
    profile.sdk = o.sdk;
    profile.release = RELEASES[o.sdk] ?? String(o.sdk);
  }
  if (o.abi) {
    profile.abi = o.abi;
    profile.abiList = ABI_LISTS[o.abi] ?? o.abi;
  }
  return { ...id, profile };
}

export class SimDevice extends EventEmitter<SimDeviceEvents> {
  readonly identity: SimIdentity;
  readonly props: Map<string, string>;
  readonly settings: SettingsStore;
  readonly fs = new SimFs();
  readonly packages: PackageTable;
  readonly logs = new LogBuffer();
  readonly bootTime = Date.now();
  /** Contacts and SMS providers (honey data arrives through `content insert`). */
  readonly content = new ContentTables();
  /** Clipboard history; the last entry is the current primary clip. */
  readonly clipboard: string[] = [];
  location: { lat: number; lon: number };
  /** `wm size` override, if any. */
  screenOverride: { width: number; height: number } | null = null;
  /** Windows, view nodes, page source, taps and screenshots (src/sim/ui). */
  readonly ui: SimUi = new SimUi(this);
  private readonly processes = new Map<string, SimProcess>();
  /** Daemons started from the shell (a pushed frida-server), with the ports they listen on. */
  readonly native = new NativeProcesses(() => this.nextPid++);
  private readonly systemProcesses: SimProcess[];
  private readonly tasks: Activity[] = [];
  private nextPid = 4000;
  private nextTaskId = 100;
  private runtimeFactory: AppRuntimeFactory | undefined;
  private readonly runtimes = new Map<string, AppRuntime>();
  private readonly log;
  private screenRenderer: ScreenRenderer | undefined;

  /** `su` works (devices.yaml `root: true`); adbd itself stays a user build's. */
  readonly rooted: boolean;

  constructor(
    readonly seed: string,
    overrides: SimProfileOverrides = {},
  ) {
    super();
    this.identity = withProfileOverrides(generateIdentity(seed), overrides);
    this.rooted = overrides.root ?? false;
    this.props = buildProps(this.identity, this.bootTime);
    this.settings = defaultSettings(this.identity);
    this.packages = new PackageTable(this.bootTime);
    this.location = { ...this.identity.location };
    this.log = rootLog.child({ sim: seed });
    const sys = (pid: number, ppid: number, user: string, uid: number, name: string): SimProcess => ({
      pid,
      ppid,
      user,
      uid,
      name,
      started: this.bootTime,
    });
    this.systemProcesses = [
      sys(1, 0, 'root', 0, 'init'),
      sys(2, 0, 'root', 0, '[kthreadd]'),
      sys(398, 1, 'logd', 1036, 'logd'),
      sys(560, 1, 'shell', 2000, 'adbd'),
      sys(ZYGOTE_PID, 1, 'root', 0, 'zygote64'),
      sys(SYSTEM_SERVER_PID, ZYGOTE_PID, 'system', 1000, 'system_server'),
      sys(1410, ZYGOTE_PID, 'u0_a100', 10100, 'com.android.systemui'),
      sys(1650, ZYGOTE_PID, 'radio', 1001, 'com.android.phone'),
      sys(1702, ZYGOTE_PID, 'u0_a101', 10101, LAUNCHER.pkg),
    ];
    this.fs.write('/sys/class/net/wlan0/address', Buffer.from(`${this.identity.wifiMac}\n`), 0o444);
    this.fs.provide('/proc/net/tcp', () => procNetTcp(this.native.list()));
    this.fs.provide('/proc/net/tcp6', procNetTcp6);
    this.fs.write('/proc/sys/kernel/random/boot_id', Buffer.from(`${this.identity.adId}\n`), 0o444);
    this.writeLog('I', 'ActivityManager', 'System now ready', SYSTEM_SERVER_PID);
    this.writeLog('I', 'BootReceiver', 'Boot completed', SYSTEM_SERVER_PID);
  }

  /** Installs the model runner (part 2). Apps already running keep the runtime they started with. */
  setRuntimeFactory(factory: AppRuntimeFactory | undefined): void {
    this.runtimeFactory = factory;
  }

  runtimeOf(pkg: string): AppRuntime | undefined {
    return this.runtimes.get(pkg);
  }

  /** A log entry; system_server's go to the system buffer, everyone else's to main unless `buffer` says. */
  writeLog(
    level: LogLevel,
    tag: string,
    message: string,
    pid = SYSTEM_SERVER_PID,
    tid = pid,
    buffer: LogBufferName = pid === SYSTEM_SERVER_PID ? 'system' : 'main',
  ): void {
    this.logs.add({ time: Date.now(), pid, tid, level, tag, message, buffer });
  }

  get screen(): { width: number; height: number; density: number } {
    const p = this.identity.profile.screen;
    return { ...p, ...(this.screenOverride ?? {}) };
  }

  setScreenRenderer(renderer: ScreenRenderer | undefined): void {
    this.screenRenderer = renderer;
  }

  /** PNG of the screen as `screencap -p` returns it. */
  screenshot(): Buffer {
    if (this.screenRenderer) return this.screenRenderer(this);
    return this.ui.screenshot();
  }

  // ---- packages ----

  /** Parses and installs an APK; throws ApkInstallError/PackageFailure with Android's failure code. */
  install(apk: Buffer, opts: { replace?: boolean; grantAll?: boolean } = {}): InstalledPackage {
    let info: ApkInfo;
    try {
      info = readApk(apk);
    } catch (err) {
      this.writeLog('W', 'PackageManager', `Failed to parse package: ${(err as Error).message}`);
      throw err;
    }
    const sdk = this.identity.profile.sdk;
    if (info.minSdk > sdk) {
      throw new ApkInstallError(
        'INSTALL_FAILED_OLDER_SDK',
        `Requires newer sdk version #${info.minSdk} (current version is #${sdk})`,
      );
    }
    const existing = this.packages.get(info.packageName);
    if (existing && opts.replace === false) {
      throw new PackageFailure(
        `INSTALL_FAILED_ALREADY_EXISTS: Attempt to re-install ${info.packageName} without first uninstalling.`,
      );
    }
    if (existing) this.killProcess(info.packageName);
    const pkg = this.packages.install(info, apk, Date.now(), { grantAll: opts.grantAll });
    this.fs.write(pkg.apkPath, apk, 0o644);
    this.fs.mkdirp(`/data/data/${pkg.name}`);
    this.writeLog(
      'I',
      'PackageManager',
      `Package ${pkg.name} codePath changed from null to /data/app/${pkg.name}-1`,
    );
    this.writeLog(
      'I',
      'ActivityManager',
      `Force stopping ${pkg.name} appid=${pkg.uid} user=-1: installPackageLI`,
    );
    this.emit('installed', pkg);
    return pkg;
  }

  uninstall(name: string): boolean {
    const pkg = this.packages.get(name);
    if (!pkg || pkg.system) return false;
    this.forceStop(name);
    this.packages.uninstall(name);
    this.fs.remove(`/data/app/${name}-1`, true);
    this.fs.remove(`/data/data/${name}`, true);
    this.writeLog('I', 'PackageManager', `Package ${name} uninstalled`);
    this.emit('uninstalled', name);
    return true;
  }

  /** `pm clear`: data and runtime permissions go, the app stops. */
  clearData(name: string): boolean {
    const pkg = this.packages.get(name);
    if (!pkg) return false;
    this.forceStop(name);
    pkg.granted.clear();
    // The permission flags (refusals, "don't ask again") go with the data, as on Android.
    this.ui.permissions.forget(name);
    this.fs.remove(`/data/data/${name}`, true);
    this.fs.mkdirp(`/data/data/${name}`);
    return true;
  }

  /** `pm grant|revoke`: Android's messages for an unknown package or a non-runtime permission. */
  setPermission(name: string, permission: string, granted: boolean): void {
    const pkg = this.packages.get(name);
    if (!pkg) throw new PackageFailure(`java.lang.IllegalArgumentException: Unknown package: ${name}`);
    if (!pkg.requested.includes(permission)) {
      throw new PackageFailure(
        `java.lang.SecurityException: Package ${name} has not requested permission ${permission}`,
      );
    }
    if (!isRuntimePermission(permission)) {
      throw new PackageFailure(
        `java.lang.SecurityException: Permission ${permission} requested by ${name} is not a changeable permission type`,
      );
    }
    const had = pkg.granted.has(permission);
    if (granted) pkg.granted.add(permission);
    else pkg.granted.delete(permission);
    // Revoking a runtime permission kills the app, as on Android.
    if (had && !granted) this.killProcess(name);
    this.runtimes.get(name)?.onPermissionResult(permission, granted);
  }

  // ---- activities and processes ----

  foreground(): Activity {
    return this.tasks[this.tasks.length - 1] ?? { pkg: LAUNCHER.pkg, activity: LAUNCHER.activity, taskId: 1 };
  }

  /** All resumed-or-paused activities, top first (the launcher's home task at the bottom). */
  activityStack(): Activity[] {
    return [...this.tasks].reverse();
  }

  processList(): SimProcess[] {
    return [...this.systemProcesses, ...this.native.list(), ...this.processes.values()];
  }

  pidOf(name: string): number | undefined {
    return (
      this.processes.get(name)?.pid ??
      this.systemProcesses.find((p) => p.name === name)?.pid ??
      this.native.list().find((p) => p.name === name)?.pid
    );
  }

  private ensureProcess(pkg: InstalledPackage): { proc: SimProcess; cold: boolean } {
    const running = this.processes.get(pkg.name);
    if (running) return { proc: running, cold: false };
    const proc: SimProcess = {
      pid: this.nextPid++,
      ppid: ZYGOTE_PID,
      uid: pkg.uid,
      user: pkg.uid >= 10000 ? `u0_a${pkg.uid - 10000}` : 'system',
      name: pkg.name,
      started: Date.now(),
    };
    this.processes.set(pkg.name, proc);
    this.writeLog(
      'I',
      'ActivityManager',
      `Start proc ${proc.pid}:${pkg.name}/${proc.user} for activity {${pkg.name}/${pkg.launchActivity ?? ''}}`,
    );
    // What a freshly forked app process says on its own (the noise a logcat reader filters through).
    this.writeLog('I', pkg.name, 'Late-enabling -Xcheck:jni', proc.pid);
    this.writeLog(
      'D',
      'NetworkSecurityConfig',
      'No Network Security Config specified, using platform default',
      proc.pid,
    );
    this.writeLog('D', 'OpenGLRenderer', 'Skia GL Pipeline', proc.pid, proc.pid + 19);
    this.writeLog('D', 'StatusBar', `disable<e i a s b h r c s > disable2<q i n > ${pkg.name}`, 1410);
    return { proc, cold: true };
  }

  /**
   * `am start`: resolves the activity (the package's launcher activity when none is given), brings it
   * to the front, starts the process and tells the runtime. Throws with am's error text when it cannot.
   */
  startActivity(pkgName: string, activity?: string): Activity {
    const pkg = this.packages.get(pkgName);
    const target = activity ?? pkg?.launchActivity ?? undefined;
    if (!pkg || !target || (!pkg.system && !pkg.activities.includes(target))) {
      const cmp = `${pkgName}/${activity ?? ''}`;
      throw new PackageFailure(`Error: Activity class {${cmp}} does not exist.`);
    }
    if (pkg.name === LAUNCHER.pkg) {
      this.goHome();
      return this.foreground();
    }
    const before = this.foreground();
    const { cold } = this.ensureProcess(pkg);
    const existing = this.tasks.findIndex((t) => t.pkg === pkg.name);
    const taskId = existing >= 0 ? (this.tasks[existing] as Activity).taskId : this.nextTaskId++;
    if (existing >= 0) this.tasks.splice(existing, 1);
    const top: Activity = { pkg: pkg.name, activity: target, taskId };
    this.tasks.push(top);
    this.writeLog(
      'I',
      'ActivityTaskManager',
      `START u0 {flg=0x10000000 cmp=${pkg.name}/${target}} from uid 2000`,
    );
    if (before.pkg !== pkg.name) this.runtimes.get(before.pkg)?.onBackground();
    let runtime = this.runtimes.get(pkg.name);
    if (!runtime && this.runtimeFactory) {
      runtime = this.runtimeFactory(pkg, this);
      if (runtime) this.runtimes.set(pkg.name, runtime);
    }
    if (cold) void Promise.resolve(runtime?.onLaunch(target)).catch((err) => this.appCrashed(pkg.name, err));
    else if (before.pkg !== pkg.name) runtime?.onForeground();
    this.emit('foreground', top);
    return top;
  }

  /** HOME key: the launcher comes to the front, the app goes to the background (process kept). */
  goHome(): void {
    const before = this.foreground();
    if (before.pkg === LAUNCHER.pkg) return;
    const launcherTask: Activity = { pkg: LAUNCHER.pkg, activity: LAUNCHER.activity, taskId: 1 };
    const i = this.tasks.findIndex((t) => t.pkg === LAUNCHER.pkg);
    if (i >= 0) this.tasks.splice(i, 1);
    this.tasks.push(launcherTask);
    this.runtimes.get(before.pkg)?.onBackground();
    this.emit('foreground', launcherTask);
  }

  /** BACK key on a root activity finishes its task. */
  back(): void {
    const top = this.tasks.pop();
    if (!top) return;
    this.runtimes.get(top.pkg)?.onBackground();
    const now = this.foreground();
    this.runtimes.get(now.pkg)?.onForeground();
    this.emit('foreground', now);
  }

  forceStop(name: string): void {
    const wasTop = this.foreground().pkg === name;
    const idx = this.tasks.findIndex((t) => t.pkg === name);
    if (idx >= 0) this.tasks.splice(idx, 1);
    this.killProcess(name);
    if (wasTop) this.emit('foreground', this.foreground());
  }

  private killProcess(name: string, why?: string): void {
    const proc = this.processes.get(name);
    if (!proc) return;
    this.processes.delete(name);
    const rt = this.runtimes.get(name);
    this.runtimes.delete(name);
    rt?.onForceStop();
    this.ui.clearApp(name);
    this.writeLog(
      'I',
      'ActivityManager',
      why ?? `Killing ${proc.pid}:${name}/${proc.user} (adj 0): stop ${name}`,
    );
  }

  /** A runtime that threw: the app dies of the uncaught exception, as Android reports it. */
  private appCrashed(name: string, err: unknown): void {
    this.log.debug({ err, pkg: name }, 'sim app runtime failed');
    const e = err instanceof Error ? err : new Error(String(err));
    // The frames are the app's launch path as ART would print it, not the sim's own JavaScript stack.
    this.crashApp(name, {
      exception: 'java.lang.RuntimeException',
      message: e.message,
      frames: [
        `${name}.MainActivity.onCreate(MainActivity.java:1)`,
        'android.app.Activity.performCreate(Activity.java:8000)',
        'android.app.ActivityThread.performLaunchActivity(ActivityThread.java:3449)',
      ],
    });
  }

  /**
   * The app's process dies of an uncaught exception (Java) or a fatal signal (native): the crash is logged
   * the way Android logs it, the process is gone and its task finished.
   */
  crashApp(name: string, spec: CrashSpec): void {
    const proc = this.processes.get(name);
    if (!proc) return;
    const { pid } = proc;
    const tid = spec.thread && spec.thread !== 'main' ? pid + 23 : pid;
    if (spec.signal) {
      this.writeLog('F', 'libc', fatalSignalMessage(name, pid, tid, spec), pid, tid);
      const dumper = this.nextPid++;
      const fingerprint = this.props.get('ro.build.fingerprint') ?? 'unknown';
      for (const line of tombstoneLines(name, pid, tid, fingerprint, spec))
        this.writeLog('F', 'DEBUG', line, dumper, dumper, 'crash');
      this.writeLog('I', 'tombstoned', `received crash request for pid ${tid}`, 1120, 1120);
    } else {
      this.writeLog('E', 'AndroidRuntime', javaCrashMessage(name, pid, spec), pid, tid, 'crash');
      this.writeLog('I', 'Process', `Sending signal. PID: ${pid} SIG: 9`, pid, tid);
    }
    const top = this.tasks.find((t) => t.pkg === name);
    if (top) this.writeLog('W', 'ActivityTaskManager', `  Force finishing activity ${name}/${top.activity}`);
    const wasTop = this.foreground().pkg === name;
    const idx = this.tasks.findIndex((t) => t.pkg === name);
    if (idx >= 0) this.tasks.splice(idx, 1);
    this.killProcess(name, `Process ${name} (pid ${pid}) has died: fg  TOP`);
    if (wasTop) this.emit('foreground', this.foreground());
  }

  /** The app's main thread stopped answering: ActivityManager reports an ANR (the process stays). */
  reportAnr(name: string, reason: string): void {
    const proc = this.processes.get(name);
    if (!proc) return;
    const activity = this.tasks.find((t) => t.pkg === name)?.activity ?? `${name}.MainActivity`;
    this.writeLog('I', 'ActivityManager', `dumpStackTraces pids={${proc.pid}}`);
    this.writeLog('E', 'ActivityManager', anrMessage(name, activity, proc.pid, reason));
  }

  input(event: InputEvent): void {
    this.emit('input', event);
    const fg = this.foreground();
    if (event.kind === 'key') {
      if (event.name === 'KEYCODE_HOME') return this.goHome();
      if (event.name === 'KEYCODE_BACK') {
        if (this.ui.back()) return;
        return this.back();
      }
    }
    // Taps and text go to the window on top (which may be a system dialog), whose owner reacts;
    // the foreground app's runtime still hears about the raw event.
    if (event.kind === 'tap') this.ui.tap(event.x, event.y);
    if (event.kind === 'text') this.ui.typeText(event.text);
    this.runtimes.get(fg.pkg)?.onInput(event);
  }

  shake(peak: number): void {
    this.runtimes.get(this.foreground().pkg)?.onShake(peak);
  }

  // ---- identity ----

  honeyData(): DeviceHoneyData {
    return {
      contacts: this.content.contacts(),
      clipboard: [...this.clipboard],
      sms: this.content.smsBodies(),
      installedPackages: this.packages
        .all()
        .filter((p) => !p.system)
        .map((p) => p.name),
      deviceName: this.settings.global.get('device_name') ?? this.identity.deviceName,
      location: { ...this.location },
    };
  }

  /** identity.json for the matcher: fixed identifiers plus the honey data currently on the device. */
  identityFile(): Identity {
    return toIdentity(this.identity, this.honeyData());
  }
}
