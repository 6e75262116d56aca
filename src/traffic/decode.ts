import zlib from 'node:zlib';

/**
 * Bounded decoding of HTTP content codings (gzip, deflate, br, chained). Used by the proxy for the decoded
 * copy of a body and by the matcher for compressed layers inside bodies. Output is capped both in absolute
 * size and as a ratio to the input, so a decompression bomb is reported, never expanded.
 */
export interface DecodeLimits {
  /** Absolute cap on decoded bytes. */
  maxOutputBytes: number;
  /** Cap on decoded ÷ encoded size (applied above `ratioFloorBytes`). */
  maxRatio: number;
  /** Outputs up to this size are never called bombs, whatever the ratio. */
  ratioFloorBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxOutputBytes: 64 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

export type Coding = 'gzip' | 'deflate' | 'br';

export interface Decoded {
  bytes: Uint8Array;
  /** Codings undone, outermost first. */
  chain: Coding[];
  /** Set when decoding stopped early: unknown coding, corrupt or truncated data, or a bomb. */
  note?: string;
  bomb?: boolean;
}

export class DecompressionBomb extends Error {}

function capFor(inputLength: number, limits: DecodeLimits): number {
  return Math.min(limits.maxOutputBytes, Math.max(limits.ratioFloorBytes, inputLength * limits.maxRatio));
}

/** Parses a Content-Encoding header value into codings, outermost (last applied) first. */
export function parseContentEncoding(header: string | undefined): (Coding | 'identity' | string)[] {
  if (!header) return [];
  return header
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0)
    .map((s) => (s === 'x-gzip' ? 'gzip' : s))
    .reverse();
}

/** Undoes one coding with bounded output. Throws DecompressionBomb when the cap is hit. */
export function decodeOne(
  bytes: Uint8Array,
  coding: Coding,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Buffer {
  const maxOutputLength = capFor(bytes.length, limits) + 1;
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out: Buffer;
  try {
    switch (coding) {
      case 'gzip':
        out = zlib.gunzipSync(input, { maxOutputLength, finishFlush: zlib.constants.Z_SYNC_FLUSH });
        break;
      case 'deflate':
        // Servers send both zlib-wrapped and raw deflate under this name.
        out = looksLikeZlib(input)
          ? zlib.inflateSync(input, { maxOutputLength, finishFlush: zlib.constants.Z_SYNC_FLUSH })
          : zlib.inflateRawSync(input, { maxOutputLength, finishFlush: zlib.constants.Z_SYNC_FLUSH });
        break;
      case 'br':
        out = zlib.brotliDecompressSync(input, {
          maxOutputLength,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        });
        break;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new DecompressionBomb(
        `decompression bomb: ${coding} of ${bytes.length} bytes expands beyond ${maxOutputLength - 1} bytes`,
        { cause: err },
      );
    }
    throw err;
  }
  if (out.length >= maxOutputLength) {
    throw new DecompressionBomb(
      `decompression bomb: ${coding} of ${bytes.length} bytes expands beyond ${maxOutputLength - 1} bytes`,
    );
  }
  return out;
}

/** Decodes a body given its Content-Encoding header. Never throws: problems end up in `note`. */
export function decodeContent(
  bytes: Uint8Array,
  contentEncoding: string | undefined,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Decoded {
  let current: Uint8Array = bytes;
  const chain: Coding[] = [];
  for (const coding of parseContentEncoding(contentEncoding)) {
    if (coding === 'identity') continue;
    if (coding !== 'gzip' && coding !== 'deflate' && coding !== 'br') {
      return { bytes: current, chain, note: `unsupported content coding '${coding}'` };
    }
    try {
      current = decodeOne(current, coding, limits);
      chain.push(coding);
    } catch (err) {
      if (err instanceof DecompressionBomb) return { bytes: current, chain, note: err.message, bomb: true };
      return { bytes: current, chain, note: `cannot decode ${coding}: ${(err as Error).message}` };
    }
  }
  return { bytes: current, chain };
}

export function looksLikeGzip(b: Uint8Array): boolean {
  return b.length >= 10 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
}

export function looksLikeZlib(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  const cmf = b[0] as number;
  const flg = b[1] as number;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}
