import { randomBytes } from 'node:crypto';
import { childLog } from '../log.ts';
import { failure } from '../errors.ts';
import { AdbDaemon } from './adb/daemon.ts';
import { SimDevice, type SimProfileOverrides } from './device/device.ts';
import { installModelRuntime } from './model/install.ts';
import { SimPower } from './power.ts';

/**
 * The simulated handset (DESIGN.md "The simulated handset"): a SimDevice behind an ADB daemon on
 * 127.0.0.1. Many sims can run in one process; each has its own port, state and identity.
 */
export interface SimOptions {
  /** Same seed → same identity and handset profile. Default: random. */
  seed?: string;
  /** TCP port for the ADB daemon; 0 (default) picks a free one. */
  port?: number;
  /** Listen address; only loopback makes sense for a test device. */
  host?: string;
  /** What devices.yaml says the handset is (model, API level, ABI, rooted); the rest comes from the seed. */
  profile?: SimProfileOverrides;
}

export interface Sim {
  /** What `adb connect` and `adb -s` take: `127.0.0.1:PORT`. */
  serial: string;
  port: number;
  seed: string;
  device: SimDevice;
  daemon: AdbDaemon;
  /** `adb reboot` and the shell's `reboot` go through here; tests tune its timing or make it stay down. */
  power: SimPower;
  stop(): Promise<void>;
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const seed = opts.seed ?? randomBytes(8).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const device = new SimDevice(seed, opts.profile);
  // Apps with assets/appwarden-sim.yaml behave as their model says (src/sim/model).
  installModelRuntime(device);
  const log = childLog({ sim: seed });
  const daemon = new AdbDaemon(device, log);
  let port: number;
  try {
    port = await daemon.listen(opts.port ?? 0, host);
  } catch (err) {
    throw failure(
      'start',
      `sim ${seed}`,
      `cannot listen on ${host}:${opts.port ?? 0} (${(err as Error).message})`,
      'Pick another port or use 0 for a free one.',
      err,
    );
  }
  log.debug({ port }, 'sim started');
  const power = new SimPower(device, { down: () => daemon.suspend(), up: () => daemon.resume(port, host) });
  if (device.identity.profile.sdk >= 34) {
    // Android 14+ reads system CAs from the Conscrypt APEX (src/device/ops/ca.ts).
    device.fs.mkdirp('/apex/com.android.conscrypt/cacerts');
  }
  let stopped = false;
  return {
    serial: `${host}:${port}`,
    port,
    seed,
    device,
    daemon,
    power,
    async stop() {
      if (stopped) return;
      stopped = true;
      power.dispose();
      await daemon.close();
    },
  };
}

export { SimDevice, type SimProfileOverrides } from './device/device.ts';
export type { AppRuntime, AppRuntimeFactory, InputEvent } from './device/runtime.ts';

export interface SimGroupOptions {
  count: number;
  /** Base seed; sim i gets `${seed}-${i}` so a group is reproducible. Default: random. */
  seed?: string;
  /** First port; sim i listens on port + i. 0 (default) = free ports. */
  port?: number;
  host?: string;
}

/** Starts `count` sims in this process; if one fails, the ones already started are stopped. */
export async function startSims(opts: SimGroupOptions): Promise<Sim[]> {
  const base = opts.seed ?? randomBytes(6).toString('hex');
  const sims: Sim[] = [];
  try {
    for (let i = 0; i < opts.count; i++) {
      sims.push(
        await startSim({
          seed: opts.count === 1 && opts.seed ? base : `${base}-${i}`,
          port: opts.port ? opts.port + i : 0,
          host: opts.host,
        }),
      );
    }
  } catch (err) {
    await Promise.all(sims.map((s) => s.stop()));
    throw err;
  }
  return sims;
}

/** Resolves on the first of SIGINT/SIGTERM (Ctrl-C), then removes its handlers. */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    const on = (sig: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, on);
      resolve(sig);
    };
    for (const s of signals) process.on(s, on);
  });
}
export { onAppProcess, setSideModel, parseModel } from './model/index.ts';
export type { UiNode, UiWindow } from './ui/types.ts';
export type { SimUi } from './ui/ui.ts';
