import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  A_AUTH,
  A_CLSE,
  A_CNXN,
  A_OKAY,
  A_OPEN,
  A_VERSION,
  A_WRTE,
  MAX_PAYLOAD,
  MessageDecoder,
  ProtocolError,
  commandName,
  encodeMessage,
  type AdbMessage,
} from './message.ts';
import { StreamTable } from './streams.ts';
import { AdbStream } from './stream.ts';

/** Runs a service on a stream the peer opened; the stream is closed when the promise settles. */
export type ServiceHandler = (stream: AdbStream, conn: AdbConnection) => Promise<void>;
/** Resolves an OPEN payload (`shell:ls`, `sync:` …) to a handler, or undefined to refuse it. */
export type ServiceResolver = (service: string) => ServiceHandler | undefined;

interface Entry {
  stream: AdbStream;
  /** Resolves the pending WRTE once the peer sent OKAY. */
  acked?: () => void;
  /** For streams we open: resolves when the peer accepts (OKAY) or refuses (CLSE). */
  opened?: (ok: boolean) => void;
}

export interface ConnectionOptions {
  /** `device::ro.product.name=…;…;features=…` banner sent in our CNXN. */
  banner: string;
  resolve: ServiceResolver;
  log: Logger;
}

/**
 * One host connection to the daemon. Handshake: the host sends CNXN, we answer CNXN (no AUTH
 * required, like a userdebug build with ro.adb.secure=0). Then streams: OPEN → OKAY|CLSE, WRTE → OKAY.
 */
export class AdbConnection {
  private readonly decoder = new MessageDecoder(MAX_PAYLOAD);
  private readonly streams = new StreamTable<Entry>();
  private online = false;
  private closed = false;
  maxData = MAX_PAYLOAD;
  version = A_VERSION;
  /** Features the host announced in its CNXN banner. */
  hostFeatures = new Set<string>();

  constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => opts.log.debug({ err }, 'adb connection socket error'));
    socket.on('close', () => this.teardown());
  }

  private onData(chunk: Buffer): void {
    let messages: AdbMessage[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      this.drop(err instanceof ProtocolError ? err.message : String(err));
      return;
    }
    for (const m of messages) {
      if (this.closed) return;
      try {
        this.handle(m);
      } catch (err) {
        this.drop(`failed to handle ${commandName(m.command)}: ${String(err)}`);
      }
    }
  }

  /** Ends the connection because the peer broke the protocol; only this peer is affected. */
  private drop(reason: string): void {
    this.opts.log.debug({ reason, peer: this.socket.remoteAddress }, 'dropping adb connection');
    this.socket.destroy();
    this.teardown();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.streams.values()) {
      e.value.opened?.(false);
      e.value.acked?.();
      e.value.stream.peerClosed();
    }
  }

  private send(command: number, arg0: number, arg1: number, payload: Buffer = Buffer.alloc(0)): void {
    if (this.closed) return;
    this.socket.write(encodeMessage({ command, arg0, arg1, payload }, this.version < A_VERSION));
  }

  private handle(m: AdbMessage): void {
    if (m.command === A_CNXN) {
      this.version = Math.min(m.arg0, A_VERSION);
      this.maxData = Math.max(4096, Math.min(m.arg1, MAX_PAYLOAD));
      const banner = m.payload.toString('utf8').replace(/\0+$/, '');
      const features = /features=([^;]*)/.exec(banner)?.[1];
      this.hostFeatures = new Set(features ? features.split(',') : []);
      this.online = true;
      this.send(A_CNXN, A_VERSION, this.maxData, Buffer.from(this.opts.banner));
      return;
    }
    if (!this.online) {
      // AUTH from a host that has no idea we skip auth is harmless; anything else before CNXN is not.
      if (m.command === A_AUTH) return;
      throw new ProtocolError(`${commandName(m.command)} before CNXN`);
    }
    switch (m.command) {
      case A_OPEN:
        this.onOpen(m.arg0, m.payload.toString('utf8').replace(/\0+$/, ''));
        return;
      case A_OKAY: {
        const e = this.streams.get(m.arg1);
        if (!e) return;
        if (e.value.opened) {
          e.remoteId = m.arg0;
          const opened = e.value.opened;
          e.value.opened = undefined;
          opened(true);
          return;
        }
        const acked = e.value.acked;
        e.value.acked = undefined;
        acked?.();
        return;
      }
      case A_WRTE: {
        const e = this.streams.get(m.arg1);
        if (!e) return;
        e.value.stream.deliver(m.payload, () => this.send(A_OKAY, e.localId, e.remoteId));
        return;
      }
      case A_CLSE: {
        const e = this.streams.remove(m.arg1);
        if (!e) return;
        // adbd answers the host's CLSE with its own, which is how the host (yume-chan, the adb server)
        // learns the stream is gone; a refused OPEN of ours (remote id still 0) needs no answer.
        if (e.remoteId !== 0) this.send(A_CLSE, e.localId, e.remoteId);
        e.value.opened?.(false);
        e.value.acked?.();
        e.value.stream.peerClosed();
        return;
      }
      default:
        // SYNC/AUTH/STLS after the handshake: nothing we support; adbd ignores them too.
        return;
    }
  }

  private makeStream(getEntry: () => { localId: number; remoteId: number } | undefined): AdbStream {
    let closeSent = false;
    return new AdbStream({
      maxData: this.maxData,
      send: (payload) =>
        new Promise<void>((resolve) => {
          const e = getEntry();
          if (!e || this.closed) return resolve();
          const entry = this.streams.get(e.localId);
          if (!entry) return resolve();
          entry.value.acked = resolve;
          this.send(A_WRTE, e.localId, e.remoteId, payload);
        }),
      close: () => {
        if (closeSent) return;
        closeSent = true;
        const e = getEntry();
        if (!e) return;
        if (this.streams.remove(e.localId)) this.send(A_CLSE, e.localId, e.remoteId);
      },
    });
  }

  private onOpen(remoteId: number, service: string): void {
    const handler = this.opts.resolve(service);
    if (!handler || remoteId === 0) {
      this.opts.log.debug({ service }, 'refusing adb service');
      this.send(A_CLSE, 0, remoteId);
      return;
    }
    // The stream needs its ids, which exist only once it is in the table.
    const ids: { current?: { localId: number; remoteId: number } } = {};
    const stream = this.makeStream(() => ids.current);
    const entry = this.streams.add(remoteId, { stream });
    if (!entry) {
      this.send(A_CLSE, 0, remoteId);
      return;
    }
    ids.current = entry;
    this.send(A_OKAY, entry.localId, remoteId);
    this.opts.log.debug({ service, local: entry.localId }, 'adb service opened');
    handler(stream, this).then(
      () => stream.end(),
      (err: unknown) => {
        this.opts.log.debug({ err, service }, 'adb service failed');
        stream.close();
      },
    );
  }

  /** Opens a stream towards the host (used by `adb reverse`); rejects if the host refuses. */
  async openToHost(service: string): Promise<AdbStream> {
    let ids: { localId: number; remoteId: number } | undefined;
    const stream = this.makeStream(() => ids);
    const accepted = new Promise<boolean>((resolve) => {
      const entry = this.streams.add(0, { stream, opened: resolve });
      if (!entry) return resolve(false);
      ids = entry;
      this.send(A_OPEN, entry.localId, 0, Buffer.from(`${service}\0`));
    });
    if (!(await accepted)) {
      if (ids) this.streams.remove(ids.localId);
      throw new Error(`the host refused stream '${service}'`);
    }
    return stream;
  }

  close(): void {
    this.socket.destroy();
    this.teardown();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
