import type { Coordinate, LocationTarget } from './location.ts';

/**
 * Coordinates written as integers scaled by a power of ten: `39908722` for 39.908722 (E6), `399087220`
 * (E7). Apps and SDKs send them that way in JSON, query strings and protobuf (Google's `google.type.LatLng`
 * is decimal, but Google's own location protos and many Chinese map/ad SDKs use E6/E7 integers).
 *
 * A lone integer is never a location: an integer only counts as part of a pair (a latitude and a
 * longitude of the same scale, both within the radius) written side by side in one object, one form,
 * one protobuf message, or as `lat,lon` text. Both must have at least 7 digits (smaller ones are too
 * common to say anything), and the scaled value must keep `minDecimals` significant decimals (39900000 is
 * 39.9, a coarse location).
 */

/** Scales that count, as powers of ten. */
export const COORDINATE_SCALES: readonly number[] = [6, 7];

const MIN_DIGITS = 7;
const MAX_DIGITS = 10;
/** Most automaton triggers per range and scale; fewer, longer prefixes are preferred. */
const MAX_PREFIXES = 16;

/**
 * Leading digits that every integer within the ranges starts with, at each scale: the automaton triggers
 * that point the matcher at candidate integers in text (like `39.` does for decimals).
 */
export function scaledTriggers(target: Pick<LocationTarget, 'latRange' | 'lonRange'>): string[] {
  const out = new Set<string>();
  for (const scale of COORDINATE_SCALES) {
    const f = 10 ** scale;
    for (const [lo, hi] of [target.latRange, target.lonRange]) {
      // Ranges are symmetric around the location; triggers are written without the sign.
      const a = Math.ceil(Math.min(Math.abs(lo), Math.abs(hi)) * f);
      const b = Math.floor(Math.max(Math.abs(lo), Math.abs(hi)) * f);
      if (lo < 0 && hi > 0) continue; // crosses 0: integers of every length, nothing clear to look for
      for (const [x, y] of splitByLength(a, b)) {
        const digits = String(x).length;
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) continue;
        for (let len = digits; len >= 3; len--) {
          const d = 10 ** (digits - len);
          const first = Math.floor(x / d);
          const last = Math.floor(y / d);
          if (last - first + 1 > MAX_PREFIXES) continue;
          for (let p = first; p <= last; p++) out.add(String(p));
          break;
        }
      }
    }
  }
  return [...out];
}

function splitByLength(a: number, b: number): [number, number][] {
  const out: [number, number][] = [];
  let x = a;
  while (x <= b) {
    const end = Math.min(b, 10 ** String(x).length - 1);
    out.push([x, end]);
    x = end + 1;
  }
  return out;
}

function trailingZeros(n: number): number {
  let z = 0;
  let v = Math.abs(n);
  while (v !== 0 && v % 10 === 0 && z < 20) {
    v /= 10;
    z++;
  }
  return z;
}

/**
 * The readings of an integer as a scaled latitude or longitude within the ranges (up to one per scale).
 * `start` identifies the integer for pairing (an offset in text, an ordinal in a structure).
 */
export function scaledCandidates(
  int: number,
  text: string,
  start: number,
  end: number,
  target: LocationTarget,
): Coordinate[] {
  const out: Coordinate[] = [];
  if (!Number.isSafeInteger(int)) return out;
  const digits = String(Math.abs(int)).length;
  if (digits < MIN_DIGITS || digits > MAX_DIGITS) return out;
  const zeros = trailingZeros(int);
  for (const scale of COORDINATE_SCALES) {
    if (scale - zeros < target.minDecimals) continue;
    const value = int / 10 ** scale;
    const isLat = value >= target.latRange[0] && value <= target.latRange[1];
    const isLon = value >= target.lonRange[0] && value <= target.lonRange[1];
    if (isLat || isLon) out.push({ value, text, start, end, isLat, isLon, scale, encoding: `int-e${scale}` });
  }
  return out;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function isWordByte(b: number | undefined): boolean {
  return (
    b !== undefined &&
    ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f)
  );
}

/**
 * Reads the integer whose digits start at `start` (found by a trigger) and returns its scaled readings.
 * It must stand alone: no letters, digits or `.` around it (a hex id, a decimal, a version), except a
 * percent-escape (`%2C39908722`) or a leading minus sign.
 */
export function readScaled(buf: Uint8Array, start: number, target: LocationTarget): Coordinate[] {
  let from = start;
  const prev = buf[start - 1];
  if (prev === 0x2d) from = start - 1;
  else if (prev === 0x2e || (isWordByte(prev) && buf[start - 3] !== 0x25)) return [];
  let i = start;
  while (isDigit(buf[i]) && i - start <= MAX_DIGITS) i++;
  const next = buf[i];
  if (next === 0x2e || isWordByte(next)) return [];
  const text = Buffer.from(buf.buffer, buf.byteOffset + from, i - from).toString('latin1');
  return scaledCandidates(Number(text), text, from, i, target);
}

/** Separators allowed between the two integers of a `lat,lon` written as plain text. */
const PAIR_SEPARATORS = new Set([0x2c, 0x3b, 0x7c, 0x2f, 0x3a, 0x5f, 0x20]);

/**
 * Scaled candidates of plain text (no structure around them) that form a pair written side by side
 * (`39908722,116397499`, either order, 1–3 separator characters): only those can be a location.
 */
export function adjacentPairs(buf: Uint8Array, cands: Coordinate[]): Coordinate[] {
  const keep = new Set<Coordinate>();
  for (const a of cands) {
    for (const b of cands) {
      if (b.start <= a.end || b.start - a.end > 3 || a.scale !== b.scale) continue;
      let ok = true;
      for (let i = a.end; i < b.start; i++) if (!PAIR_SEPARATORS.has(buf[i] as number)) ok = false;
      if (ok) {
        keep.add(a);
        keep.add(b);
      }
    }
  }
  return cands.filter((c) => keep.has(c));
}

/** An integer written as a JSON number or as a string of digits. */
function integerOf(v: unknown): { int: number; text: string } | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return { int: v, text: String(v) };
  if (typeof v === 'string' && /^-?\d{7,10}$/.test(v)) return { int: Number(v), text: v };
  return null;
}

export interface ScaledInJson {
  /** Path of the object (or array) holding the pair. */
  path: string;
  /** Keys (or indexes) of its members, with the candidates each one gave. */
  members: { key: string | number; cands: Coordinate[] }[];
}

/**
 * Objects and arrays of a parsed JSON document whose direct members hold scaled candidates, with the
 * path `childPath` builds; the caller pairs the candidates of each holder separately.
 */
export function scaledHoldersInJson(
  doc: unknown,
  root: string,
  target: LocationTarget,
  childPath: (parent: string, key: string | number) => string,
): ScaledInJson[] {
  const out: ScaledInJson[] = [];
  let ordinal = 0;
  const walk = (v: unknown, path: string, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 64) return;
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>);
    const members: ScaledInJson['members'] = [];
    for (const [key, x] of entries) {
      const n = integerOf(x);
      if (n) {
        const at = ordinal++;
        const cands = scaledCandidates(n.int, n.text, at, at, target);
        if (cands.length > 0) members.push({ key, cands });
      } else walk(x, childPath(path, key), depth + 1);
    }
    if (members.length >= 2) out.push({ path, members });
  };
  walk(doc, root, 0);
  return out;
}
