import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { childLog } from '../log.ts';

const log = childLog({ part: 'emulator-console' });

/** The console port of `emulator-5554` is 5554 (the adb port is the next one). */
export function consolePort(serial: string): number | undefined {
  const m = /^emulator-(\d{4,5})$/.exec(serial);
  return m ? Number(m[1]) : undefined;
}

export interface ShakeProfile {
  acceleration: number;
  duration: number;
  rotation: number;
}

/** Rest reading of the emulator's virtual sensors (upright portrait, gravity on y). */
const REST = { acceleration: '0:9.81:0', gyroscope: '0:0:0' };
/** Sensor updates per second while shaking. */
const RATE_HZ = 10;

/**
 * The shake commands for the emulator console (`sensor set acceleration x:y:z` in m/s² with gravity,
 * `sensor set gyroscope x:y:z` in rad/s — the names of the emulator's android/hw-sensors.h SENSORS_LIST;
 * console protocol per developer.android.com/studio/run/emulator-console: banner, `OK`, `auth <token>`): the peak alternates ± on x at RATE_HZ over the duration on top of gravity, the rotation
 * spread evenly over it; then both sensors return to rest.
 */
export function shakeCommands(p: ShakeProfile): { command: string; delayMs: number }[] {
  const steps = Math.max(1, Math.round(p.duration * RATE_HZ));
  const delayMs = Math.round(1000 / RATE_HZ);
  const omega = ((p.rotation * Math.PI) / 180 / p.duration).toFixed(4);
  const out: { command: string; delayMs: number }[] = [];
  if (p.rotation > 0) out.push({ command: `sensor set gyroscope 0:0:${omega}`, delayMs: 0 });
  for (let i = 0; i < steps; i++) {
    const x = (i % 2 === 0 ? p.acceleration : -p.acceleration).toFixed(2);
    out.push({ command: `sensor set acceleration ${x}:9.81:0`, delayMs });
  }
  out.push({ command: `sensor set acceleration ${REST.acceleration}`, delayMs: 0 });
  if (p.rotation > 0) out.push({ command: `sensor set gyroscope ${REST.gyroscope}`, delayMs: 0 });
  return out;
}

/** One console conversation: read until the `OK`/`KO:` line that answers each command. */
class ConsoleLine {
  #buf = '';
  #waiters: ((line: string) => void)[] = [];

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buf += chunk;
      let i: number;
      while ((i = this.#buf.indexOf('\n')) >= 0) {
        const line = this.#buf.slice(0, i).replace(/\r$/, '');
        this.#buf = this.#buf.slice(i + 1);
        if (line === 'OK' || line.startsWith('KO')) this.#waiters.shift()?.(line);
      }
    });
  }

  reply(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  /** `shown`: how the command appears in errors (the auth token must not end up in logs or reports). */
  async send(
    command: string,
    timeoutMs = 5000,
    shown = command.split(' ').slice(0, 3).join(' '),
  ): Promise<void> {
    const answer = this.reply(timeoutMs);
    this.socket.write(`${command}\n`);
    const line = await answer;
    if (line !== 'OK') throw new Error(`'${shown}' answered ${line}`);
  }
}

export interface ConsoleOptions {
  host?: string;
  /** Default ~/.emulator_console_auth_token (the emulator writes it; empty file = no auth). */
  tokenFile?: string;
}

/** Plays a shake on a running emulator through its console (127.0.0.1:PORT). */
export async function shakeEmulator(port: number, p: ShakeProfile, opts: ConsoleOptions = {}): Promise<void> {
  const host = opts.host ?? '127.0.0.1';
  const socket = net.connect({ host, port });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const line = new ConsoleLine(socket);
    await line.reply(5000); // the banner ends with OK
    const tokenFile = opts.tokenFile ?? path.join(os.homedir(), '.emulator_console_auth_token');
    const token = (
      await fs.readFile(tokenFile, 'utf8').catch((err: unknown) => {
        log.debug({ err, tokenFile }, 'no console auth token; trying without');
        return '';
      })
    ).trim();
    if (token) await line.send(`auth ${token}`, 5000, `auth <the token in ${tokenFile}>`);
    for (const c of shakeCommands(p)) {
      await line.send(c.command);
      if (c.delayMs) await new Promise((r) => setTimeout(r, c.delayMs));
    }
  } catch (err) {
    throw new Error(
      `Failed to shake the emulator on console port ${port}: ${(err as Error).message}. Is the emulator running, and is ~/.emulator_console_auth_token readable?`,
      { cause: err },
    );
  } finally {
    socket.end();
    socket.destroy();
  }
}
