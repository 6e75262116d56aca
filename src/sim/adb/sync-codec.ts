/**
 * The `sync:` sub-protocol (file transfer): requests are [id:4 ASCII][length:u32le][payload];
 * replies STAT/DENT/DATA/DONE/OKAY/FAIL. Source: AOSP system/core/adb/file_sync_protocol.h.
 * Pure parsing here; the service in sync-service.ts acts on the requests.
 */
export const SYNC_MAX_DATA = 64 * 1024;
/** Longest path adbd accepts in a sync request. */
export const SYNC_MAX_PATH = 1024;

export type SyncRequest =
  | { id: 'STAT' | 'LIST' | 'RECV' | 'SEND' | 'LST2' | 'STA2' | 'LIS2'; path: string }
  | { id: 'DATA'; data: Buffer }
  | { id: 'DONE'; mtime: number }
  | { id: 'QUIT' };

export class SyncProtocolError extends Error {}

const PATH_IDS = new Set(['STAT', 'LIST', 'RECV', 'SEND', 'LST2', 'STA2', 'LIS2']);

/** Incremental decoder; throws SyncProtocolError on an unknown id or an oversized length. */
export class SyncDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SyncRequest[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: SyncRequest[] = [];
    while (this.buf.length >= 8) {
      const id = this.buf.toString('latin1', 0, 4);
      const len = this.buf.readUInt32LE(4);
      if (id === 'DONE') {
        out.push({ id, mtime: len });
        this.buf = this.buf.subarray(8);
        continue;
      }
      if (id === 'QUIT') {
        out.push({ id });
        this.buf = this.buf.subarray(8);
        continue;
      }
      if (id === 'DATA') {
        if (len > SYNC_MAX_DATA)
          throw new SyncProtocolError(`DATA chunk of ${len} bytes exceeds ${SYNC_MAX_DATA}`);
      } else if (PATH_IDS.has(id)) {
        if (len > SYNC_MAX_PATH) throw new SyncProtocolError(`path of ${len} bytes exceeds ${SYNC_MAX_PATH}`);
      } else {
        throw new SyncProtocolError(`unknown sync request ${JSON.stringify(id)}`);
      }
      if (this.buf.length < 8 + len) break;
      const payload = Buffer.from(this.buf.subarray(8, 8 + len));
      this.buf = this.buf.subarray(8 + len);
      if (id === 'DATA') out.push({ id, data: payload });
      else out.push({ id: id as 'STAT', path: payload.toString('utf8') });
    }
    return out;
  }
}

function header(id: string, n: number): Buffer {
  const b = Buffer.alloc(8);
  b.write(id, 0, 'latin1');
  b.writeUInt32LE(n >>> 0, 4);
  return b;
}

/** STAT reply: mode, size, mtime (all 0 when the path does not exist). */
export function statReply(mode: number, size: number, mtime: number): Buffer {
  const b = Buffer.alloc(16);
  b.write('STAT', 0, 'latin1');
  b.writeUInt32LE(mode >>> 0, 4);
  b.writeUInt32LE(size >>> 0, 8);
  b.writeUInt32LE(mtime >>> 0, 12);
  return b;
}

/** DENT entry of a LIST reply. */
export function dentReply(mode: number, size: number, mtime: number, name: string): Buffer {
  const nameBuf = Buffer.from(name);
  const b = Buffer.alloc(20);
  b.write('DENT', 0, 'latin1');
  b.writeUInt32LE(mode >>> 0, 4);
  b.writeUInt32LE(size >>> 0, 8);
  b.writeUInt32LE(mtime >>> 0, 12);
  b.writeUInt32LE(nameBuf.length, 16);
  return Buffer.concat([b, nameBuf]);
}

export function doneReply(): Buffer {
  return Buffer.concat([header('DONE', 0), Buffer.alloc(12)]);
}

export function dataReply(data: Buffer): Buffer {
  return Buffer.concat([header('DATA', data.length), data]);
}

export function okayReply(): Buffer {
  return header('OKAY', 0);
}

export function failReply(message: string): Buffer {
  const m = Buffer.from(message);
  return Buffer.concat([header('FAIL', m.length), m]);
}

/** End of a RECV transfer: an 8-byte DONE (unlike LIST's 20-byte one). */
export function recvDoneReply(): Buffer {
  return header('DONE', 0);
}
