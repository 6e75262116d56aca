import { failure } from '../../errors.ts';
import type { Device } from '../device.ts';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The signature after a legacy (pre-7) `shell:` pty turned every `\n` into `\r\n`. */
const MANGLED_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0d, 0x0a, 0x1a, 0x0d, 0x0a]);
const IEND = Buffer.from('IEND');

export interface PngSize {
  width: number;
  height: number;
}

/** Width and height from the IHDR chunk (bytes 16–23). */
export function pngSize(png: Buffer): PngSize {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * The PNG inside `screencap -p` output. Some devices print linker warnings on stdout before the image,
 * and old adbd mangles line ends: both are undone here; anything else that is not a whole PNG (no
 * signature, no IEND chunk) is refused with what the device printed instead.
 */
export function extractPng(output: Buffer): { png: Buffer } | { problem: string } {
  let bytes = output;
  let at = bytes.indexOf(PNG_SIGNATURE);
  if (at < 0 && bytes.indexOf(MANGLED_SIGNATURE) >= 0) {
    bytes = undoCrlf(bytes.subarray(bytes.indexOf(MANGLED_SIGNATURE)));
    at = 0;
  }
  if (at < 0 || at > 4096) {
    const shown = output.subarray(0, 120).toString('utf8').replace(/\s+/g, ' ').trim();
    return {
      problem: output.length === 0 ? 'the device sent nothing' : `the output is not a PNG ("${shown}")`,
    };
  }
  const png = bytes.subarray(at);
  const end = png.lastIndexOf(IEND);
  if (png.length < 33 || end < 0)
    return { problem: `the PNG is cut short (${png.length} bytes, no IEND chunk)` };
  // IEND's CRC follows its type; anything after it is trailing noise (a shell prompt, a newline).
  return { png: png.subarray(0, end + 8) };
}

function undoCrlf(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0d && b[i + 1] === 0x0a) continue;
    out[n++] = b[i] as number;
  }
  return out.subarray(0, n);
}

/** The screen as PNG (`screencap -p` over exec-out: binary-safe, no pty). */
export async function screenshot(device: Device, opts: { timeoutMs?: number } = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const output = await device.execOut(['screencap', '-p'], { timeoutMs });
  const r = extractPng(output);
  if ('problem' in r) {
    throw failure(
      'take a screenshot on',
      device.serial,
      r.problem,
      "Wake and unlock the device and try 'adb exec-out screencap -p > s.png' by hand.",
    );
  }
  return r.png;
}
