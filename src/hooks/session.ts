/**
 * Frida on real devices: connect (USB or an adb-forwarded frida-server), spawn the app suspended, load
 * the agent, map its clock, initialise it, resume — so calls in Application.onCreate, before any
 * consent dialog, are caught. Child gating instruments the app's other processes (`:push`, `:remote`);
 * attach to the running process is the fallback when spawning fails; after a crash or detach, spawn
 * gating re-instruments the app when it is relaunched.
 *
 * Written against the local frida types (./frida.ts). It cannot run on machines without the native
 * binding (these CI machines): it is exercised with a fake frida module in test/hooks, not a device.
 */
import { failure } from '../errors.ts';
import { childLog } from '../log.ts';
import { measureAgentClock, type AgentClock } from './clock.ts';
import type { FridaChild, FridaDevice, FridaModule, FridaScript, FridaSession, FridaSpawn } from './frida.ts';
import type { HostAgentParams } from './params.ts';

export interface FridaHooksOptions {
  frida: FridaModule;
  /** Client package version, for the version-mismatch message. */
  fridaVersion: string | null;
  /** adb serial (USB device) … */
  serial: string;
  /** … or `host:port` of a frida-server reached through `adb forward tcp:27042 tcp:27042`. */
  remote?: string;
  appPackage: string;
  mode: 'spawn' | 'attach';
  agentSource: string;
  params: HostAgentParams;
  childGating?: boolean;
  /** Re-instrument the app when it is relaunched after a crash/detach (spawn gating). */
  reattach?: boolean;
  sessionNow: () => number;
  /** Every agent message, with the clock of the process that sent it. */
  onMessage: (raw: unknown, clock: AgentClock, process: string) => void;
  /** Lifecycle events for the timeline: attached, child, detached (with crash summary), reattached. */
  onEvent: (
    type: 'hook-attached' | 'hook-child' | 'hook-detached' | 'hook-attach-fallback',
    data: Record<string, unknown>,
  ) => void;
}

export interface FridaHooks {
  readonly pid: number;
  readonly clock: AgentClock;
  stop(): Promise<void>;
}

const VERSION_HINTS = /unable to communicate|incompatible|protocol|version/i;

async function connect(o: FridaHooksOptions): Promise<FridaDevice> {
  const target = o.remote ?? o.serial;
  try {
    return o.remote !== undefined
      ? await o.frida.getDeviceManager().addRemoteDevice(o.remote)
      : await o.frida.getDevice(o.serial, { timeout: 5000 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (VERSION_HINTS.test(message)) {
      throw failure(
        'connect',
        `frida-server on ${target}`,
        message,
        `Run a frida-server whose major version matches the frida package (${o.fridaVersion ?? 'unknown'}) on the device.`,
        err,
      );
    }
    throw failure(
      'connect',
      `frida-server on ${target}`,
      message,
      'Start frida-server on the device (root required) or forward it with adb forward tcp:27042 tcp:27042.',
      err,
    );
  }
}

export async function startFridaHooks(o: FridaHooksOptions): Promise<FridaHooks> {
  const log = childLog({ probe: 'hooks', device: o.serial, app: o.appPackage });
  const device = await connect(o);
  const sessions: FridaSession[] = [];
  const scripts: FridaScript[] = [];

  /** Attaches to `pid`, loads and initialises the agent; the caller resumes. */
  const instrument = async (pid: number, processName: string): Promise<AgentClock> => {
    const session = await device.attach(pid);
    sessions.push(session);
    session.detached.connect((reason, crash) => {
      o.onEvent('hook-detached', {
        pid,
        process: processName,
        reason,
        crash: crash === null ? null : { summary: crash.summary, process: crash.processName },
      });
    });
    if (o.childGating ?? true) await session.enableChildGating();
    const script = await session.createScript(o.agentSource, { name: 'appwarden' });
    scripts.push(script);
    let clock: AgentClock | null = null;
    const early: unknown[] = [];
    script.message.connect((message) => {
      if (clock === null) early.push(message);
      else o.onMessage(message, clock, processName);
    });
    await script.load();
    const mapped = await measureAgentClock(async () => Number(await script.exports.now?.()), o.sessionNow);
    clock = mapped;
    for (const m of early.splice(0)) o.onMessage(m, mapped, processName);
    await script.exports.init?.({ ...o.params, process: processName });
    return mapped;
  };

  if (o.childGating ?? true) {
    device.childAdded.connect((child: FridaChild) => {
      const name = child.identifier ?? child.path ?? `${o.appPackage}:${child.pid}`;
      instrument(child.pid, name)
        .then(() => o.onEvent('hook-child', { pid: child.pid, parent: child.parentPid, process: name }))
        .catch((err: unknown) =>
          o.onEvent('hook-child', { pid: child.pid, process: name, error: String(err) }),
        )
        .finally(() =>
          device
            .resume(child.pid)
            .catch((err: unknown) => log.warn({ err: String(err) }, 'resume child failed')),
        );
    });
  }

  let pid: number;
  let spawned = false;
  if (o.mode === 'spawn') {
    try {
      pid = await device.spawn([o.appPackage]);
      spawned = true;
    } catch (err) {
      o.onEvent('hook-attach-fallback', { reason: err instanceof Error ? err.message : String(err) });
      pid = await findRunning(device, o.appPackage);
    }
  } else {
    pid = await findRunning(device, o.appPackage);
  }
  const clock = await instrument(pid, o.appPackage);
  if (spawned) await device.resume(pid);
  o.onEvent('hook-attached', {
    pid,
    mode: spawned ? 'spawn' : 'attach',
    clockOffset: clock.offset,
    clockUncertainty: clock.uncertainty,
  });

  let onSpawn: ((s: FridaSpawn) => void) | null = null;
  if (o.reattach ?? true) {
    onSpawn = (s: FridaSpawn) => {
      const ours = s.identifier === o.appPackage || s.identifier?.startsWith(`${o.appPackage}:`) === true;
      const work = ours
        ? instrument(s.pid, s.identifier ?? o.appPackage).then(() =>
            o.onEvent('hook-attached', { pid: s.pid, mode: 'reattach' }),
          )
        : Promise.resolve();
      // Every gated spawn must be resumed, ours or not, or it hangs.
      work
        .catch((err: unknown) =>
          o.onEvent('hook-attached', { pid: s.pid, mode: 'reattach', error: String(err) }),
        )
        .finally(() =>
          device.resume(s.pid).catch((err: unknown) => log.warn({ err: String(err) }, 'resume spawn failed')),
        );
    };
    device.spawnAdded.connect(onSpawn);
    await device.enableSpawnGating();
  }

  return {
    pid,
    clock,
    async stop() {
      if (onSpawn !== null) {
        device.spawnAdded.disconnect(onSpawn);
        await device
          .disableSpawnGating()
          .catch((err: unknown) => log.warn({ err: String(err) }, 'disable spawn gating failed'));
      }
      for (const s of scripts) {
        await s.exports
          .stop?.()
          .catch((err: unknown) => log.debug({ err: String(err) }, 'agent stop failed'));
        await s.unload().catch((err: unknown) => log.debug({ err: String(err) }, 'script unload failed'));
      }
      for (const s of sessions)
        await s.detach().catch((err: unknown) => log.debug({ err: String(err) }, 'detach failed'));
    },
  };
}

async function findRunning(device: FridaDevice, appPackage: string): Promise<number> {
  const apps = await device.enumerateApplications();
  const p = apps.find((x) => x.identifier === appPackage && x.pid > 0);
  if (p === undefined) {
    throw failure(
      'attach',
      `hooks to ${appPackage}`,
      'the app is not running and could not be spawned',
      'Launch the app first (attach mode) or check that frida-server runs as root (spawn mode).',
    );
  }
  return p.pid;
}
