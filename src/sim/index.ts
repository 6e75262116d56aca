import { randomBytes } from 'node:crypto';
import { childLog } from '../log.ts';
import { failure } from '../errors.ts';
import { AdbDaemon } from './adb/daemon.ts';
import { SimDevice } from './device/device.ts';

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
}

export interface Sim {
  /** What `adb connect` and `adb -s` take: `127.0.0.1:PORT`. */
  serial: string;
  port: number;
  seed: string;
  device: SimDevice;
  daemon: AdbDaemon;
  stop(): Promise<void>;
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const seed = opts.seed ?? randomBytes(8).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const device = new SimDevice(seed);
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
  let stopped = false;
  return {
    serial: `${host}:${port}`,
    port,
    seed,
    device,
    daemon,
    async stop() {
      if (stopped) return;
      stopped = true;
      await daemon.close();
    },
  };
}

export { SimDevice } from './device/device.ts';
export type { AppRuntime, AppRuntimeFactory, InputEvent } from './device/runtime.ts';
