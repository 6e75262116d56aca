import type { SimDevice } from '../device/device.ts';
import type { InstalledPackage } from '../device/packages.ts';
import type { AppRuntime, InputEvent } from '../device/runtime.ts';
import { StandInBridge, registerFramework } from '../bridge/index.ts';
import { simRequest } from '../net/client.ts';
import { userCertsTrustedByDefault, type TrustPolicy } from '../net/trust.ts';
import type { Action, AppModel, ElementDef } from './schema.ts';
import { asText, encodeBody, renderDeep, renderTemplate, type TemplateScope } from './template.ts';
import { dialogWindow, screenWindow, type BuildContext } from './windows.ts';

/**
 * Runs one app model in one app process: the device calls the `AppRuntime` hooks, the model's
 * handlers run their actions. Android API calls go through the process's stand-in bridge (so hooks
 * installed on it see them with the model's caller frames); requests go out through the sim network.
 * Action errors (a missing class, a refused connection) are logged to logcat as the app would log
 * them, and the handler goes on with its next action.
 */
export const SENSOR_TYPE_IDS: Readonly<Record<string, number>> = {
  // android.hardware.Sensor TYPE_* constants (API 29).
  accelerometer: 1,
  gyroscope: 4,
  gravity: 9,
  linear_acceleration: 10,
};

const PREFS_DIR = (pkg: string) => `/data/data/${pkg}/shared_prefs`;
const PREFS_FILE = (pkg: string) => `${PREFS_DIR(pkg)}/appwarden_sim.json`;

export class ModelRuntime implements AppRuntime {
  readonly bridge = new StandInBridge();
  private alive = true;
  /** The main thread is stuck (an `anr` action): nothing more runs on it. */
  private hung = false;
  private foreground = true;
  private activity = '';
  private readonly sensors = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly vars = new Map<string, unknown>();
  /** Variables written with `set:` (kept in shared_prefs across launches until `pm clear`). */
  private readonly persisted = new Set<string>();
  private readonly trust: TrustPolicy;
  private readonly scope: TemplateScope;
  private readonly label: string;
  private readonly pid: number;

  constructor(
    readonly pkg: InstalledPackage,
    private readonly device: SimDevice,
    readonly model: AppModel,
  ) {
    this.label = model.label ?? pkg.name.split('.').pop() ?? pkg.name;
    this.trust = {
      trustUserCerts: model.network.trustUserCerts ?? userCertsTrustedByDefault(pkg.targetSdk),
      pins: model.network.pins,
    };
    this.scope = { vars: this.vars, identity: () => device.identityFile(), pkg: pkg.name };
    this.pid = device.pidOf(pkg.name) ?? 0;
    registerFramework(this.bridge, () => device.identityFile(), {
      appPackage: pkg.name,
      onStart: (kind, intent) => {
        if (kind !== 'activity') return;
        const target = (intent as { package?: string } | null)?.package;
        if (target) this.startPackage(target);
      },
    });
  }

  /** Whether the app is in front (hook events carry it as `fg`). */
  isForeground(): boolean {
    return this.foreground;
  }

  // ---- AppRuntime ----

  async onLaunch(activity: string): Promise<void> {
    this.activity = activity;
    this.loadPrefs();
    for (const t of this.model.timers) {
      const timer = setInterval(() => {
        if (!this.alive) return;
        const want = t.while;
        if (want === 'always' || (want === 'foreground') === this.foreground) void this.run(t.do, 'Timer-0');
      }, t.every);
      timer.unref();
      this.timers.add(timer);
    }
    await this.run(this.model.on.launch ?? []);
  }

  onForceStop(): void {
    this.alive = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  onPermissionResult(permission: string, granted: boolean): void {
    const handlers = this.model.on.permissionResult;
    const actions = granted ? handlers?.granted : handlers?.denied;
    if (!actions) return;
    this.vars.set('permission', permission);
    void this.run(actions);
  }

  onBackground(): void {
    this.foreground = false;
    void this.run(this.model.on.background ?? []);
  }

  onForeground(): void {
    this.foreground = true;
    void this.run(this.model.on.foreground ?? []);
  }

  onShake(peak: number): void {
    const shake = this.model.on.shake;
    // Only a registered accelerometer/gyroscope listener can hear a shake.
    if (!shake || this.sensors.size === 0 || !this.foreground) return;
    if (peak < shake.threshold) return;
    this.device.writeLog('I', 'ShakeDetector', `shake ${peak} m/s² >= ${shake.threshold}`, this.pid);
    void this.run(shake.do);
  }

  onInput(_event: InputEvent): void {
    // Taps and text reach the model through its windows (SimUi); nothing else to do here.
  }

  // ---- actions ----

  private frames(from: string[] | undefined): string[] {
    return from ?? [`${this.activity || `${this.pkg.name}.MainActivity`}.onCreate(Unknown Source)`];
  }

  private text = (s: string): string => {
    try {
      return renderTemplate(s, this.scope);
    } catch (err) {
      this.warn(`template '${s}': ${(err as Error).message}`);
      return s;
    }
  };

  private warn(message: string): void {
    this.device.writeLog('W', 'System.err', message, this.pid);
  }

  private buildContext(): BuildContext {
    const { width, height } = this.device.screen;
    return {
      pkg: this.pkg.name,
      activity: this.activity,
      width,
      height,
      text: this.text,
      onTap: (actions: Action[], _el: ElementDef) => void this.run(actions),
    };
  }

  /** Runs actions in order; stops when the process dies. */
  async run(actions: Action[], thread = 'main'): Promise<void> {
    for (const a of actions) {
      if (!this.alive || (this.hung && thread === 'main')) return;
      try {
        await this.step(a, thread);
      } catch (err) {
        this.warn(`${(err as Error).message}`);
      }
    }
  }

  private async step(a: Action, thread: string): Promise<void> {
    const ui = this.device.ui;
    if (a.show !== undefined) {
      const def = this.model.screens[a.show];
      if (def) ui.setScreen(screenWindow(a.show, def, this.buildContext()));
      this.device.writeLog(
        'I',
        'ActivityTaskManager',
        `Displayed ${this.pkg.name}/${this.activity}: ${a.show}`,
      );
    } else if (a.dialog !== undefined) {
      const def = this.model.dialogs[a.dialog];
      const id = `${this.pkg.name}:dialog/${a.dialog}`;
      if (def) ui.openDialog(dialogWindow(a.dialog, def, this.buildContext(), () => ui.close(id)));
    } else if (a.close !== undefined) {
      if (a.close === true) {
        const top = [...ui.appWindowsOf(this.pkg.name)].reverse().find((w) => w.kind === 'dialog');
        if (top) ui.close(top.id);
      } else ui.close(`${this.pkg.name}:dialog/${a.close}`);
    } else if (a.requestPermissions !== undefined) {
      const { permissions, onGranted, onDenied } = a.requestPermissions;
      this.bridge.invoke(
        'android.app.Activity',
        'requestPermissions',
        [permissions, 1],
        this.frames(undefined),
        {
          thread,
        },
      );
      const results = await ui.permissions.request(this.pkg.name, permissions, this.label);
      const all = permissions.every((p) => results[p]);
      await this.run((all ? onGranted : onDenied) ?? [], thread);
    } else if (a.call !== undefined) {
      const { api, args, from, as } = a.call;
      const dot = api.lastIndexOf('.');
      const ret = this.bridge.invoke(
        api.slice(0, dot),
        api.slice(dot + 1),
        (renderDeep(args ?? [], this.scope) as unknown[]) ?? [],
        this.frames(from),
        { thread: a.call.thread ?? thread },
      );
      if (as) this.vars.set(as, ret);
    } else if (a.send !== undefined) {
      await this.send(a.send);
    } else if (a.start !== undefined) {
      this.bridge.invoke(
        'android.app.ContextImpl',
        'startActivity',
        [{ package: a.start.package, flags: 0x10000000 }],
        this.frames(a.start.from),
        { thread },
      );
    } else if (a.exit !== undefined) {
      this.device.writeLog(
        'I',
        'ActivityManager',
        `Process ${this.pkg.name} (pid ${this.pid}) has died: fore TOP`,
      );
      this.device.forceStop(this.pkg.name);
    } else if (a.registerSensor !== undefined) {
      const { sensor, from } = a.registerSensor;
      this.bridge.invoke(
        'android.hardware.SensorManager',
        'registerListener',
        [{ listener: `${this.pkg.name}.SensorListener` }, { type: SENSOR_TYPE_IDS[sensor], name: sensor }, 1],
        this.frames(from),
        { thread },
      );
      this.sensors.add(sensor);
    } else if (a.after !== undefined) {
      const { delay, do: later } = a.after;
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (this.alive) void this.run(later, thread);
      }, delay);
      t.unref();
      this.timers.add(t);
    } else if (a.set !== undefined) {
      for (const [k, v] of Object.entries(a.set)) {
        this.vars.set(k, v);
        this.persisted.add(k);
      }
      this.savePrefs();
    } else if (a.if !== undefined) {
      const v = this.vars.get(a.if.key);
      const yes = a.if.equals === undefined ? Boolean(v) : asText(v) === asText(a.if.equals);
      await this.run((yes ? a.if.then : a.if.else) ?? [], thread);
    } else if (a.log !== undefined) {
      this.device.writeLog('I', this.label, this.text(a.log), this.pid);
    } else if (a.crash !== undefined) {
      const { exception, message, signal, from } = a.crash;
      this.device.crashApp(this.pkg.name, {
        exception,
        ...(message !== undefined ? { message: this.text(message) } : {}),
        ...(signal ? { signal } : {}),
        thread: a.crash.thread ?? thread,
        frames: this.frames(from),
      });
    } else if (a.anr !== undefined) {
      this.hung = true;
      const reason =
        a.anr.reason ??
        `Input dispatching timed out (${this.pkg.name}/${this.activity} is not responding. Waited ${a.anr.after}ms for FocusEvent(hasFocus=true))`;
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (this.alive) this.device.reportAnr(this.pkg.name, this.text(reason));
      }, a.anr.after);
      t.unref();
      this.timers.add(t);
    }
  }

  private async send(spec: NonNullable<Action['send']>): Promise<void> {
    const url = this.text(spec.url);
    const { bytes, headers } = encodeBody(spec.body, spec.encode ?? [], this.scope);
    const extra = Object.fromEntries(
      Object.entries(spec.headers ?? {}).map(([k, v]) => [k.toLowerCase(), this.text(v)]),
    );
    const hasBody = spec.body !== undefined && spec.method !== 'GET' && spec.method !== 'HEAD';
    this.device.writeLog('D', 'OkHttp', `--> ${spec.method} ${url}`, this.pid);
    try {
      const res = await simRequest(this.device, this.trust, {
        method: spec.method,
        url,
        headers: { ...(hasBody ? headers : {}), ...extra },
        ...(hasBody ? { body: bytes } : {}),
      });
      this.device.writeLog(
        'D',
        'OkHttp',
        `<-- ${res.status} ${url} (${res.body.length}-byte body)`,
        this.pid,
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const kind = /certificate|self.signed|unable to verify|CERT_|ALERT/i.test(
        `${e.code ?? ''} ${e.message}`,
      )
        ? 'javax.net.ssl.SSLHandshakeException: java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.'
        : `java.io.IOException: ${e.message}`;
      this.device.writeLog('D', 'OkHttp', `<-- HTTP FAILED: ${kind} (${e.code ?? e.message})`, this.pid);
    }
  }

  private startPackage(target: string): void {
    if (!this.device.packages.get(target)) {
      this.warn(
        `android.content.ActivityNotFoundException: No Activity found to handle Intent { pkg=${target} }`,
      );
      return;
    }
    this.device.startActivity(target);
  }

  private loadPrefs(): void {
    const raw = this.device.fs.read(PREFS_FILE(this.pkg.name));
    if (!raw) return;
    try {
      for (const [k, v] of Object.entries(JSON.parse(raw.toString('utf8')) as Record<string, unknown>)) {
        this.vars.set(k, v);
        this.persisted.add(k);
      }
    } catch (err) {
      this.warn(`shared_prefs unreadable, starting fresh: ${(err as Error).message}`);
    }
  }

  private savePrefs(): void {
    const keep: Record<string, unknown> = {};
    for (const k of this.persisted) keep[k] = this.vars.get(k);
    this.device.fs.mkdirp(PREFS_DIR(this.pkg.name));
    this.device.fs.write(PREFS_FILE(this.pkg.name), Buffer.from(JSON.stringify(keep)), 0o660);
  }
}
