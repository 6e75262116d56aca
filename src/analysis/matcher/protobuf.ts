/**
 * Schema-less protobuf wire decoding, for the matcher: the fields of a message as the wire shows them
 * (field number, wire type, raw value), with length-delimited fields read as nested messages where they
 * parse as one. No .proto is known, so every reading is a guess that must pass plausibility checks: wire
 * types 0/1/2/5 only (groups are long deprecated), field numbers 1..2^29-1, varints of at most 10 bytes,
 * and the whole buffer consumed. Random bytes almost never pass those checks beyond a few bytes.
 *
 * Why our own: no schema-less wire decoder is installed (protobufjs needs a schema for anything but its
 * low-level Reader, which throws on bad input rather than answering "not protobuf"); this is ~150 lines,
 * bounded in depth, field count and work, and fuzz-tested (test/analysis/matcher-protobuf.test.ts).
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */

export type WireType = 0 | 1 | 2 | 5;

/**
 * One field as the wire shows it. Values are offsets into the decoded buffer, and `bytes` makes a view
 * only when asked: a message has many fields, and most are never looked at more closely.
 */
export class ProtoField {
  /** Wire type 2: the bytes read as a nested message, when they parse as one and are not plain text. */
  message: ProtoField[] | undefined = undefined;

  constructor(
    /** The buffer the field was read from. */
    readonly buf: Uint8Array,
    /** Field number. */
    readonly num: number,
    readonly wire: WireType,
    /** Wire type 0: the varint's low and high 32 bits (unsigned); 0 otherwise. */
    readonly lo: number,
    readonly hi: number,
    /** Wire types 1, 2, 5: where the field's bytes are in `buf`. */
    readonly start: number,
    readonly end: number,
  ) {}

  /** Wire types 1, 2, 5: the field's bytes (a view into the input, not a copy). */
  get bytes(): Uint8Array | undefined {
    return this.wire === 0 ? undefined : this.buf.subarray(this.start, this.end);
  }
}

export interface ProtoLimits {
  /** Deepest nesting of messages read; deeper length-delimited fields stay bytes. */
  maxDepth: number;
  /** Most fields in the whole tree; a message with more is not read as protobuf at all. */
  maxFields: number;
}

export const DEFAULT_PROTO_LIMITS: ProtoLimits = { maxDepth: 16, maxFields: 100_000 };

const MAX_FIELD_NUMBER = 2 ** 29 - 1;

interface Budget {
  fields: number;
}

/** Reads a varint at `at`; returns the offset after it, or -1 when it is malformed or runs off the end. */
function readVarint(buf: Uint8Array, at: number, to: number, out: { lo: number; hi: number }): number {
  if (at >= to) return -1;
  const b0 = buf[at] as number;
  if (b0 < 0x80) {
    // Most tags and many values are one byte.
    out.lo = b0;
    out.hi = 0;
    return at + 1;
  }
  let lo = 0;
  let hi = 0;
  let i = at;
  for (let k = 0; k < 10; k++, i++) {
    if (i >= to) return -1;
    const b = buf[i] as number;
    const bits = b & 0x7f;
    if (k < 4) lo |= bits << (7 * k);
    else if (k === 4) {
      lo |= (bits & 0x0f) << 28;
      hi |= bits >> 4;
    } else {
      // The tenth byte carries only the 64th bit.
      if (k === 9 && bits > 1) return -1;
      hi |= bits << (7 * k - 32);
    }
    if ((b & 0x80) === 0) {
      out.lo = lo >>> 0;
      out.hi = hi >>> 0;
      return i + 1;
    }
  }
  return -1;
}

/**
 * Whether bytes are text a protobuf string field would hold: valid UTF-8 with no control characters but
 * tab/CR/LF. Such bytes are read as a string, never as a nested message, even when they happen to parse.
 * A hand-written check: TextDecoder's `fatal` mode throws on bad input, and exceptions on every binary
 * field made decoding a hundred times slower.
 */
export function isPlainText(bytes: Uint8Array, from = 0, to = bytes.length): boolean {
  const n = to;
  let i = from;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return false;
    if (i + need >= n) return false;
    const c1 = bytes[i + 1] as number;
    if (c1 < min || c1 > max) return false;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

function parse(
  buf: Uint8Array,
  from: number,
  to: number,
  depth: number,
  limits: ProtoLimits,
  budget: Budget,
): ProtoField[] | null {
  const fields: ProtoField[] = [];
  const v = { lo: 0, hi: 0 };
  let i = from;
  while (i < to) {
    i = readVarint(buf, i, to, v);
    if (i < 0 || v.hi !== 0) return null;
    const wire = v.lo & 7;
    const num = v.lo >>> 3;
    if (num < 1 || num > MAX_FIELD_NUMBER) return null;
    if (--budget.fields < 0) return null;
    if (wire === 0) {
      i = readVarint(buf, i, to, v);
      if (i < 0) return null;
      fields.push(new ProtoField(buf, num, wire, v.lo, v.hi, 0, 0));
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (i + n > to) return null;
      fields.push(new ProtoField(buf, num, wire, 0, 0, i, i + n));
      i += n;
    } else if (wire === 2) {
      i = readVarint(buf, i, to, v);
      if (i < 0 || v.hi !== 0 || v.lo > to - i) return null;
      const field = new ProtoField(buf, num, wire, 0, 0, i, i + v.lo);
      i += v.lo;
      if (
        field.end > field.start &&
        depth + 1 < limits.maxDepth &&
        !isPlainText(buf, field.start, field.end)
      ) {
        // A failed attempt must not use up the budget of the fields that follow.
        const before = budget.fields;
        const inner = parse(buf, field.start, field.end, depth + 1, limits, budget);
        if (inner && inner.length > 0) field.message = inner;
        else if (budget.fields >= 0) budget.fields = before;
      }
      if (budget.fields < 0) return null;
      fields.push(field);
    } else {
      return null;
    }
  }
  return fields;
}

/** The fields of a protobuf message, or null when the bytes are not one (see the checks above). */
export function decodeProtobuf(
  buf: Uint8Array,
  limits: ProtoLimits = DEFAULT_PROTO_LIMITS,
): ProtoField[] | null {
  if (buf.length === 0) return null;
  const fields = parse(buf, 0, buf.length, 0, limits, { fields: limits.maxFields });
  return fields && fields.length > 0 ? fields : null;
}

/**
 * Cheap first look before a full parse of a body that says nothing about its type: the first byte is a
 * valid tag and the first bytes hold a control character (tags of fields 1–3 and short lengths are
 * control bytes, so real messages nearly always do; JSON, forms and HTML never do).
 */
export function mightBeProtobuf(buf: Uint8Array): boolean {
  const first = buf[0];
  if (first === undefined || first < 0x08) return false;
  const wire = first & 7;
  if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5) return false;
  const n = Math.min(buf.length, 64);
  for (let i = 0; i < n; i++) {
    const b = buf[i] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return true;
  }
  return first === 0x0a && buf.length > 1 && (buf[1] as number) < 0x20;
}

export interface GrpcFrame {
  compressed: boolean;
  /** Trailer frame of gRPC-Web (flag bit 0x80): HTTP header text, not a message. */
  trailer: boolean;
  bytes: Uint8Array;
}

/**
 * Length-prefixed gRPC messages (1 flag byte, 4-byte big-endian length); null unless the frames cover
 * the buffer exactly (and there are at most `maxFrames`). https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export function grpcFrames(buf: Uint8Array, maxFrames = 10_000): GrpcFrame[] | null {
  const out: GrpcFrame[] = [];
  let i = 0;
  while (i < buf.length) {
    // A body of empty frames would otherwise cost an object per 5 bytes.
    if (out.length >= maxFrames) return null;
    if (i + 5 > buf.length) return null;
    const flag = buf[i] as number;
    if ((flag & 0x7e) !== 0) return null;
    const len =
      (((buf[i + 1] as number) << 24) |
        ((buf[i + 2] as number) << 16) |
        ((buf[i + 3] as number) << 8) |
        (buf[i + 4] as number)) >>>
      0;
    if (len > buf.length - i - 5) return null;
    out.push({
      compressed: (flag & 1) === 1,
      trailer: (flag & 0x80) !== 0,
      bytes: buf.subarray(i + 5, i + 5 + len),
    });
    i += 5 + len;
  }
  return out.length > 0 ? out : null;
}

/** A varint as an unsigned decimal string (exact beyond 2^53). */
export function varintDecimal(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * 0x1_0000_0000 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** A varint read as int64 (two's complement), as a JS number; null when it is not exactly representable. */
export function varintSigned(lo: number, hi: number): number | null {
  if (hi < 0x200000) return hi * 0x1_0000_0000 + lo;
  if (hi >= 0xffe00000) return (hi - 0x1_0000_0000) * 0x1_0000_0000 + lo;
  return null;
}

/** A varint read as sint64 (zigzag), as a JS number; null when it is not exactly representable. */
export function varintZigzag(lo: number, hi: number): number | null {
  if (hi >= 0x400000) return null;
  const n = hi * 0x1_0000_0000 + lo;
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}
