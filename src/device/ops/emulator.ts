import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeError, failure } from '../../errors.ts';
import { childLog } from '../../log.ts';
import { adbServerFromEnv } from '../adb/connect.ts';
import { announceEmulator, ensureAdbServer, listDevices, type AdbServer } from '../adb/server.ts';
import { Device } from '../device.ts';

const log = childLog({ part: 'emulator' });

/** Console ports the emulator accepts: even, 5554–5682; its adbd listens on the next (odd) port. */
export const CONSOLE_PORTS = { from: 5554, to: 5682 } as const;

/** The SDK's `emulator`: $ANDROID_HOME/emulator, then $ANDROID_SDK_ROOT/emulator, then PATH. */
export function findEmulatorBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates: string[] = [];
  for (const sdk of [env.ANDROID_HOME, env.ANDROID_SDK_ROOT])
    if (sdk) candidates.push(path.join(sdk, 'emulator', 'emulator'));
  for (const dir of (env.PATH ?? '').split(path.delimiter))
    if (dir) candidates.push(path.join(dir, 'emulator'));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch (err) {
      log.trace({ candidate: c, err: (err as Error).message }, 'not an emulator binary');
    }
  }
  return null;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** The first console port whose console and adb ports are free and that no listed emulator uses. */
export async function freeConsolePort(listed: readonly string[]): Promise<number> {
  for (let p = CONSOLE_PORTS.from; p <= CONSOLE_PORTS.to; p += 2) {
    if (listed.includes(`emulator-${p}`)) continue;
    if (!(await portInUse(p)) && !(await portInUse(p + 1))) return p;
  }
  throw failure(
    'find',
    'a free emulator console port',
    `every port ${CONSOLE_PORTS.from}-${CONSOLE_PORTS.to} is taken`,
  );
}

/** The running emulator (`emulator-NNNN`) whose AVD is `avd`, if any. */
export async function findRunningAvd(
  avd: string,
  server: AdbServer = adbServerFromEnv(),
): Promise<string | null> {
  for (const d of await listDevices(server)) {
    if (!d.serial.startsWith('emulator-') || d.state !== 'device') continue;
    let device: Device | undefined;
    try {
      device = await Device.connect('emulator', { via: 'server', serial: d.serial, server }, 5_000);
      for (const prop of ['ro.boot.qemu.avd_name', 'ro.kernel.qemu.avd_name']) {
        const name = (await device.shell(['getprop', prop], { timeoutMs: 5_000 })).stdout.trim();
        if (name === avd) return d.serial;
      }
    } catch (err) {
      log.debug({ serial: d.serial, err: describeError(err) }, 'could not ask an emulator for its AVD');
    } finally {
      await device?.close().catch((err: unknown) => log.debug({ err: describeError(err) }, 'close'));
    }
  }
  return null;
}

export interface BootOptions {
  avd: string;
  /** Even console port; free one when omitted. */
  consolePort?: number;
  headless: boolean;
  /** From spawning until `sys.boot_completed=1`. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export interface BootedEmulator {
  serial: string;
  consolePort: number;
  /** `kill` on its console, then signals if it lingers; waits for the process to end. */
  stop(): Promise<void>;
}

/**
 * Boots an AVD: `emulator -avd NAME [-no-window] -no-snapshot-save -port P`, waits for the adb server to
 * list `emulator-P` (announcing its adb port to the server if the emulator's own announcement got lost,
 * e.g. when the server started later) and for boot completion, all within `timeoutMs`.
 */
export async function bootEmulator(opts: BootOptions): Promise<BootedEmulator> {
  const env = opts.env ?? process.env;
  const what = `AVD '${opts.avd}'`;
  const binary = findEmulatorBinary(env);
  if (!binary)
    throw failure(
      'boot',
      what,
      'the Android emulator is not installed (not in $ANDROID_HOME/emulator, $ANDROID_SDK_ROOT/emulator or PATH)',
      'Install it with `sdkmanager emulator` and set ANDROID_HOME, or start the AVD yourself and list it as kind: adb.',
    );
  const server = adbServerFromEnv(env);
  await ensureAdbServer(server, env);
  const port = opts.consolePort ?? (await freeConsolePort((await listDevices(server)).map((d) => d.serial)));
  const serial = `emulator-${port}`;
  const args = [
    '-avd',
    opts.avd,
    ...(opts.headless ? ['-no-window'] : []),
    '-no-snapshot-save',
    '-port',
    String(port),
  ];
  log.debug({ binary, args }, 'booting emulator');
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      exited = err.message;
      resolve();
    });
  });
  const booted: BootedEmulator = {
    serial,
    consolePort: port,
    stop: () => stopEmulator(port, child, exit),
  };

  const started = Date.now();
  const left = () => opts.timeoutMs - (Date.now() - started);
  const lastLine = () => output.trim().split('\n').slice(-1)[0] ?? '';
  let announced = false;
  let state = 'not listed by the adb server';
  try {
    while (left() > 0) {
      if (exited !== null)
        throw failure('boot', what, `the emulator ended (${exited}): ${lastLine() || 'no output'}`);
      const listed = (await listDevices(server)).find((d) => d.serial === serial);
      if (listed?.state === 'device') {
        let device: Device | undefined;
        try {
          device = await Device.connect(
            'emulator',
            { via: 'server', serial, server },
            Math.min(5_000, left()),
          );
          const done = await device.shell(['getprop', 'sys.boot_completed'], {
            timeoutMs: Math.min(5_000, left()),
          });
          if (done.stdout.trim() === '1') {
            log.debug({ serial, ms: Date.now() - started }, 'emulator booted');
            return booted;
          }
          state = 'boot not completed';
        } catch (err) {
          state = describeError(err);
        } finally {
          await device?.close().catch((err: unknown) => log.debug({ err: describeError(err) }, 'close'));
        }
      } else {
        state = listed ? `adb state ${listed.state}` : 'not listed by the adb server';
        if (!listed && !announced && Date.now() - started > 2_000 && (await portInUse(port + 1))) {
          announced = true;
          await announceEmulator(port + 1, server).catch((err: unknown) =>
            log.debug({ err: describeError(err) }, 'announcing the emulator to the adb server failed'),
          );
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw failure(
      'boot',
      what,
      `not ready within ${Math.round(opts.timeoutMs / 1000)} s (${state})`,
      'Is KVM available (emulator -accel-check)? Raise bootTimeout for slow hosts.',
    );
  } catch (err) {
    await booted
      .stop()
      .catch((e: unknown) => log.warn({ err: describeError(e) }, 'stopping a failed emulator'));
    throw err;
  }
}

/** The emulator console: banner, `auth <token>` when ~/.emulator_console_auth_token has one, `kill`. */
async function consoleKill(port: number): Promise<void> {
  const token = (
    await fsp.readFile(path.join(os.homedir(), '.emulator_console_auth_token'), 'utf8').catch(() => '')
  ).trim();
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer from the console')));
    let buf = '';
    let step: 'banner' | 'auth' | 'kill' = 'banner';
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      if (!/(^|\n)(OK|KO[^\n]*)\r?\n/.test(buf)) return;
      const failed = /(^|\n)KO[^\n]*/.exec(buf)?.[0]?.trim();
      buf = '';
      if (failed && step !== 'banner') return socket.destroy(new Error(`console answered ${failed}`));
      if (step === 'banner' && token) {
        step = 'auth';
        socket.write(`auth ${token}\n`);
      } else if (step !== 'kill') {
        step = 'kill';
        socket.write('kill\n');
      }
    });
    socket.once('error', reject);
    socket.once('close', () => (step === 'kill' ? resolve() : reject(new Error('the console closed early'))));
  });
}

async function stopEmulator(port: number, child: ChildProcess, exit: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const waitExit = (ms: number) =>
    Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  try {
    await consoleKill(port);
  } catch (err) {
    log.debug({ port, err: describeError(err) }, 'console kill failed; signalling the emulator');
  }
  if (await waitExit(15_000)) return;
  child.kill('SIGTERM');
  if (await waitExit(5_000)) return;
  child.kill('SIGKILL');
  await waitExit(5_000);
}
