import net from 'node:net';
import { AdbServerClient } from '@yume-chan/adb';
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
