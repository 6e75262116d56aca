/**
 * Hand-made tar archives for the bundle tests: lets a test write entries that no well-behaved tar
 * writer produces (absolute paths, `..`, links, device files) to prove that import refuses them.
 */
import { gzipSync } from 'node:zlib';

export interface CraftEntry {
  path: string;
  /** '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' directory, '6' FIFO. */
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  body?: Buffer | string;
  linkpath?: string;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(e: CraftEntry, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(e.path, 0, 100, 'utf8');
  h.write(octal(e.type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(e.type ?? '0', 156, 'ascii');
  if (e.linkpath) h.write(e.linkpath, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, 'ascii');
  h[155] = 0x20;
  return h;
}

export function craftTar(entries: CraftEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const size = e.type === undefined || e.type === '0' ? body.length : 0;
    parts.push(header(e, size));
    if (size > 0) {
      parts.push(body);
      parts.push(Buffer.alloc((512 - (size % 512)) % 512, 0));
    }
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

export function craftTarGz(entries: CraftEntry[]): Buffer {
  return gzipSync(craftTar(entries));
}
