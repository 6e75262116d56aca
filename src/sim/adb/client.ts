import net from 'node:net';
import {
  A_CLSE,
  A_CNXN,
  A_OKAY,
  A_OPEN,
  A_VERSION,
  A_WRTE,
  MAX_PAYLOAD,
  MessageDecoder,
  encodeMessage,
  type AdbMessage,
} from './message.ts';
import { encodeShellPacket, SHELL_ID, ShellPacketDecoder } from './shell-protocol.ts';

/**
 * A minimal ADB *host* over the wire, straight to a daemon (no adb server in between). It exists to
 * test and benchmark the sim without the adb binary; the farm's real device client lives in src/device/.
 */
interface ClientStream {
  remoteId: number;
  chunks: Buffer[];
  onData?: () => void;
  acked?: () => void;
  opened: (ok: boolean) => void;
  closed: boolean;
}

export interface ShellResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number;
}

export class AdbWireClient {
  private readonly decoder = new MessageDecoder(MAX_PAYLOAD);
  private readonly streams = new Map<number, ClientStream>();
  private nextId = 1;
  private maxData = MAX_PAYLOAD;
  banner = '';

  private constructor(private readonly socket: net.Socket) {}

  static async connect(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<AdbWireClient> {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const client = new AdbWireClient(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no CNXN from ${host}:${port} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.once('error', (err) => (clearTimeout(timer), reject(err)));
      client.onCnxn = (m) => {
        clearTimeout(timer);
        client.maxData = Math.min(m.arg1, MAX_PAYLOAD);
        client.banner = m.payload.toString('utf8');
        resolve();
      };
      socket.on('data', (c: Buffer) => client.onData(c));
      socket.on('close', () => client.onClose());
      socket.write(
        encodeMessage({
          command: A_CNXN,
          arg0: A_VERSION,
          arg1: MAX_PAYLOAD,
          payload: Buffer.from('host::features=shell_v2,cmd,fixed_push_mkdir\0'),
        }),
      );
    });
    return client;
  }

  private onCnxn: ((m: AdbMessage) => void) | undefined;

  private onData(chunk: Buffer): void {
    for (const m of this.decoder.push(chunk)) {
      const s = this.streams.get(m.arg1);
      switch (m.command) {
        case A_CNXN:
          this.onCnxn?.(m);
          break;
        case A_OKAY:
          if (!s) break;
          if (s.remoteId === 0) {
            s.remoteId = m.arg0;
            s.opened(true);
          } else {
            const a = s.acked;
            s.acked = undefined;
            a?.();
          }
          break;
        case A_WRTE:
          if (!s) break;
          this.socket.write(
            encodeMessage({ command: A_OKAY, arg0: m.arg1, arg1: m.arg0, payload: Buffer.alloc(0) }),
          );
          s.chunks.push(m.payload);
          s.onData?.();
          break;
        case A_CLSE:
          if (!s) break;
          s.closed = true;
          this.streams.delete(m.arg1);
          s.opened(false);
          s.acked?.();
          s.onData?.();
          break;
      }
    }
  }

  private onClose(): void {
    for (const s of this.streams.values()) {
      s.closed = true;
      s.opened(false);
      s.acked?.();
      s.onData?.();
    }
    this.streams.clear();
  }

  /** Opens a service; returns functions to write, read everything until close, and close. */
  async open(service: string): Promise<{
    write(data: Buffer): Promise<void>;
    readAll(): Promise<Buffer>;
    read(): Promise<Buffer | null>;
    close(): void;
  }> {
    const localId = this.nextId++;
    let resolveOpen!: (ok: boolean) => void;
    const opened = new Promise<boolean>((r) => (resolveOpen = r));
    const s: ClientStream = { remoteId: 0, chunks: [], opened: resolveOpen, closed: false };
    this.streams.set(localId, s);
    this.socket.write(
      encodeMessage({ command: A_OPEN, arg0: localId, arg1: 0, payload: Buffer.from(`${service}\0`) }),
    );
    if (!(await opened)) throw new Error(`service '${service}' refused`);
    const read = async (): Promise<Buffer | null> => {
      while (s.chunks.length === 0 && !s.closed) await new Promise<void>((r) => (s.onData = r));
      return s.chunks.shift() ?? null;
    };
    return {
      write: async (data) => {
        for (let off = 0; off < data.length && !s.closed; off += this.maxData) {
          await new Promise<void>((r) => {
            s.acked = r;
            this.socket.write(
              encodeMessage(
                {
                  command: A_WRTE,
                  arg0: localId,
                  arg1: s.remoteId,
                  payload: data.subarray(off, off + this.maxData),
                },
                false,
              ),
            );
          });
        }
      },
      read,
      readAll: async () => {
        const parts: Buffer[] = [];
        for (let c = await read(); c; c = await read()) parts.push(c);
        return Buffer.concat(parts);
      },
      close: () => {
        if (s.closed) return;
        s.closed = true;
        this.streams.delete(localId);
        this.socket.write(
          encodeMessage({ command: A_CLSE, arg0: localId, arg1: s.remoteId, payload: Buffer.alloc(0) }),
        );
      },
    };
  }

  /** Runs a command through `shell,v2,raw:` and collects stdout, stderr and the exit status. */
  async shell(command: string, stdin?: Buffer): Promise<ShellResult> {
    const st = await this.open(`shell,v2,raw:${command}`);
    if (stdin) {
      await st.write(encodeShellPacket(SHELL_ID.stdin, stdin));
      await st.write(encodeShellPacket(SHELL_ID.closeStdin, Buffer.alloc(0)));
    }
    const decoder = new ShellPacketDecoder();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code = -1;
    for (let c = await st.read(); c; c = await st.read()) {
      for (const p of decoder.push(c)) {
        if (p.id === SHELL_ID.stdout) out.push(p.data);
        else if (p.id === SHELL_ID.stderr) err.push(p.data);
        else if (p.id === SHELL_ID.exit) code = p.data[0] ?? -1;
      }
      if (code >= 0) break;
    }
    st.close();
    return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), code };
  }

  /** `adb install` as adb 29 streams it to a device with the `cmd` feature. */
  async install(apk: Buffer, args: string[] = []): Promise<string> {
    const st = await this.open(`exec:cmd package install -S ${apk.length} ${args.join(' ')}`);
    await st.write(apk);
    return (await st.readAll()).toString('utf8');
  }

  async push(path: string, data: Buffer, mode = 0o644): Promise<void> {
    const st = await this.open('sync:');
    const req = (id: string, payload: Buffer | number): Buffer => {
      const h = Buffer.alloc(8);
      h.write(id, 0, 'latin1');
      h.writeUInt32LE(typeof payload === 'number' ? payload : payload.length, 4);
      return typeof payload === 'number' ? h : Buffer.concat([h, payload]);
    };
    const parts = [req('SEND', Buffer.from(`${path},${mode}`))];
    for (let off = 0; off < data.length; off += 64 * 1024)
      parts.push(req('DATA', data.subarray(off, off + 64 * 1024)));
    parts.push(req('DONE', Math.floor(Date.now() / 1000)));
    await st.write(Buffer.concat(parts));
    const reply = await st.read();
    await st.write(req('QUIT', 0));
    st.close();
    if (!reply || reply.toString('latin1', 0, 4) !== 'OKAY') {
      throw new Error(`push of ${path} failed: ${reply?.subarray(8).toString('utf8') ?? 'stream closed'}`);
    }
  }

  async pull(path: string): Promise<Buffer> {
    const st = await this.open('sync:');
    const h = Buffer.alloc(8);
    h.write('RECV', 0, 'latin1');
    const p = Buffer.from(path);
    h.writeUInt32LE(p.length, 4);
    await st.write(Buffer.concat([h, p]));
    const parts: Buffer[] = [];
    let buf = Buffer.alloc(0);
    for (;;) {
      const c = await st.read();
      if (!c) throw new Error(`pull of ${path}: stream closed early`);
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 8) {
        const id = buf.toString('latin1', 0, 4);
        const len = buf.readUInt32LE(4);
        if (id === 'DONE') {
          st.close();
          return Buffer.concat(parts);
        }
        if (id === 'FAIL') {
          if (buf.length < 8 + len) break;
          st.close();
          throw new Error(`pull of ${path} failed: ${buf.toString('utf8', 8, 8 + len)}`);
        }
        if (buf.length < 8 + len) break;
        parts.push(buf.subarray(8, 8 + len));
        buf = buf.subarray(8 + len);
      }
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
