import type { Coordinate, LocationTarget } from './location.ts';
import { pairCoordinates } from './location.ts';
import { isPlainText, varintDecimal, varintSigned, varintZigzag, type ProtoField } from './protobuf.ts';
import { scaledCandidates } from './scaled.ts';

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

function u32(b: Uint8Array): number {
  return (
    ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0
  );
}

function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Shortest decimal text of a float32 that reads back as the same float, e.g. `39.908722`. */
function floatText(v: number): string | null {
  if (!Number.isFinite(v)) return null;
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
  if (text === null || !Number.isFinite(value) || /e/i.test(text)) return null;
  const dot = text.indexOf('.');
  if (dot === -1 || text.length - dot - 1 < target.minDecimals) return null;
  const isLat = value >= target.latRange[0] && value <= target.latRange[1];
  const isLon = value >= target.lonRange[0] && value <= target.lonRange[1];
  if (!isLat && !isLon) return null;
  return { value, text, start: at, end: at, isLat, isLon, encoding };
}

/** The candidate coordinates one numeric field gives (each reading the wire type allows). */
function coordinatesOf(f: ProtoField, at: number, target: LocationTarget): Coordinate[] {
  const out: Coordinate[] = [];
  const push = (c: Coordinate | null) => {
    if (c) out.push(c);
  };
  const ints = new Set<number>();
  if (f.wire === 0) {
    const s = varintSigned(f.lo ?? 0, f.hi ?? 0);
    const z = varintZigzag(f.lo ?? 0, f.hi ?? 0);
    if (s !== null) ints.add(s);
    if (z !== null) ints.add(z);
  } else if (f.wire === 5 && f.bytes) {
    ints.add(dataView(f.bytes).getInt32(0, true));
    const v = dataView(f.bytes).getFloat32(0, true);
    push(decimalCandidate(v, floatText(v), at, 'float', target));
  } else if (f.wire === 1 && f.bytes) {
    const big = dataView(f.bytes).getBigInt64(0, true);
    if (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER))
      ints.add(Number(big));
    const v = dataView(f.bytes).getFloat64(0, true);
    push(decimalCandidate(v, String(v), at, 'double', target));
  }
  for (const n of ints) out.push(...scaledCandidates(n, String(n), at, at, target));
  return out;
}

/** The numeric readings of a field as unsigned decimals, with the encoding each one names. */
function decimalsOf(f: ProtoField): [string, string][] {
  if (f.wire === 0) {
    const out: [string, string][] = [['varint', varintDecimal(f.lo ?? 0, f.hi ?? 0)]];
    const z = varintZigzag(f.lo ?? 0, f.hi ?? 0);
    if (z !== null && z > 0) out.push(['sint', String(z)]);
    return out;
  }
  if (f.wire === 1 && f.bytes) return [['fixed64', dataView(f.bytes).getBigUint64(0, true).toString()]];
  if (f.wire === 5 && f.bytes) return [['fixed32', String(u32(f.bytes))]];
  return [];
}

/**
 * Flattens a decoded message. `numbers` maps the decimal text of each numeric identity value to the
 * identity fields it belongs to.
 */
export function viewProtobuf(
  fields: ProtoField[],
  root: string | undefined,
  numbers: ReadonlyMap<string, readonly string[]>,
  target: LocationTarget | null,
): ProtoView {
  const view: ProtoView = { leaves: [], numbers: [], locations: [] };
  const walk = (msg: ProtoField[], parent: string | undefined): void => {
    const counts = new Map<number, number>();
    for (const f of msg) counts.set(f.num, (counts.get(f.num) ?? 0) + 1);
    const seen = new Map<number, number>();
    const coords: Coordinate[] = [];
    const paths: string[] = [];
    msg.forEach((f, i) => {
      const k = seen.get(f.num) ?? 0;
      seen.set(f.num, k + 1);
      const path = join(parent, (counts.get(f.num) ?? 0) > 1 ? `${f.num}[${k}]` : String(f.num));
      paths.push(path);
      if (f.wire === 2) {
        if (f.message) walk(f.message, path);
        else if (f.bytes && f.bytes.length > 0)
          view.leaves.push({ path, bytes: f.bytes, text: isPlainText(f.bytes) });
        return;
      }
      if (numbers.size > 0) {
        for (const [encoding, value] of decimalsOf(f)) {
          for (const type of numbers.get(value) ?? []) view.numbers.push({ path, type, encoding, value });
        }
      }
      if (target) coords.push(...coordinatesOf(f, i, target));
    });
    if (target && coords.length >= 2) {
      const pair = pairCoordinates(coords, target);
      if (pair) {
        const first = pair.lat.start < pair.lon.start ? pair.lat : pair.lon;
        const second = first === pair.lat ? pair.lon : pair.lat;
        view.locations.push({
          path: paths[pair.lat.start] as string,
          encoding: pair.lat.encoding ?? 'double',
          value: `${first.text},${second.text}`,
        });
      }
    }
  };
  walk(fields, root);
  return view;
}
