import type { BodyRecord, BlobHash } from '../evidence/types.ts';
import { decodeContent, type DecodeLimits } from './decode.ts';

/**
 * Collects the bytes of one body as they stream past, up to a cap. It only observes: the bytes the
 * peer receives are never touched, so a body over the cap still arrives whole. Chunks must not be
 * changed by their producer after `push` (true of socket streams).
 */
export class BodyTap {
  private readonly chunks: Buffer[] = [];
  private captured = 0;
  size = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.cap - this.captured;
    if (room <= 0) return;
    // Kept, not copied: Node's socket streams hand out a fresh buffer for every read and never write to it
    // again (copying each chunk was measurable on the proxy benchmark, mostly as garbage collection).
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.captured += part.length;
  }

  get truncated(): boolean {
    return this.size > this.captured;
  }

  bytes(): Buffer {
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.captured);
  }

  /** What was captured, as plain data (it crosses to the recording thread); null for an empty body. */
  snapshot(): TappedBody | null {
    return this.size === 0 ? null : { bytes: this.bytes(), size: this.size, truncated: this.truncated };
  }
}

/** A captured body: the first bytes (up to the cap) and how many there were in all. */
export interface TappedBody {
  bytes: Uint8Array;
  size: number;
  truncated: boolean;
}

export interface StoredBody {
  record: BodyRecord | null;
  /** The best bytes for reading the content: decoded when decoding worked, else raw (capped). */
  content: Buffer | null;
}

/** Stores a tapped body as raw blob plus a decoded copy when a content coding was undone. */
export function storeBody(
  tap: TappedBody | null,
  contentEncoding: string | undefined,
  putBlob: (bytes: Uint8Array) => BlobHash,
  limits: DecodeLimits,
): StoredBody {
  if (!tap || tap.size === 0) return { record: null, content: null };
  const raw = Buffer.isBuffer(tap.bytes)
    ? tap.bytes
    : Buffer.from(tap.bytes.buffer, tap.bytes.byteOffset, tap.bytes.byteLength);
  const record: BodyRecord = {
    raw: putBlob(raw),
    decoded: null,
    size: tap.size,
    captured: raw.length,
    truncated: tap.truncated,
  };
  let content: Buffer = raw;
  if (contentEncoding && contentEncoding.trim().toLowerCase() !== 'identity') {
    record.contentEncoding = contentEncoding;
    const d = decodeContent(raw, contentEncoding, limits);
    if (d.chain.length > 0) {
      content = Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength);
      record.decoded = putBlob(content);
    }
    const notes = [
      d.note,
      tap.truncated && d.chain.length > 0 ? 'decoded from a truncated capture' : undefined,
    ];
    const note = notes.filter((n): n is string => n !== undefined).join('; ');
    if (note) record.decodeNote = note;
  }
  return { record, content };
}
