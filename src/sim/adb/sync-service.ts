import type { Logger } from 'pino';
import type { SimDevice } from '../device/device.ts';
import type { AdbStream } from './stream.ts';
import {
  dataReply,
  dentReply,
  doneReply,
  failReply,
  okayReply,
  recvDoneReply,
  statReply,
  SYNC_MAX_DATA,
  SyncDecoder,
  SyncProtocolError,
  type SyncRequest,
} from './sync-codec.ts';

/** Largest file a push may create on the sim (it lives in memory). */
const MAX_PUSH_BYTES = 512 * 1024 * 1024;

/** `sync:` on the sim's file system: STAT, LIST, RECV (pull), SEND … DATA … DONE (push), QUIT. */
export async function runSyncService(device: SimDevice, stream: AdbStream, log: Logger): Promise<void> {
  const decoder = new SyncDecoder();
  let send: { path: string; mode: number; chunks: Buffer[]; size: number; failed?: string } | undefined;
  const handle = async (r: SyncRequest): Promise<boolean> => {
    if (send) {
      if (r.id === 'DATA') {
        send.size += r.data.length;
        if (send.size > MAX_PUSH_BYTES)
          send.failed ??= `file too large for the sim (over ${MAX_PUSH_BYTES} bytes)`;
        else send.chunks.push(r.data);
        return true;
      }
      if (r.id === 'DONE') {
        const s = send;
        send = undefined;
        if (s.failed) {
          await stream.write(failReply(s.failed));
          return true;
        }
        try {
          device.fs.write(s.path, Buffer.concat(s.chunks), s.mode & 0o7777, r.mtime);
          await stream.write(okayReply());
        } catch (err) {
          await stream.write(failReply(`couldn't create file: ${(err as Error).message}`));
        }
        return true;
      }
      throw new SyncProtocolError(`${r.id} during SEND`);
    }
    switch (r.id) {
      case 'STAT': {
        const st = device.fs.stat(r.path);
        await stream.write(statReply(st?.mode ?? 0, st?.size ?? 0, st?.mtime ?? 0));
        return true;
      }
      case 'LIST': {
        const entries = device.fs.list(r.path) ?? [];
        const self = device.fs.stat(r.path);
        const parts: Buffer[] = [];
        if (self)
          parts.push(
            dentReply(self.mode, self.size, self.mtime, '.'),
            dentReply(self.mode, self.size, self.mtime, '..'),
          );
        for (const e of entries) parts.push(dentReply(e.stat.mode, e.stat.size, e.stat.mtime, e.name));
        parts.push(doneReply());
        await stream.write(Buffer.concat(parts));
        return true;
      }
      case 'RECV': {
        const data = device.fs.read(r.path);
        if (!data) {
          await stream.write(
            failReply(
              `open failed: ${device.fs.stat(r.path) ? 'Is a directory' : 'No such file or directory'}`,
            ),
          );
          return true;
        }
        const parts: Buffer[] = [];
        for (let off = 0; off < data.length; off += SYNC_MAX_DATA)
          parts.push(dataReply(data.subarray(off, off + SYNC_MAX_DATA)));
        parts.push(recvDoneReply());
        await stream.write(Buffer.concat(parts));
        return true;
      }
      case 'SEND': {
        const comma = r.path.lastIndexOf(',');
        const path = comma >= 0 ? r.path.slice(0, comma) : r.path;
        const mode = comma >= 0 ? Number(r.path.slice(comma + 1)) : 0o644;
        send = { path, mode: Number.isFinite(mode) ? mode : 0o644, chunks: [], size: 0 };
        if (device.fs.stat(path)?.kind === 'dir')
          send.failed = `couldn't create file: ${path}: Is a directory`;
        return true;
      }
      case 'QUIT':
        return false;
      default:
        // STA2/LIS2/LST2 are only sent when stat_v2/ls_v2 are advertised; we do not advertise them.
        await stream.write(failReply(`unsupported sync request ${r.id}`));
        return false;
    }
  };
  for (;;) {
    const chunk = await stream.read();
    if (!chunk) return;
    let requests: SyncRequest[];
    try {
      requests = decoder.push(chunk);
    } catch (err) {
      log.debug({ err }, 'bad sync request; closing the stream');
      await stream.write(failReply((err as Error).message));
      return;
    }
    for (const r of requests) {
      try {
        if (!(await handle(r))) return;
      } catch (err) {
        log.debug({ err }, 'sync request failed; closing the stream');
        await stream.write(failReply((err as Error).message));
        return;
      }
    }
  }
}
