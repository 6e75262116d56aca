import { deflateSync } from 'node:zlib';

/**
 * A minimal PNG encoder (RFC 2083: signature, IHDR, IDAT, IEND; 8-bit RGB, filter 0) so the sim
 * can answer `screencap -p` before part 2 renders real screens with @napi-rs/canvas.
 */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes rows of RGB pixels (`rgb.length === width * height * 3`). */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A plain screen: status bar, app area in a colour derived from the foreground package, nav bar. */
export function placeholderScreen(width: number, height: number, label: string): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  let h = 0;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const app = [0x40 + (h & 0x7f), 0x40 + ((h >> 8) & 0x7f), 0x40 + ((h >> 16) & 0x7f)];
  const bar = Math.round(height * 0.03);
  const fill = (color: number[]): Buffer => {
    const row = Buffer.alloc(width * 3);
    for (let x = 0; x < width; x++) row.set(color, x * 3);
    return row;
  };
  const barRow = fill([0x20, 0x20, 0x20]);
  const appRow = fill(app);
  for (let y = 0; y < height; y++)
    (y < bar || y >= height - bar * 2 ? barRow : appRow).copy(rgb, y * width * 3);
  return encodePng(width, height, rgb);
}
