import { Adb, AdbDaemonTransport, AdbServerClient, type AdbCredentialStore } from '@yume-chan/adb';
import { AdbServerNodeTcpConnector } from '@yume-chan/adb-server-node-tcp';
import { failure } from '../../errors.ts';
import { openDaemonConnection } from './daemon-connection.ts';

/**
 * Where a device is reached. Sims (and adbd in tcpip mode) are spoken to directly over the daemon protocol,
 * so the demo needs no `adb` binary; real devices and emulators go through the standard adb server.
 */
export type AdbAddress =
  | { via: 'daemon'; host: string; port: number }
  | { via: 'server'; serial: string; server?: { host: string; port: number } };

/** The adb server the user's tools use: ADB_SERVER_SOCKET=tcp:HOST:PORT, ANDROID_ADB_SERVER_PORT, or 5037. */
export function adbServerFromEnv(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const socket = env.ADB_SERVER_SOCKET?.match(/^tcp:(?:(.+):)?(\d+)$/);
  if (socket) return { host: socket[1] ?? '127.0.0.1', port: Number(socket[2]) };
  const port = Number(env.ANDROID_ADB_SERVER_PORT);
  return { host: '127.0.0.1', port: Number.isInteger(port) && port > 0 ? port : 5037 };
}

/**
 * Sims do not ask for authentication. A device that does (adbd over TCP on a real phone) must be reached
 * through the adb server, which holds the user's keys.
 */
const noKeys: AdbCredentialStore = {
  generateKey() {
    throw new Error('the device asked for ADB authentication; connect real devices through the adb server');
  },
  iterateKeys() {
    return [][Symbol.iterator]();
  },
};

export async function connectAdb(address: AdbAddress, timeoutMs = 10_000): Promise<Adb> {
  if (address.via === 'daemon') {
    const serial = `${address.host}:${address.port}`;
    const { connection, socket } = await openDaemonConnection(address.host, address.port, timeoutMs);
    try {
      const transport = await withTimeout(
        AdbDaemonTransport.authenticate({
          serial,
          connection,
          credentialStore: noKeys,
          initialDelayedAckBytes: 0,
        }),
        timeoutMs,
        () =>
          failure('connect to', serial, `no ADB handshake within ${timeoutMs} ms`, 'Is it an ADB daemon?'),
      );
      return new Adb(transport);
    } catch (err) {
      socket.destroy();
      throw err instanceof Error && err.message.startsWith('Failed to')
        ? err
        : failure('connect to', serial, (err as Error).message, undefined, err);
    }
  }
  const server = address.server ?? adbServerFromEnv();
  const client = new AdbServerClient(new AdbServerNodeTcpConnector({ host: server.host, port: server.port }));
  try {
    const transport = await withTimeout(client.createTransport({ serial: address.serial }), timeoutMs, () =>
      failure('connect to', address.serial, `the adb server did not answer within ${timeoutMs} ms`),
    );
    return new Adb(transport);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('Failed to')) throw err;
    throw failure(
      'connect to',
      address.serial,
      `${(err as Error).message} (adb server ${server.host}:${server.port})`,
      "Check 'adb devices' and that the adb server is running (adb start-server).",
      err,
    );
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
