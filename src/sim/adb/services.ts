import net from 'node:net';
import type { Logger } from 'pino';
import type { SimDevice } from '../device/device.ts';
import { powerOf } from '../power.ts';
import { runShellLine } from '../shell/interpreter.ts';
import type { AdbConnection, ServiceHandler, ServiceResolver } from './connection.ts';
import { encodeShellPacket, SHELL_ID, ShellPacketDecoder } from './shell-protocol.ts';
import { PullStdin } from './stdin.ts';
import type { AdbStream } from './stream.ts';
import { runSyncService } from './sync-service.ts';
import type { ReverseTable } from './reverse.ts';
import { handleReverse } from './reverse.ts';

/** Features we implement, advertised in CNXN; adb picks its code paths from these. */
export const DEVICE_FEATURES = ['shell_v2', 'cmd', 'fixed_push_mkdir'] as const;

export interface ServiceEnv {
  device: SimDevice;
  reverse: ReverseTable;
  log: Logger;
}

function pumpInto(stream: AdbStream, sink: (chunk: Buffer) => void, onEnd: () => void): void {
  void (async () => {
    for (;;) {
      const c = await stream.read();
      if (!c) break;
      sink(c);
    }
    onEnd();
  })();
}

/** Aborts when the host closes the stream (adb's Ctrl-C), so followers like `logcat` stop. */
function abortOnClose(stream: AdbStream): AbortSignal {
  const abort = new AbortController();
  stream.onClose(() => abort.abort());
  return abort.signal;
}

/** `shell:`/`exec:` without the v2 protocol: raw bytes both ways, stdout and stderr merged. */
function rawShell(env: ServiceEnv, command: string): ServiceHandler {
  return async (stream) => {
    const stdin = new PullStdin(() => stream.read());
    const signal = abortOnClose(stream);
    const output = { out: (b: Buffer) => void stream.write(b), err: (b: Buffer) => void stream.write(b) };
    if (command.trim() === '') {
      await interactive(env, stdin, output, signal, (b) => void stream.write(b));
      return;
    }
    await runShellLine(env.device, command, { stdin, output, signal });
  };
}

async function interactive(
  env: ServiceEnv,
  stdin: PullStdin,
  output: { out(b: Buffer): void; err(b: Buffer): void },
  signal: AbortSignal,
  echo: (b: Buffer) => void,
): Promise<void> {
  const prompt = (): void => echo(Buffer.from(`${env.device.identity.profile.device}:/ $ `));
  prompt();
  for (;;) {
    const line = await stdin.readLine();
    if (line === null || signal.aborted) return;
    echo(Buffer.from(`${line}\r\n`));
    if (line.trim() === 'exit') return;
    if (line.trim()) await runShellLine(env.device, line, { output, signal });
    prompt();
  }
}

/** Reads shell-v2 packets from the stream on demand and yields the stdin payloads. */
function v2StdinSource(env: ServiceEnv, stream: AdbStream): () => Promise<Buffer | null> {
  const decoder = new ShellPacketDecoder();
  const queue: Buffer[] = [];
  let stdinClosed = false;
  return async () => {
    for (;;) {
      const next = queue.shift();
      if (next) return next;
      if (stdinClosed) return null;
      const c = await stream.read();
      if (!c) return null;
      let packets;
      try {
        packets = decoder.push(c);
      } catch (err) {
        env.log.debug({ err }, 'bad shell v2 packet; closing the stream');
        stream.close();
        return null;
      }
      for (const p of packets) {
        if (p.id === SHELL_ID.stdin) queue.push(p.data);
        else if (p.id === SHELL_ID.closeStdin) stdinClosed = true;
      }
    }
  };
}

/** `shell,v2,…:` — stdout, stderr and the exit status in shell-protocol packets. */
function v2Shell(env: ServiceEnv, command: string): ServiceHandler {
  return async (stream) => {
    const stdin = new PullStdin(v2StdinSource(env, stream));
    const signal = abortOnClose(stream);
    const output = {
      out: (b: Buffer) => void stream.write(encodeShellPacket(SHELL_ID.stdout, b)),
      err: (b: Buffer) => void stream.write(encodeShellPacket(SHELL_ID.stderr, b)),
    };
    let status = 0;
    if (command.trim() === '') await interactive(env, stdin, output, signal, output.out);
    else status = await runShellLine(env.device, command, { stdin, output, signal });
    await stream.write(encodeShellPacket(SHELL_ID.exit, Buffer.from([status & 0xff])));
  };
}

/** `tcp:PORT[:HOST]` — a forward to a port "on the device", which for a sim is the host's loopback. */
function tcpForward(env: ServiceEnv, port: number): ServiceHandler {
  return (stream) =>
    new Promise<void>((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port });
      sock.on('connect', () =>
        pumpInto(
          stream,
          (c) => sock.write(c),
          () => sock.end(),
        ),
      );
      sock.on('data', (d: Buffer) => {
        sock.pause();
        void stream.write(d).then(() => sock.resume());
      });
      sock.on('error', (err) => {
        env.log.debug({ err, port }, 'tcp forward failed');
        resolve();
      });
      sock.on('close', () => resolve());
      stream.onClose(() => sock.destroy());
    });
}

/** Maps OPEN payloads to handlers; unknown services are refused (CLSE), as adbd does. */
export function makeResolver(env: ServiceEnv, conn: () => AdbConnection): ServiceResolver {
  return (service) => {
    const shell = /^shell(,[^:]*)?:(.*)$/s.exec(service);
    if (shell) {
      const opts = (shell[1] ?? '').split(',');
      return opts.includes('v2') ? v2Shell(env, shell[2] as string) : rawShell(env, shell[2] as string);
    }
    if (service.startsWith('exec:')) return rawShell(env, service.slice(5));
    if (service === 'sync:') return (stream) => runSyncService(env.device, stream, env.log);
    const tcp = /^tcp:(\d+)(?::(?:localhost|127\.0\.0\.1))?$/.exec(service);
    if (tcp) {
      const port = Number(tcp[1]);
      return port > 0 && port < 65536 ? tcpForward(env, port) : undefined;
    }
    if (service === 'root:' || service === 'unroot:') {
      // A user build's adbd (ro.debuggable=0) refuses, as the sim's capabilities say: no root.
      return async (stream) => {
        await stream.write(
          service === 'root:'
            ? 'adbd cannot run as root in production builds\n'
            : 'adbd not running as root\n',
        );
      };
    }
    if (service.startsWith('reboot:')) {
      // `adb reboot [MODE]`: adbd answers nothing and the connection drops as the device goes down.
      const power = powerOf(env.device);
      if (!power) return undefined;
      return async () => void power.reboot(service.slice('reboot:'.length));
    }
    if (service.startsWith('reverse:')) {
      return (stream) => handleReverse(env.reverse, conn(), stream, service.slice('reverse:'.length));
    }
    return undefined;
  };
}
