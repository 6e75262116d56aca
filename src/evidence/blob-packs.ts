import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { failure } from '../errors.ts';
import type { BlobHash } from './types.ts';

/** A pack grows to about this size before the next one is started. */
const PACK_BYTES = 1 << 30;
/** Each record: the blob's sha256 (32 bytes) and its length (u32, big-endian), then the bytes. */
const HEADER = 36;
/** Hashes remembered as packed, so a body seen again (the same image, the same JSON) skips the index. */
const MAX_REMEMBERED = 100_000;

interface PackIndex {
  db: Database.Database;
  locate: Database.Statement;
  known: Database.Statement;
  insert: Database.Statement;
}

export interface PackLocation {
  pack: string;
  offset: number;
  length: number;
}

/**
 * Many blobs in few files: append-only pack files under `<dataDir>/blobs/packs/`, indexed by hash in
 * `index.sqlite` beside them. This is where the capture proxy's recording thread stores bodies: a
 * file per blob costs ~0.25 ms of syscalls each on ext4 (create, write, rename), which on the proxy
 * benchmark was a third of all the CPU a request cost; appending a batch is one `writev` plus one
 * index transaction.
 *
 * Bytes are appended before their index rows are committed, and the caller commits rows naming a
 * blob only after `add` returned: a reader never finds a row, or an index entry, pointing at bytes that
 * are not there. A crash between the two leaves unindexed bytes in a pack, which nothing reads.
 * Records carry their hash, so a read checks that the index pointed at the right one.
 */
export class BlobPacks {
  private readonly dir: string;
  private idx: PackIndex | undefined;
  private readonly readFds = new Map<string, number>();
  private writeFd: number | undefined;
  private writeName = '';
  private writeSize = 0;
  private packCounter = 0;
  private readonly namePrefix = `${process.pid}.${randomBytes(4).toString('hex')}`;
  private readonly packed = new Set<BlobHash>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'blobs', 'packs');
  }

  private index(create: boolean): PackIndex | undefined {
    if (this.idx) return this.idx;
    const file = path.join(this.dir, 'index.sqlite');
    if (!create && !fs.existsSync(file)) return undefined;
    fs.mkdirSync(this.dir, { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(
      'CREATE TABLE IF NOT EXISTS packed (hash TEXT PRIMARY KEY, pack TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL) WITHOUT ROWID',
    );
    // Prepared once: reads and batches run these for every blob.
    this.idx = {
      db,
      locate: db.prepare('SELECT pack, offset, length FROM packed WHERE hash = ?'),
      known: db.prepare('SELECT 1 FROM packed WHERE hash = ?').pluck(),
      insert: db.prepare('INSERT OR IGNORE INTO packed (hash, pack, offset, length) VALUES (?, ?, ?, ?)'),
    };
    return this.idx;
  }

  locate(hash: BlobHash): PackLocation | undefined {
    return this.index(false)?.locate.get(hash) as PackLocation | undefined;
  }

  has(hash: BlobHash): boolean {
    return this.packed.has(hash) || this.locate(hash) !== undefined;
  }

  /** The blob's bytes, or undefined when no pack holds it. */
  read(hash: BlobHash): Buffer | undefined {
    const at = this.locate(hash);
    if (!at) return undefined;
    const what = `blob ${hash} in pack ${at.pack}`;
    let fd = this.readFds.get(at.pack);
    try {
      if (fd === undefined) {
        fd = fs.openSync(path.join(this.dir, path.basename(at.pack)), 'r');
        this.readFds.set(at.pack, fd);
      }
      const buf = Buffer.allocUnsafe(HEADER + at.length);
      const n = fs.readSync(fd, buf, 0, buf.length, at.offset - HEADER);
      if (n !== buf.length) throw new Error(`pack ends after ${n} of ${buf.length} bytes`);
      if (buf.toString('hex', 0, 32) !== hash || buf.readUInt32BE(32) !== at.length)
        throw new Error('the index points at another record');
      return buf.subarray(HEADER);
    } catch (err) {
      throw failure('read', what, (err as Error).message, undefined, err);
    }
  }

  /**
   * Appends the blobs that no pack holds yet: one write for the batch, then their index rows in one
   * transaction. Throws (nothing indexed) if the write fails.
   */
  add(blobs: { hash: BlobHash; bytes: Uint8Array }[]): void {
    const { db, known, insert } = this.index(true) as PackIndex;
    const fresh: { hash: BlobHash; bytes: Uint8Array }[] = [];
    const seen = new Set<BlobHash>();
    for (const b of blobs) {
      if (this.packed.has(b.hash) || seen.has(b.hash)) continue;
      seen.add(b.hash);
      if (known.get(b.hash) !== undefined) this.remember(b.hash);
      else fresh.push(b);
    }
    if (fresh.length === 0) return;
    const size = fresh.reduce((n, b) => n + HEADER + b.bytes.length, 0);
    const fd = this.packFor(size);
    const parts: Uint8Array[] = [];
    const rows: [BlobHash, string, number, number][] = [];
    let at = this.writeSize;
    for (const b of fresh) {
      const head = Buffer.alloc(HEADER);
      head.write(b.hash, 0, 'hex');
      head.writeUInt32BE(b.bytes.length, 32);
      parts.push(head, b.bytes);
      rows.push([b.hash, this.writeName, at + HEADER, b.bytes.length]);
      at += HEADER + b.bytes.length;
    }
    try {
      writeAll(fd, parts);
    } catch (err) {
      // The pack may now end in a partial record: start a new one rather than append after it.
      this.closeWriter();
      throw failure(
        'store',
        `${fresh.length} blobs in pack ${this.writeName}`,
        (err as Error).message,
        'Check free space in the data folder.',
        err,
      );
    }
    this.writeSize = at;
    db.transaction(() => {
      for (const r of rows) insert.run(...r);
    })();
    for (const b of fresh) this.remember(b.hash);
  }

  private packFor(size: number): number {
    if (this.writeFd !== undefined && this.writeSize + size <= PACK_BYTES) return this.writeFd;
    this.closeWriter();
    fs.mkdirSync(this.dir, { recursive: true });
    this.writeName = `${this.namePrefix}.${++this.packCounter}.pack`;
    this.writeFd = fs.openSync(path.join(this.dir, this.writeName), 'wx', 0o600);
    this.writeSize = 0;
    return this.writeFd;
  }

  private closeWriter(): void {
    if (this.writeFd !== undefined) fs.closeSync(this.writeFd);
    this.writeFd = undefined;
  }

  private remember(hash: BlobHash): void {
    if (this.packed.size >= MAX_REMEMBERED) this.packed.clear();
    this.packed.add(hash);
  }

  close(): void {
    this.closeWriter();
    for (const fd of this.readFds.values()) fs.closeSync(fd);
    this.readFds.clear();
    this.idx?.db.close();
    this.idx = undefined;
  }
}

/** writev until every byte is written (a short write continues where it stopped). */
function writeAll(fd: number, parts: Uint8Array[]): void {
  let left = parts;
  while (left.length > 0) {
    let n = fs.writevSync(fd, left);
    const rest: Uint8Array[] = [];
    for (const p of left) {
      if (n >= p.length) {
        n -= p.length;
        continue;
      }
      rest.push(n > 0 ? p.subarray(n) : p);
      n = 0;
    }
    left = rest;
  }
}
