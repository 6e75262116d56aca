/**
 * Base64 without decoding: the characters that a value contributes to any base64 document it sits in.
 *
 * A value of n bytes that starts at byte offset ≡ a (mod 3) inside a larger document always produces the
 * same run of base64 characters, except for the partial characters at both ends, which mix its first/last
 * bits with the neighbours' bits. `base64Cores` returns that stable run for a = 0, 1, 2 together with the
 * bits the partial characters must carry — checking those stops a value from matching a decoy that differs
 * only in the low bits of its last byte (an IMEI ending in 1 vs 2 share all full characters).
 */

export interface Base64Edge {
  /** The character just before the core must satisfy `(value & mask) === want`. */
  before?: { mask: number; want: number };
  /** The character just after the core must satisfy `(value >> shift) === want`. */
  after?: { shift: number; want: number };
}

export interface Base64Core {
  text: string;
  alphabet: 'std' | 'url';
  edge: Base64Edge;
}

/** 6-bit value of a base64 character in either alphabet, or -1. */
export const BASE64_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) t[std.charCodeAt(i)] = i;
  t['-'.charCodeAt(0)] = 62;
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** The stable base64 runs of `bytes` at the three byte alignments, standard and URL-safe alphabets. */
export function base64Cores(bytes: Uint8Array, alignments: readonly number[] = [0, 1, 2]): Base64Core[] {
  const n = bytes.length;
  const out: Base64Core[] = [];
  if (n === 0) return out;
  for (const a of alignments) {
    const padded = new Uint8Array(a + n);
    padded.set(bytes, a);
    const enc = Buffer.from(padded).toString('base64');
    const first = Math.ceil((8 * a) / 6);
    const endBits = 8 * (a + n);
    const last = Math.floor(endBits / 6);
    const text = enc.slice(first, last);
    if (text.length === 0) continue;
    const edge: Base64Edge = {};
    const b0 = bytes[0] as number;
    if (a === 1) edge.before = { mask: 0x0f, want: b0 >> 4 };
    if (a === 2) edge.before = { mask: 0x03, want: b0 >> 6 };
    const r = endBits % 6;
    if (r !== 0) edge.after = { shift: 6 - r, want: (bytes[n - 1] as number) & ((1 << r) - 1) };
    out.push({ text, alphabet: 'std', edge });
    const url = text.replace(/\+/g, '-').replace(/\//g, '_');
    if (url !== text) out.push({ text: url, alphabet: 'url', edge });
  }
  return out;
}

/** Whether the characters around a core found at [start, end) carry the value's edge bits. */
export function base64EdgeHolds(buf: Uint8Array, start: number, end: number, edge: Base64Edge): boolean {
  if (edge.before) {
    if (start === 0) return false;
    const v = BASE64_VALUE[buf[start - 1] as number] as number;
    if (v < 0 || (v & edge.before.mask) !== edge.before.want) return false;
  }
  if (edge.after) {
    if (end >= buf.length) return false;
    const v = BASE64_VALUE[buf[end] as number] as number;
    if (v < 0 || v >> edge.after.shift !== edge.after.want) return false;
  }
  return true;
}

/** Extent of the base64 run (either alphabet, with `=` padding) that starts at `start`. */
export function base64RunEnd(buf: Uint8Array, start: number): number {
  let i = start;
  while (i < buf.length && (BASE64_VALUE[buf[i] as number] as number) >= 0) i++;
  const body = i;
  while (i < buf.length && buf[i] === 0x3d && i - body < 2) i++;
  return i;
}

export function isBase64Char(byte: number | undefined): boolean {
  return byte !== undefined && (BASE64_VALUE[byte] as number) >= 0;
}
