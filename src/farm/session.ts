import type { Identity } from '../config/identity.ts';
import type { Device } from '../device/device.ts';
import { foreground as readForeground, forceStop } from '../device/ops/activity.ts';
import { deviceFacts, type DeviceFacts } from '../device/ops/facts.ts';
import { makeHoneyData, mergeIdentity, seedHoneyData } from '../device/ops/honey.ts';
import { readIdentity } from '../device/ops/identity.ts';
import { InstallFailed, installApks, uninstall } from '../device/ops/packages.ts';
import { installCa } from '../device/ops/ca.ts';
import { streamLogcat, type LogcatStream } from '../device/ops/logcat.ts';
import { clearGlobalProxy, setGlobalProxy } from '../device/ops/proxy.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type { AppFaultData, DeviceKind, EvidenceWriter, SessionStatus } from '../evidence/types.ts';
import { DeviceLost, describeError } from '../errors.ts';
import { childLog } from '../log.ts';
import { exportCa, initCa } from '../traffic/ca.ts';
import { startCapture } from '../traffic/proxy.ts';
import type { PermissionRequestFeed } from '../ui/prompt-origin.ts';
import { permissionRequestTap } from '../ui/request-feed.ts';
import type { HooksPlan } from './hooks.ts';
import { ResourceScope } from './resources.ts';
import type { JobOutcome } from './scheduler.ts';

/** The session clock: ms since the session started, on the host's monotonic clock (DESIGN.md Events). */
export interface SessionClock {
  now(): number;
  /** Epoch ms at t = 0. */
  readonly startedWall: number;
}

export function startClock(): SessionClock {
  const t0 = performance.now();
  const startedWall = Date.now();
  return { now: () => Math.round((performance.now() - t0) * 1000) / 1000, startedWall };
}

/** What a scenario runner (the journeys part) gets for one session. */
export interface ScenarioContext {
  session: string;
  device: Device;
  deviceKind: DeviceKind;
  /** Appium/ports etc. are the runner's own business; the farm gives it the device and the app. */
  pkg: string;
  writer: EvidenceWriter;
  clock: SessionClock;
  signal: AbortSignal;
  /** For resources the runner starts (Appium sessions, …): released when the session closes. */
  scope: ResourceScope;
  /** Tells the progress display what the journey is doing now (e.g. `step 3 tapOn 同意`). */
  status: (text: string) => void;
  /** The app's requestPermissions calls as the hooks record them, so PERM_PROMPT can say who asked. */
  permissionRequests?: PermissionRequestFeed;
}

export interface ScenarioResult {
  /** `passed` = the journey ran to its end (findings are decided later by analysis). */
  status: 'passed' | 'error' | 'aborted';
  reason?: string;
}

export interface ScenarioRunner {
  readonly name: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

export interface SessionPlan {
  run: string;
  session: string;
  target: { apks: string[]; pkg: string; category?: string; firstPartyDomains?: string[] };
  scenario: ScenarioRunner;
  deviceName: string;
  deviceKind: DeviceKind;
  device: Device;
  store: EvidenceStore;
  dataDir: string;
  signal: AbortSignal;
  /** How hooks run on this device (src/farm/hooks.ts); none → the session records hooks as unavailable. */
  hooks?: HooksPlan;
  /** Extra CA certificates for the proxy's upstream side (test servers). */
  upstreamCa?: string | string[];
  /** Poll interval of the foreground probe. */
  foregroundPollMs?: number;
  /** The run's job this session is an attempt of (for --resume). */
  jobId?: string;
  /** Progress display hook: what the session is doing now. */
  onStatus?: (text: string) => void;
}

function capabilitiesOf(kind: DeviceKind, facts: DeviceFacts, hooks: boolean): string[] {
  const caps = new Set<string>();
  if (hooks) caps.add('hooks');
  if (facts.root) caps.add('root');
  if (kind === 'sim') {
    caps.add('shake');
    caps.add('system-ca');
  }
  if (kind === 'emulator') caps.add('shake');
  return [...caps].sort();
}

/**
 * One session, end to end: prepare the device (install, identity + honey data, capture proxy, device
 * proxy), attach probes, run the scenario, then restore the device. Evidence recorded before a failure
 * is always kept: the session ends `error` or `aborted` with the reason. Infrastructure failures are
 * returned as `infra` so the scheduler can retry elsewhere; scenario outcomes are results.
 */
export async function runSession(plan: SessionPlan): Promise<JobOutcome> {
  const { store, device, session } = plan;
  const log = childLog({ session, device: plan.deviceName });
  const clock = startClock();
  const scope = new ResourceScope(`session ${session}`);
  const writer = store.writer;
  const deviceEvent = (type: string, data: unknown, t = clock.now()) =>
    writer.appendEvent({ session, t, source: 'device', type, data });

  let facts: DeviceFacts;
  try {
    facts = await deviceFacts(device);
  } catch (err) {
    return { kind: 'infra', error: err as Error };
  }
  const capabilities = capabilitiesOf(
    plan.deviceKind,
    facts,
    plan.hooks !== undefined && plan.hooks.unavailable === null,
  );
  store.createSession({
    id: session,
    run: plan.run,
    target: plan.target.pkg,
    scenario: plan.scenario.name,
    device: plan.deviceName,
    deviceKind: plan.deviceKind,
    capabilities,
    startedAt: clock.startedWall,
    meta: {
      serial: device.serial,
      facts,
      category: plan.target.category ?? null,
      firstPartyDomains: plan.target.firstPartyDomains ?? [],
      apks: plan.target.apks,
      job: plan.jobId ?? null,
    },
  });

  let status: SessionStatus = 'error';
  let reason: string | undefined;
  let logcat: LogcatStream | null = null;
  let outcome: JobOutcome | undefined;
  // Failures while preparing are the infrastructure's (retry elsewhere); once the journey runs, they are results.
  let phase: 'prepare' | 'journey' = 'prepare';
  try {
    // Prepare.
    plan.onStatus?.('installing');
    await uninstall(device, plan.target.pkg).catch((err: unknown) =>
      log.debug({ err }, 'nothing to uninstall'),
    );
    try {
      await installApks(device, plan.target.apks, { reinstall: true, downgrade: true });
    } catch (err) {
      if (err instanceof InstallFailed && !err.infrastructure) {
        // The app cannot run on this device: a result about the app, not a reason to retry.
        reason = err.message;
        deviceEvent('install-failed', { reason: err.reason, message: err.message });
        outcome = { kind: 'done', status: 'error', session, detail: reason };
        return outcome;
      }
      throw err;
    }
    scope.defer('uninstall the app', async () => {
      if (!device.lost) await uninstall(device, plan.target.pkg);
    });
    deviceEvent('installed', { pkg: plan.target.pkg, apks: plan.target.apks });

    plan.onStatus?.('reading identity, planting honey data');
    const readout = await readIdentity(device, facts.sdk);
    const honey = await seedHoneyData(
      device,
      makeHoneyData({ seed: `${plan.run}/${device.serial}/${session}` }),
    );
    const identity: Identity = mergeIdentity(readout.identity, honey.seeded);
    store.setSessionIdentity(session, identity);
    deviceEvent('identity', { unavailable: readout.unavailable, honeyNotSeeded: honey.notSeeded });

    plan.onStatus?.('starting the capture proxy');
    const proxy = await scope.acquire(
      'capture proxy',
      () =>
        startCapture({
          session,
          writer,
          dataDir: plan.dataDir,
          identity,
          clock: clock.now,
          ...(plan.upstreamCa !== undefined ? { upstreamCa: plan.upstreamCa } : {}),
        }),
      (p) => p.stop(),
    );
    const { ca } = initCa(plan.dataDir);
    const caFile = exportCa(ca, 'android');
    const caInstall = await installCa(
      device,
      { fileName: caFile.fileName, pem: ca.certPem },
      { sim: plan.deviceKind === 'sim', root: facts.root, sdk: facts.sdk },
    );
    scope.defer('remove the farm CA', async () => {
      if (!device.lost) await caInstall.remove();
    });
    deviceEvent('ca', {
      store: caInstall.store,
      file: caFile.fileName,
      ...(caInstall.note ? { note: caInstall.note } : {}),
    });
    const proxyTarget = await setGlobalProxy(device, { host: proxy.host, port: proxy.port });
    scope.defer('restore the device proxy', async () => {
      if (!device.lost) await clearGlobalProxy(device, proxy.port);
    });
    deviceEvent('proxy', { listening: `${proxy.host}:${proxy.port}`, device: proxyTarget });

    // Hook events reach the store unchanged; the journey also sees the app's permission requests in them.
    const requests = permissionRequestTap(writer, session);
    const ctx: ScenarioContext = {
      session,
      device,
      deviceKind: plan.deviceKind,
      pkg: plan.target.pkg,
      writer: requests.writer,
      permissionRequests: requests.feed,
      clock,
      signal: plan.signal,
      scope,
      status: (text) => plan.onStatus?.(text),
    };

    // Probes.
    // Attached before the journey launches the app, so calls in Application.onCreate are caught.
    if (plan.hooks && plan.hooks.unavailable === null) {
      const hooks = await plan.hooks.attach(ctx, identity);
      scope.defer('detach hooks', () => hooks.detach());
    } else {
      deviceEvent('hooks-unavailable', {
        reason: plan.hooks?.unavailable ?? 'no hooks for this device kind',
      });
    }
    const stopForeground = watchForeground(
      device,
      clock,
      (fg) => deviceEvent('foreground', fg),
      plan.foregroundPollMs ?? 500,
    );
    scope.defer('stop the foreground probe', stopForeground);
    const appLog = await watchLogcat(device, plan.target.pkg, clock, deviceEvent);
    if (appLog) scope.defer('stop the logcat probe', () => appLog.stop());
    logcat = appLog;

    // Journey.
    phase = 'journey';
    plan.onStatus?.(`journey ${plan.scenario.name}`);
    const result = await plan.scenario.run(ctx);
    status = result.status;
    reason = withFaults(result.reason, logcat?.faults);
    outcome = { kind: 'done', status, session, ...(reason ? { detail: reason } : {}) };
    return outcome;
  } catch (err) {
    reason = describeError(err);
    if (plan.signal.aborted) {
      status = 'aborted';
      reason = `${describeError(plan.signal.reason)}${reason ? ` (${reason})` : ''}`;
      outcome = { kind: 'done', status, session, detail: reason };
      return outcome;
    }
    status = 'error';
    if (phase === 'journey') reason = withFaults(reason, logcat?.faults);
    const infra = err instanceof DeviceLost || phase === 'prepare';
    outcome = infra
      ? { kind: 'infra', error: err as Error, session }
      : { kind: 'done', status, session, detail: reason };
    return outcome;
  } finally {
    plan.onStatus?.('restoring the device');
    if (!device.lost)
      await forceStop(device, plan.target.pkg).catch((err: unknown) =>
        log.debug({ err }, 'force-stop failed'),
      );
    const failures = await scope.releaseAll();
    for (const f of failures) deviceEvent('cleanup-failed', { reason: f.message });
    // How the attempt ended, for --resume: only `done` outcomes (not aborted) finish a job.
    deviceEvent('session-end', { job: plan.jobId ?? null, outcome: outcome?.kind ?? 'infra', status });
    await writer.flush();
    store.finishSession(session, status, reason);
    log.debug({ status, reason }, 'session closed');
  }
}

/** App log lines kept per session as `logcat` events; crashes and ANRs are recorded whatever the count. */
export const LOGCAT_LINES_KEPT = 20_000;

/**
 * Follows the app's logcat for the rest of the session and records each crash and ANR as a `device` event
 * (`crash` / `anr`, data AppFaultData) at the device time it happened. An app that crashes is a scenario
 * result; a logcat that cannot start or breaks is recorded and the session goes on without it.
 */
async function watchLogcat(
  device: Device,
  pkg: string,
  clock: SessionClock,
  record: (type: string, data: unknown, t?: number) => void,
): Promise<LogcatStream | null> {
  let stream: LogcatStream;
  try {
    stream = await streamLogcat(device, { packages: [pkg] });
  } catch (err) {
    if (device.lost) throw err;
    record('logcat-unavailable', { reason: describeError(err) });
    return null;
  }
  // Device time onto the session clock (DESIGN.md Events), never ahead of now.
  const sessionTime = (deviceTime: number | null): number =>
    deviceTime === null
      ? clock.now()
      : Math.max(0, Math.min(deviceTime - stream.skewMs - clock.startedWall, clock.now()));
  stream.on('fault', (f) => record(f.kind, f, sessionTime(f.deviceTime)));
  // The app's own lines, for investigators (an SDK's log often names what it sent); bounded per session.
  let lines = 0;
  stream.on('line', (l) => {
    if (++lines > LOGCAT_LINES_KEPT) {
      if (lines === LOGCAT_LINES_KEPT + 1) record('logcat-truncated', { kept: LOGCAT_LINES_KEPT });
      return;
    }
    record(
      'logcat',
      { pid: l.pid, tid: l.tid, level: l.level, tag: l.tag, message: l.message },
      sessionTime(l.time),
    );
  });
  stream.on('end', (why) => {
    if (why !== null) record('logcat-ended', { reason: why });
  });
  return stream;
}

/** A journey that failed after the app crashed says so: the crash is usually why. */
function withFaults(
  reason: string | undefined,
  faults: readonly AppFaultData[] | undefined,
): string | undefined {
  const first = faults?.[0];
  if (!reason || !first) return reason;
  const what =
    first.kind === 'anr' ? 'stopped responding (ANR)' : first.native ? 'crashed (native)' : 'crashed';
  return `${reason} (the app ${what}: ${first.summary})`;
}

/** Records every change of the foreground app/activity (harassment, jump and exit rules read these). */
function watchForeground(
  device: Device,
  clock: SessionClock,
  record: (fg: { package: string | null; activity: string | null }) => void,
  everyMs: number,
): () => Promise<void> {
  let last = '';
  let stopped = false;
  const loop = (async () => {
    while (!stopped && !device.lost) {
      try {
        const fg = await readForeground(device);
        const key = `${fg?.package ?? ''}/${fg?.activity ?? ''}`;
        if (key !== last) {
          last = key;
          record({ package: fg?.package ?? null, activity: fg?.activity ?? null });
        }
      } catch (err) {
        if (device.lost) break;
        record({ package: null, activity: null });
        childLog({ device: device.serial }).debug({ err, t: clock.now() }, 'foreground probe failed');
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
