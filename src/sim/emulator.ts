import net from 'node:net';
import { childLog } from '../log.ts';
import { startSim, type Sim } from './index.ts';

const log = childLog({ part: 'sim-emulator' });

export interface EmulatorStandInOptions {
  avd: string;
  /** Console port P; the sim's adbd listens on P + 1, as the emulator's does. */
  port: number;
  /** Until `sys.boot_completed=1` after the adbd is up. */
  bootMs?: number;
  /** The adb server to announce the emulator to (default: from the environment). */
  adbServer?: { host: string; port: number };
}

export interface EmulatorStandIn {
  sim: Sim;
  /** Resolves when `kill` arrived on the console (or stop() was called) and everything is down. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * What the SDK's `emulator -avd NAME -port P` looks like from the host, for hosts without the emulator
 * (no KVM here): a sim whose adbd listens on P + 1 and reports an emulator's props, a console on P
 * (banner, `auth`, `avd name`, `ping`, `kill`), and the announcement to the adb server
 * (`host:emulator:P+1`) that makes it list `emulator-P`.
 */
export async function startEmulatorStandIn(opts: EmulatorStandInOptions): Promise<EmulatorStandIn> {
  const sim = await startSim({
    seed: `emulator-${opts.avd}`,
    port: opts.port + 1,
    profile: { abi: 'x86_64' },
  });
  const props = sim.device.props;
  props.set('ro.kernel.qemu', '1');
  props.set('ro.boot.qemu', '1');
  props.set('ro.boot.qemu.avd_name', opts.avd);
  props.set('sys.boot_completed', '0');
  const bootTimer = setTimeout(() => props.set('sys.boot_completed', '1'), opts.bootMs ?? 500);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const sockets = new Set<net.Socket>();
  const consoleServer = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (err) => log.debug({ err }, 'console socket error'));
    socket.write("Android Console: type 'help' for a list of commands\r\nOK\r\n");
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line.startsWith('auth ')) socket.write('OK\r\n');
        else if (line === 'avd name') socket.write(`${opts.avd}\r\nOK\r\n`);
        else if (line === 'ping') socket.write('I am alive!\r\nOK\r\n');
        else if (line === 'kill') {
          socket.end('OK: killing emulator, bye bye\r\n');
          void stop();
        } else socket.write(`KO: unknown command, try 'help'\r\n`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    consoleServer.once('error', reject);
    consoleServer.listen(opts.port, '127.0.0.1', () => resolve());
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearTimeout(bootTimer);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => consoleServer.close(() => r()));
      await sim.stop();
      resolveStopped();
    })());

  await announce(opts.port + 1, opts.adbServer ?? serverFromEnv()).catch((err: unknown) =>
    // As the real emulator: without a running adb server, the server finds it when it starts (port scan).
    log.debug({ err }, 'no adb server to announce the emulator to'),
  );
  return { sim, stopped, stop };
}

function serverFromEnv(): { host: string; port: number } {
  const port = Number(process.env.ANDROID_ADB_SERVER_PORT);
  return { host: '127.0.0.1', port: Number.isInteger(port) && port > 0 ? port : 5037 };
}

/** `host:emulator:PORT` to the adb server, as the emulator sends it on start-up; the server does not reply. */
function announce(adbPort: number, server: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = `host:emulator:${adbPort}`;
    const socket = net.connect(server);
    socket.setTimeout(5_000, () => socket.destroy(new Error('the adb server did not answer')));
    socket.once('connect', () => socket.end(`${request.length.toString(16).padStart(4, '0')}${request}`));
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}
