import type { Coordinate, LocationTarget } from './location.ts';
import { pairCoordinates } from './location.ts';
import { isPlainText, varintDecimal, varintSigned, varintZigzag, type ProtoField } from './protobuf.ts';
import { COORDINATE_SCALES, scaledCandidates } from './scaled.ts';

/**
 * What a decoded protobuf message offers the matcher: its length-delimited leaves (strings and bytes,
 * scanned like any buffer), numbers equal to a numeric identity value (an IMEI or a phone number sent as
 * a varint or fixed64), and latitude/longitude pairs within one message (doubles, floats, E6/E7 integers).
 * Paths are field numbers from the outermost message in, `1.3`; a repeated field adds its index, `2[1].4`.
 */

export interface ProtoLeaf {
  path: string;
  bytes: Uint8Array;
  /** Printable UTF-8 (a string field) rather than opaque bytes. */
  text: boolean;
}

export interface ProtoNumberHit {
  path: string;
  type: string;
  /** `varint`, `sint` (zigzag), `fixed64` or `fixed32`. */
  encoding: string;
  value: string;
}

export interface ProtoLocationHit {
  path: string;
  /** `double`, `float`, `int-e6`, `int-e7`. */
  encoding: string;
  value: string;
}

export interface ProtoView {
  leaves: ProtoLeaf[];
  numbers: ProtoNumberHit[];
  locations: ProtoLocationHit[];
}

function join(parent: string | undefined, key: string): string {
  return parent === undefined ? key : `${parent}.${key}`;
}

// One scratch buffer for reading fixed-width fields as floats and integers.
const scratch = new DataView(new ArrayBuffer(8));
function load(f: ProtoField): DataView {
  for (let i = f.start; i < f.end; i++) scratch.setUint8(i - f.start, f.buf[i] as number);
  return scratch;
}

function inRange(v: number, r: readonly [number, number]): boolean {
  return v >= r[0] && v <= r[1];
}

const bounds = new WeakMap<LocationTarget, [number, number]>();

/** Whether a number could be a scaled or decimal coordinate at all: cheap arithmetic before any text. */
function nearTarget(v: number, target: LocationTarget): boolean {
  let b = bounds.get(target);
  if (!b) {
    const ends = [...target.latRange, ...target.lonRange].map(Math.abs);
    const scales = [0, ...COORDINATE_SCALES].map((s) => 10 ** s);
    b = [Math.min(...ends) * Math.min(...scales), Math.max(...ends) * Math.max(...scales)];
    bounds.set(target, b);
  }
  const a = Math.abs(v);
  if (a < b[0] || a > b[1]) return false;
  if (inRange(v, target.latRange) || inRange(v, target.lonRange)) return true;
  for (const scale of COORDINATE_SCALES) {
    const x = v / 10 ** scale;
    if (inRange(x, target.latRange) || inRange(x, target.lonRange)) return true;
  }
  return false;
}

/** Shortest decimal text of a float32 that reads back as the same float, e.g. `39.908722`. */
function floatText(v: number): string | null {
  for (let d = 0; d <= 9; d++) {
    const t = v.toFixed(d);
    if (Math.fround(Number(t)) === v) return t;
  }
  return null;
}

function decimalCandidate(
  value: number,
  text: string | null,
  at: number,
  encoding: string,
  target: LocationTarget,
): Coordinate | null {
  if (text === null || /e/i.test(text)) return null;
  const dot = text.indexOf('.');
  if (dot === -1 || text.length - dot - 1 < target.minDecimals) return null;
  const isLat = inRange(value, target.latRange);
  const isLon = inRange(value, target.lonRange);
  if (!isLat && !isLon) return null;
  return { value, text, start: at, end: at, isLat, isLon, encoding };
}

/** The candidate coordinates one numeric field gives (each reading the wire type allows). */
function coordinatesOf(f: ProtoField, at: number, target: LocationTarget, out: Coordinate[]): void {
  const ints: number[] = [];
  if (f.wire === 0) {
    const s = varintSigned(f.lo, f.hi);
    const z = varintZigzag(f.lo, f.hi);
    if (s !== null && nearTarget(s, target)) ints.push(s);
    if (z !== null && z !== s && nearTarget(z, target)) ints.push(z);
  } else if (f.wire === 5) {
    const view = load(f);
    const i = view.getInt32(0, true);
    if (nearTarget(i, target)) ints.push(i);
    const v = view.getFloat32(0, true);
    if (inRange(v, target.latRange) || inRange(v, target.lonRange)) {
      const c = decimalCandidate(v, floatText(v), at, 'float', target);
      if (c) out.push(c);
    }
  } else if (f.wire === 1) {
    const view = load(f);
    const big = view.getBigInt64(0, true);
    if (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const i = Number(big);
      if (nearTarget(i, target)) ints.push(i);
    }
    const v = view.getFloat64(0, true);
    if (inRange(v, target.latRange) || inRange(v, target.lonRange)) {
      const c = decimalCandidate(v, String(v), at, 'double', target);
      if (c) out.push(c);
    }
  }
  for (const n of ints) out.push(...scaledCandidates(n, String(n), at, at, target));
}

interface NumberIndex {
  /** Identity numbers that are exact as JS numbers. */
  small: Set<number>;
  /** Whether some identity number is beyond 2^53 (then large readings are compared as text). */
  big: boolean;
}
const indexes = new WeakMap<ReadonlyMap<string, readonly string[]>, NumberIndex>();
function indexOf(numbers: ReadonlyMap<string, readonly string[]>): NumberIndex {
  let ix = indexes.get(numbers);
  if (!ix) {
    ix = { small: new Set(), big: false };
    for (const k of numbers.keys()) {
      const n = Number(k);
      if (Number.isSafeInteger(n)) ix.small.add(n);
      else ix.big = true;
    }
    indexes.set(numbers, ix);
  }
  return ix;
}

/**
 * The readings of a numeric field that equal an identity number, as decimal text with the encoding each
 * one names. Numbers are compared as numbers; text is made only for a hit (or beyond 2^53).
 */
function identityReadings(f: ProtoField, ix: NumberIndex, out: [string, string][]): void {
  // No closures here: this runs for every numeric field (and tsx wraps each closure it creates).
  if (f.wire === 0) {
    if (f.hi < 0x200000) {
      const n = f.hi * 0x1_0000_0000 + f.lo;
      if (ix.small.has(n)) out.push(['varint', String(n)]);
    } else if (ix.big) out.push(['varint', varintDecimal(f.lo, f.hi)]);
    const z = varintZigzag(f.lo, f.hi);
    if (z !== null && z > 0 && ix.small.has(z)) out.push(['sint', String(z)]);
  } else if (f.wire === 1) {
    const view = load(f);
    const hi = view.getUint32(4, true);
    if (hi < 0x200000) {
      const n = hi * 0x1_0000_0000 + view.getUint32(0, true);
      if (ix.small.has(n)) out.push(['fixed64', String(n)]);
    } else if (ix.big) out.push(['fixed64', view.getBigUint64(0, true).toString()]);
  } else if (f.wire === 5) {
    const n = load(f).getUint32(0, true);
    if (ix.small.has(n)) out.push(['fixed32', String(n)]);
  }
}

function looksCompressed(f: ProtoField): boolean {
  const b0 = f.buf[f.start];
  const b1 = f.end - f.start > 1 ? (f.buf[f.start + 1] as number) : -1;
  return (b0 === 0x1f && b1 === 0x8b) || (b0 === 0x78 && b1 >= 0 && ((0x78 << 8) | b1) % 31 === 0);
}

/** Text with `%` or `\\` escapes, which a pass over the raw bytes cannot see through. */
function hasEscape(f: ProtoField): boolean {
  for (let i = f.start; i < f.end; i++) {
    const b = f.buf[i];
    if (b === 0x25 || b === 0x5c) return true;
  }
  return false;
}

/**
 * Where a message sits: the field of its parent message that holds it (or the root path). Paths are
 * made into text only for fields that are reported or scanned — most messages never need one.
 */
interface Holder {
  up: Holder | string | undefined;
  msg: ProtoField[];
  i: number;
  keys: string[];
}

/** Key of field `i` of a message; a repeated field gets its index. `keys` caches them, built on first use. */
function keyOf(msg: ProtoField[], i: number, keys: string[]): string {
  if (keys.length === 0) {
    const counts = new Map<number, number>();
    for (const x of msg) counts.set(x.num, (counts.get(x.num) ?? 0) + 1);
    const seen = new Map<number, number>();
    for (const x of msg) {
      if ((counts.get(x.num) ?? 0) <= 1) keys.push(String(x.num));
      else {
        const k = seen.get(x.num) ?? 0;
        seen.set(x.num, k + 1);
        keys.push(`${x.num}[${k}]`);
      }
    }
  }
  return keys[i] as string;
}

function pathOf(msg: ProtoField[], i: number, at: Holder | string | undefined, keys: string[]): string {
  const parent = typeof at === 'object' ? pathOf(at.msg, at.i, at.up, at.keys) : at;
  return join(parent, keyOf(msg, i, keys));
}

/**
 * Flattens a decoded message. `numbers` maps the decimal text of each numeric identity value to the
 * identity fields it belongs to. With `allLeaves` false, only the leaves a whole-buffer pass cannot see
 * into are returned (compressed bytes; text holding `%` or `\` escapes): strings sit in protobuf as
 * they are, so the pass over the whole message already saw everything else.
 */
export function viewProtobuf(
  fields: ProtoField[],
  root: string | undefined,
  numbers: ReadonlyMap<string, readonly string[]>,
  target: LocationTarget | null,
  allLeaves = true,
): ProtoView {
  const view: ProtoView = { leaves: [], numbers: [], locations: [] };
  const ix = numbers.size > 0 ? indexOf(numbers) : null;
  const readings: [string, string][] = [];
  const walk = (msg: ProtoField[], parent: Holder | string | undefined): void => {
    const keys: string[] = [];
    const coords: Coordinate[] = [];
    for (let i = 0; i < msg.length; i++) {
      const f = msg[i] as ProtoField;
      if (f.wire === 2) {
        if (f.message) walk(f.message, { up: parent, msg, i, keys });
        else if (f.end > f.start) {
          const text = isPlainText(f.buf, f.start, f.end);
          const wanted = allLeaves || (text ? hasEscape(f) : looksCompressed(f));
          if (wanted)
            view.leaves.push({ path: pathOf(msg, i, parent, keys), bytes: f.bytes as Uint8Array, text });
        }
        continue;
      }
      if (ix) {
        readings.length = 0;
        identityReadings(f, ix, readings);
        for (const [encoding, value] of readings) {
          for (const type of numbers.get(value) ?? [])
            view.numbers.push({ path: pathOf(msg, i, parent, keys), type, encoding, value });
        }
      }
      if (target) coordinatesOf(f, i, target, coords);
    }
    if (target && coords.length >= 2) {
      const pair = pairCoordinates(coords, target);
      if (pair) {
        const first = pair.lat.start < pair.lon.start ? pair.lat : pair.lon;
        const second = first === pair.lat ? pair.lon : pair.lat;
        view.locations.push({
          path: pathOf(msg, pair.lat.start, parent, keys),
          encoding: pair.lat.encoding ?? 'double',
          value: `${first.text},${second.text}`,
        });
      }
    }
  };
  walk(fields, root);
  return view;
}
