import { inflateRawSync } from 'node:zlib';

/**
 * Just enough ZIP (PKWARE APPNOTE 6.3.x §4.3) to read named entries of an APK held in memory:
 * end of central directory → central directory → local header → stored or deflated data.
 * No ZIP64 (APKs that need it are far larger than a sim app).
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

export function readZipDirectory(buf: Buffer): Map<string, ZipEntry> {
  // The EOCD record is 22 bytes plus a comment of up to 65535 bytes at the end of the file.
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no end of central directory record (not a ZIP file)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  let off = buf.readUInt32LE(eocd + 16);
  if (off + cdSize > buf.length) throw new ZipFormatError('central directory lies outside the file');
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (off + 46 > buf.length || buf.readUInt32LE(off) !== CEN_SIG) {
      throw new ZipFormatError(`central directory entry ${i} is corrupt`);
    }
    const nameLen = buf.readUInt16LE(off + 28);
    const extraLen = buf.readUInt16LE(off + 30);
    const commentLen = buf.readUInt16LE(off + 32);
    const name = buf.toString('utf8', off + 46, off + 46 + nameLen);
    entries.set(name, {
      name,
      method: buf.readUInt16LE(off + 10),
      compressedSize: buf.readUInt32LE(off + 20),
      size: buf.readUInt32LE(off + 24),
      localHeaderOffset: buf.readUInt32LE(off + 42),
    });
    off += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The entry's bytes; refuses entries that inflate beyond `maxBytes` (zip bombs). */
export function readZipEntry(buf: Buffer, e: ZipEntry, maxBytes: number): Buffer {
  const off = e.localHeaderOffset;
  if (off + 30 > buf.length || buf.readUInt32LE(off) !== LOC_SIG) {
    throw new ZipFormatError(`local header of ${e.name} is corrupt`);
  }
  if (e.size > maxBytes)
    throw new ZipFormatError(`${e.name} is ${e.size} bytes, over the limit of ${maxBytes}`);
  const start = off + 30 + buf.readUInt16LE(off + 26) + buf.readUInt16LE(off + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (data.length !== e.compressedSize) throw new ZipFormatError(`${e.name} is truncated`);
  if (e.method === 0) return Buffer.from(data);
  if (e.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch (err) {
      throw new ZipFormatError(`${e.name} does not inflate: ${(err as Error).message}`);
    }
  }
  throw new ZipFormatError(`${e.name} uses unsupported compression method ${e.method}`);
}
