/**
 * adb's shell protocol v2 (feature `shell_v2`): packets of [id:u8][length:u32le][data].
 * Source: AOSP system/core/adb/shell_protocol.h.
 */
export const SHELL_ID = { stdin: 0, stdout: 1, stderr: 2, exit: 3, closeStdin: 4, windowSize: 5 } as const;

export function encodeShellPacket(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = id;
  header.writeUInt32LE(data.length, 1);
  return Buffer.concat([header, data]);
}

export interface ShellPacket {
  id: number;
  data: Buffer;
}

/** Incremental decoder for what the host sends (stdin, close-stdin, window size). */
export class ShellPacketDecoder {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPacket = 1024 * 1024) {}

  push(chunk: Buffer): ShellPacket[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: ShellPacket[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32LE(1);
      if (len > this.maxPacket) throw new Error(`shell packet of ${len} bytes is too large`);
      if (this.buf.length < 5 + len) break;
      out.push({ id: this.buf[0] as number, data: this.buf.subarray(5, 5 + len) });
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
}
