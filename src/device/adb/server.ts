import net from 'node:net';
import { AdbServerClient } from '@yume-chan/adb';
import { execa } from 'execa';
import { describeError, failure } from '../../errors.ts';
import { AdbServerNodeTcpConnector } from '@yume-chan/adb-server-node-tcp';
import { adbServerFromEnv } from './connect.ts';

export type AdbServer = { host: string; port: number };

function client(server: AdbServer): AdbServerClient {
  return new AdbServerClient(new AdbServerNodeTcpConnector({ host: server.host, port: server.port }));
}

/** `adb devices`: serials and states the adb server knows. */
export async function listDevices(
  server: AdbServer = adbServerFromEnv(),
): Promise<{ serial: string; state: string }[]> {
  const devices = await client(server).getDevices(['device', 'offline', 'unauthorized']);
  return devices.map((d) => ({ serial: d.serial, state: d.state }));
}

/**
 * Tells the adb server an emulator's adbd listens on `adbPort` (`host:emulator:PORT`, what the emulator
 * itself sends when it starts). The server then connects to it and lists it as `emulator-<adbPort - 1>`.
 * The server sends no reply to this request.
 */
export function announceEmulator(adbPort: number, server: AdbServer = adbServerFromEnv()): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = `host:emulator:${adbPort}`;
    const socket = net.connect({ host: server.host, port: server.port });
    socket.setTimeout(5_000, () => socket.destroy(new Error('the adb server did not answer')));
    socket.once('connect', () => {
      socket.end(`${request.length.toString(16).padStart(4, '0')}${request}`);
    });
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

/**
 * Makes sure the adb server answers, starting it (`adb -P PORT start-server`) when nothing listens on its
 * port — as `adb devices` would. Emulators announce themselves to a running server, so it must be up first.
 */
export async function ensureAdbServer(
  server: AdbServer = adbServerFromEnv(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  try {
    await listDevices(server);
    return;
  } catch (err) {
    if (server.host !== '127.0.0.1' && server.host !== 'localhost')
      throw failure('reach', `the adb server at ${server.host}:${server.port}`, describeError(err));
  }
  const r = await execa('adb', ['-P', String(server.port), 'start-server'], {
    env,
    timeout: 30_000,
    reject: false,
  });
  if (r.failed)
    throw failure(
      'start',
      `the adb server on port ${server.port}`,
      (r.stderr || r.shortMessage || '').trim().split('\n').pop() ?? 'adb failed',
      'Install adb (apt-get install adb, or the SDK platform-tools) and put it on PATH.',
    );
}
