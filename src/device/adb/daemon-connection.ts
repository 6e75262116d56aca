import net from 'node:net';
import type { AdbDaemonConnection, AdbPacketData, AdbPacketInit } from '@yume-chan/adb';
import { AdbPacketHeader } from '@yume-chan/adb';
import { Consumable, PushReadableStream, type PushReadableStreamController } from '@yume-chan/stream-extra';
import { failure } from '../../errors.ts';

const HEADER_SIZE = 24;

/**
 * Incremental decoder of ADB daemon packets (24-byte little-endian header + payload) from a byte stream.
 * Kept separate from the socket so it can be tested on its own.
 */
export class AdbPacketDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload = 16 * 1024 * 1024) {}

  push(chunk: Buffer): AdbPacketData[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const packets: AdbPacketData[] = [];
    while (this.#buffer.length >= HEADER_SIZE) {
      const b = this.#buffer;
      const payloadLength = b.readUInt32LE(12);
      if (payloadLength > this.maxPayload) {
        throw new Error(`ADB packet payload of ${payloadLength} bytes exceeds ${this.maxPayload}`);
      }
      if (b.length < HEADER_SIZE + payloadLength) break;
      const command = b.readUInt32LE(0);
      if ((b.readUInt32LE(20) ^ command) >>> 0 !== 0xffffffff) {
        throw new Error(`ADB packet 0x${command.toString(16)} has a bad magic field`);
      }
      packets.push({
        command,
        arg0: b.readUInt32LE(4),
        arg1: b.readUInt32LE(8),
        payload: new Uint8Array(b.subarray(HEADER_SIZE, HEADER_SIZE + payloadLength)),
      });
      this.#buffer = b.subarray(HEADER_SIZE + payloadLength);
    }
    return packets;
  }
}

/** Opens a TCP connection to an ADB daemon (a sim, or adbd listening on tcpip) as an AdbDaemonConnection. */
export async function openDaemonConnection(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<{ connection: AdbDaemonConnection; socket: net.Socket }> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        failure(
          'connect to',
          `${host}:${port}`,
          `no answer within ${timeoutMs} ms`,
          'Is the device running?',
        ),
      );
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(failure('connect to', `${host}:${port}`, err.message, 'Is the device running?', err));
    });
  });
  socket.setNoDelay(true);

  const decoder = new AdbPacketDecoder();
  let controller!: PushReadableStreamController<AdbPacketData>;
  const readable = new PushReadableStream<AdbPacketData>((c) => {
    controller = c;
  });
  socket.on('data', (chunk: Buffer) => {
    let packets: AdbPacketData[];
    try {
      packets = decoder.push(chunk);
    } catch (err) {
      controller.error(err);
      socket.destroy();
      return;
    }
    for (const p of packets) void controller.enqueue(p);
  });
  socket.on('close', () => {
    try {
      controller.close();
    } catch (err) {
      // Already errored or closed: the transport has been told; nothing more to do.
      void err;
    }
  });
  socket.on('error', (err) => controller.error(err));

  const header = new Uint8Array(HEADER_SIZE);
  const writable = new Consumable.WritableStream<AdbPacketInit>({
    write(init) {
      AdbPacketHeader.serialize({ ...init, payloadLength: init.payload.length }, header);
      const frame = Buffer.concat([header, init.payload]);
      if (socket.destroyed) return;
      return new Promise<void>((resolve) => {
        socket.write(frame, (err) => {
          // A failed write means the connection is gone. The transport learns that from the readable
          // side closing (→ Adb.disconnected → DeviceLost); rejecting here would surface as an
          // unhandled rejection inside the packet dispatcher instead.
          if (err) socket.destroy(err);
          resolve();
        });
      });
    },
    close() {
      socket.end();
    },
    abort() {
      socket.destroy();
    },
  });
  return { connection: { readable, writable }, socket };
}
