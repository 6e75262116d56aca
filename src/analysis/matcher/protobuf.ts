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

export interface ProtoField {
  /** Field number. */
  num: number;
  wire: WireType;
  /** Wire type 0: the varint's low and high 32 bits (unsigned). */
  lo?: number;
  hi?: number;
  /** Wire types 1, 2, 5: the field's bytes (a view into the input, not a copy). */
  bytes?: Uint8Array;
  /** Wire type 2: the bytes read as a nested message, when they parse as one and are not plain text. */
  message?: ProtoField[];
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
function readVarint(buf: Uint8Array, at: number, out: { lo: number; hi: number }): number {
  const b0 = buf[at];
  if (b0 !== undefined && b0 < 0x80) {
    // Most tags and many values are one byte.
    out.lo = b0;
    out.hi = 0;
    return at + 1;
  }
  let lo = 0;
  let hi = 0;
  let i = at;
  for (let k = 0; k < 10; k++, i++) {
    if (i >= buf.length) return -1;
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
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function isPlainText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 ? b !== 0x09 && b !== 0x0a && b !== 0x0d : b === 0x7f) return false;
  }
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false; // invalid UTF-8: not text, which is the answer asked for
  }
}

function parse(buf: Uint8Array, depth: number, limits: ProtoLimits, budget: Budget): ProtoField[] | null {
  const fields: ProtoField[] = [];
  const v = { lo: 0, hi: 0 };
  let i = 0;
  while (i < buf.length) {
    i = readVarint(buf, i, v);
    if (i < 0 || v.hi !== 0) return null;
    const wire = v.lo & 7;
    const num = v.lo >>> 3;
    if (num < 1 || num > MAX_FIELD_NUMBER) return null;
    if (--budget.fields < 0) return null;
    if (wire === 0) {
      i = readVarint(buf, i, v);
      if (i < 0) return null;
      fields.push({ num, wire, lo: v.lo, hi: v.hi });
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (i + n > buf.length) return null;
      fields.push({ num, wire, bytes: buf.subarray(i, i + n) });
      i += n;
    } else if (wire === 2) {
      i = readVarint(buf, i, v);
      if (i < 0 || v.hi !== 0 || v.lo > buf.length - i) return null;
      const bytes = buf.subarray(i, i + v.lo);
      i += v.lo;
      const field: ProtoField = { num, wire, bytes };
      if (bytes.length > 0 && depth + 1 < limits.maxDepth && !isPlainText(bytes)) {
        // A failed attempt must not use up the budget of the fields that follow.
        const before = budget.fields;
        const inner = parse(bytes, depth + 1, limits, budget);
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
  const fields = parse(buf, 0, limits, { fields: limits.maxFields });
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
 * the buffer exactly. https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export function grpcFrames(buf: Uint8Array): GrpcFrame[] | null {
  const out: GrpcFrame[] = [];
  let i = 0;
  while (i < buf.length) {
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
