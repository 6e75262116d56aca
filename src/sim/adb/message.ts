/**
 * The ADB transport message: a 24-byte little-endian header (command, arg0, arg1, payload length,
 * payload checksum, command ^ 0xffffffff) followed by the payload. Source: AOSP
 * system/core/adb/protocol.txt and adb.h (A_CNXN … A_CLSE, A_VERSION 0x01000001).
 */

export const A_SYNC = 0x434e5953;
export const A_CNXN = 0x4e584e43;
export const A_AUTH = 0x48545541;
export const A_OPEN = 0x4e45504f;
export const A_OKAY = 0x59414b4f;
export const A_CLSE = 0x45534c43;
export const A_WRTE = 0x45545257;
export const A_STLS = 0x534c5453;

/** Protocol version with unchecked payload checksums (adb >= 1.0.39 sends it). */
export const A_VERSION = 0x01000001;
/** Older peers (< 0x01000001) require the byte-sum checksum, which we always send. */
export const A_VERSION_MIN = 0x01000000;
export const MAX_PAYLOAD = 1024 * 1024;
export const HEADER_SIZE = 24;

const KNOWN = new Set([A_SYNC, A_CNXN, A_AUTH, A_OPEN, A_OKAY, A_CLSE, A_WRTE, A_STLS]);

export interface AdbMessage {
  command: number;
  arg0: number;
  arg1: number;
  payload: Buffer;
}

export function commandName(command: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(command >>> 0);
  return b.toString('latin1');
}

function checksum(payload: Buffer): number {
  let sum = 0;
  for (const byte of payload) sum = (sum + byte) >>> 0;
  return sum;
}

/**
 * Peers at A_VERSION or newer skip payload checksums, and adbd then sends 0 (adb.cpp,
 * A_VERSION_SKIP_CHECKSUM); older peers need the byte sum. Summing 1 MB costs milliseconds, so skip it when allowed.
 */
export function encodeMessage(m: AdbMessage, withChecksum = true): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(m.command >>> 0, 0);
  header.writeUInt32LE(m.arg0 >>> 0, 4);
  header.writeUInt32LE(m.arg1 >>> 0, 8);
  header.writeUInt32LE(m.payload.length, 12);
  header.writeUInt32LE(withChecksum ? checksum(m.payload) : 0, 16);
  header.writeUInt32LE((m.command ^ 0xffffffff) >>> 0, 20);
  return m.payload.length ? Buffer.concat([header, m.payload]) : header;
}

export class ProtocolError extends Error {}

/**
 * Incremental decoder: feed socket chunks, get whole messages. Throws ProtocolError on anything a
 * real adbd would drop the connection for (bad magic, unknown command, oversized payload), so a
 * peer sending garbage loses its connection and nothing else.
 */
export class MessageDecoder {
  private buffered: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxPayload: number = MAX_PAYLOAD) {}

  push(chunk: Buffer): AdbMessage[] {
    this.buffered.push(chunk);
    this.size += chunk.length;
    const out: AdbMessage[] = [];
    for (;;) {
      if (this.size < HEADER_SIZE) break;
      let first = this.buffered[0] as Buffer;
      if (first.length < HEADER_SIZE) {
        first = Buffer.concat(this.buffered);
        this.buffered = [first];
      }
      const command = first.readUInt32LE(0);
      const length = first.readUInt32LE(12);
      const magic = first.readUInt32LE(20);
      if ((command ^ 0xffffffff) >>> 0 !== magic) {
        throw new ProtocolError(`bad magic 0x${magic.toString(16)} for command 0x${command.toString(16)}`);
      }
      if (!KNOWN.has(command)) throw new ProtocolError(`unknown command 0x${command.toString(16)}`);
      if (length > this.maxPayload) {
        throw new ProtocolError(`payload of ${length} bytes exceeds the maximum ${this.maxPayload}`);
      }
      // Wait for the whole payload before joining chunks, so a 1 MB WRTE is copied once, not per chunk.
      if (this.size < HEADER_SIZE + length) break;
      const all = this.buffered.length === 1 ? first : Buffer.concat(this.buffered);
      out.push({
        command,
        arg0: all.readUInt32LE(4),
        arg1: all.readUInt32LE(8),
        payload: Buffer.from(all.subarray(HEADER_SIZE, HEADER_SIZE + length)),
      });
      const rest = all.subarray(HEADER_SIZE + length);
      this.buffered = rest.length ? [rest] : [];
      this.size = rest.length;
    }
    return out;
  }
}
