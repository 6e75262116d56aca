import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { failure } from '../errors.ts';
import { BlobPacks } from './blob-packs.ts';
import { log } from '../log.ts';
import { isAlive } from './process.ts';
import type { BlobHash } from './types.ts';

export const BLOB_HASH = /^[0-9a-f]{64}$/;

export function sha256(bytes: Uint8Array): BlobHash {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Path of a blob relative to the data folder (also its path inside a bundle). */
export function blobRelPath(hash: BlobHash): string {
  return path.posix.join('blobs', 'sha256', hash.slice(0, 2), hash);
}

/** A blob handed to `putSoon` whose file is not (known to be) in place yet. */
interface PendingBlob {
  bytes: Uint8Array;
  /** The background write is still running (else it failed: `writePendingSync` writes it again). */
  running: boolean;
  /** Callers of `settled()` waiting for this write. */
  waiters?: (() => void)[];
}

/** Hashes remembered as stored, so re-putting common bodies skips the stat; bounded by clearing. */
const MAX_REMEMBERED = 100_000;

/**
 * Content-addressed files under `<dataDir>/blobs/sha256/ab/<hash>`. A blob is written to a temp file in
 * the same folder and renamed into place, so a reader (or a crash) never sees a partial blob under its
 * final name, and writing the same bytes twice is a no-op.
 *
 * `put` writes before returning. `putSoon` returns the hash at once and writes on libuv's thread pool:
 * creating a file costs ~0.3–2 ms of syscalls on ext4, which a proxy cannot spend on its event loop
 * per request. Until the file is in place, `read`/`has` answer from memory, and whoever commits rows
 * that name such a blob waits for `settled()` (or calls `writePendingSync()`) first, so a committed
 * row never points at a missing file.
 */
export class BlobStore {
  private readonly tmpDir: string;
  private readonly knownDirs = new Set<string>();
  private readonly stored = new Set<BlobHash>();
  private readonly pending = new Map<BlobHash, PendingBlob>();
  private inFlight = 0;
  private background: BackgroundWrites | undefined;
  // Temp names: pid (for removeAbandonedTemps), then a per-instance prefix and a counter (no RNG per blob).
  private readonly tmpPrefix = `${process.pid}.${randomBytes(4).toString('hex')}`;
  private tmpCounter = 0;
  /** Blobs stored many at a time (the proxy's recording thread); opened on first use. */
  private packs: BlobPacks | undefined;

  constructor(readonly dataDir: string) {
    this.tmpDir = path.join(dataDir, 'blobs', 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.removeAbandonedTemps();
  }

  /** Temp files of a process that died mid-write (`<hash>.<pid>.…`) are garbage; a live one's are not. */
  private removeAbandonedTemps(): void {
    for (const name of fs.readdirSync(this.tmpDir)) {
      const pid = Number(name.split('.')[1]);
      if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) continue;
      log.debug({ name }, 'removing an abandoned blob temp file');
      fs.rmSync(path.join(this.tmpDir, name), { force: true });
    }
  }

  pathOf(hash: BlobHash): string {
    if (!BLOB_HASH.test(hash)) {
      throw failure('locate', `blob '${hash.slice(0, 80)}'`, 'not a sha256 hex digest');
    }
    return path.join(this.dataDir, blobRelPath(hash));
  }

  has(hash: BlobHash): boolean {
    if (!BLOB_HASH.test(hash)) return false;
    return this.pending.has(hash) || fs.existsSync(this.pathOf(hash)) || this.packed().has(hash);
  }

  private packed(): BlobPacks {
    this.packs ??= new BlobPacks(this.dataDir);
    return this.packs;
  }

  /**
   * Stores a batch of blobs in a pack (see blob-packs.ts): for writers that store many bodies per
   * moment, where a file each would cost more than everything else they do. Returns once the bytes are
   * written and indexed; throws if they could not be.
   */
  putPacked(blobs: { hash: BlobHash; bytes: Uint8Array }[]): void {
    this.packed().add(blobs);
  }

  /** Closes the pack files and their index (reopened if used again). */
  close(): void {
    this.packs?.close();
    this.packs = undefined;
  }

  put(bytes: Uint8Array): BlobHash {
    return this.putWithHash(sha256(bytes), bytes);
  }

  /** Stores bytes whose hash the caller has already checked (bundle import). */
  putWithHash(hash: BlobHash, bytes: Uint8Array): BlobHash {
    const final = this.pathOf(hash);
    if (fs.existsSync(final)) {
      this.remember(hash);
      return hash;
    }
    this.ensureDir(final);
    const tmp = this.tmpName(hash);
    try {
      fs.writeFileSync(tmp, bytes, { flag: 'wx' });
      fs.renameSync(tmp, final);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw failure(
        'store',
        `blob ${hash}`,
        (err as Error).message,
        'Check free space in the data folder.',
        err,
      );
    }
    this.remember(hash);
    return hash;
  }

  /**
   * Returns the hash now and writes the file in the background (see the class comment). The caller
   * must not change `bytes` afterwards.
   */
  putSoon(bytes: Uint8Array): BlobHash {
    const hash = sha256(bytes);
    if (this.stored.has(hash) || this.pending.has(hash)) return hash;
    const entry: PendingBlob = { bytes, running: true };
    this.pending.set(hash, entry);
    this.inFlight++;
    this.background ??= new BackgroundWrites((h, error) => this.written(h, error));
    this.background.add({ hash, final: this.pathOf(hash), tmp: this.tmpName(hash), bytes });
    return hash;
  }

  /** A background write ended. */
  private written(hash: BlobHash, error: string | null): void {
    const entry = this.pending.get(hash);
    if (!entry?.running) return;
    entry.running = false;
    this.inFlight--;
    if (error) {
      log.warn(
        { hash, err: error },
        'background blob write failed; it is written again before the next commit',
      );
    } else {
      this.pending.delete(hash);
      this.remember(hash);
    }
    if (entry.waiters) for (const w of entry.waiters) w();
  }

  /** Background writes still running. */
  get writesInFlight(): number {
    return this.inFlight;
  }

  /**
   * Resolves once every background write started before this call has ended (failed ones are left to
   * `writePendingSync`). Writes started later are not waited for, so steady traffic cannot starve it.
   */
  settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    let left = 0;
    return new Promise((resolve) => {
      const one = () => --left === 0 && resolve();
      for (const entry of this.pending.values()) {
        if (!entry.running) continue;
        left++;
        (entry.waiters ??= []).push(one);
      }
      if (left === 0) resolve();
    });
  }

  /**
   * Writes, synchronously, the blobs of `putSoon` whose background write failed — and with
   * `includeRunning` also those still being written (for a commit that cannot wait, e.g. at exit; such
   * a blob is then written twice, and both renames put identical bytes under the same name). Throws if
   * a write fails; the blob stays pending.
   */
  writePendingSync(includeRunning: boolean): void {
    for (const [hash, entry] of this.pending) {
      if (entry.running && !includeRunning) continue;
      this.putWithHash(hash, entry.bytes);
      this.pending.delete(hash);
      if (entry.running) {
        // The background write's answer, when it comes, finds no entry and is ignored.
        entry.running = false;
        this.inFlight--;
        if (entry.waiters) for (const w of entry.waiters) w();
      }
    }
  }

  private remember(hash: BlobHash): void {
    if (this.stored.size >= MAX_REMEMBERED) this.stored.clear();
    this.stored.add(hash);
  }

  private ensureDir(final: string): void {
    const dir = path.dirname(final);
    if (!this.knownDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
  }

  private tmpName(hash: BlobHash): string {
    return path.join(this.tmpDir, `${hash}.${this.tmpPrefix}.${++this.tmpCounter}`);
  }

  read(hash: BlobHash): Buffer {
    const queued = this.pending.get(hash);
    if (queued) return Buffer.from(queued.bytes);
    const file = this.pathOf(hash);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const packed = missing ? this.packed().read(hash) : undefined;
      if (packed) return packed;
      throw failure(
        'read',
        `blob ${hash}`,
        missing ? 'no such blob' : (err as Error).message,
        undefined,
        err,
      );
    }
  }
}

interface BlobJob {
  hash: BlobHash;
  final: string;
  tmp: string;
  bytes: Uint8Array;
}

/**
 * The background writer's code. It is plain JavaScript evaluated in a worker thread (not a module
 * file) so that it runs the same under tsx, vitest and a bundle, with no TypeScript loader in the
 * worker. It writes each job as `put` does: temp file, then rename; an existing file is left alone.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const dirs = new Set();
parentPort.on('message', (jobs) => {
  const results = [];
  for (const j of jobs) {
    try {
      if (!fs.existsSync(j.final)) {
        const dir = path.dirname(j.final);
        if (!dirs.has(dir)) { fs.mkdirSync(dir, { recursive: true }); dirs.add(dir); }
        fs.writeFileSync(j.tmp, j.bytes, { flag: 'wx' });
        fs.renameSync(j.tmp, j.final);
      }
      results.push([j.hash, null]);
    } catch (err) {
      try { fs.rmSync(j.tmp, { force: true }); } catch (rmErr) { /* reported with the write error */ }
      results.push([j.hash, String(err && err.message)]);
    }
  }
  parentPort.postMessage(results);
});
`;

/**
 * Blob writes on a worker thread, handed over in batches (one message per event-loop turn). Measured
 * on the capture proxy: each file costs ~0.2 ms of event-loop time even through libuv's own thread
 * pool (five fs requests per blob), and one message per batch costs a few microseconds per blob.
 */
class BackgroundWrites {
  private worker: Worker | undefined;
  private batch: BlobJob[] = [];
  private scheduled = false;
  /** Jobs sent to the current worker and not answered yet (reported failed if it dies). */
  private readonly sent = new Set<BlobHash>();

  constructor(private readonly onDone: (hash: BlobHash, error: string | null) => void) {}

  add(job: BlobJob): void {
    this.batch.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.send());
  }

  private send(): void {
    this.scheduled = false;
    const jobs = this.batch;
    this.batch = [];
    if (jobs.length === 0) return;
    const worker = this.worker ?? this.start();
    // Copies of the bytes move to the worker (transferred, not cloned); the originals stay with the
    // store for reads until the file is in place.
    const out = jobs.map((j) => ({ ...j, bytes: new Uint8Array(j.bytes) }));
    for (const j of jobs) this.sent.add(j.hash);
    worker.postMessage(
      out,
      out.map((j) => j.bytes.buffer as ArrayBuffer),
    );
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Never keeps the process alive: at exit, the writer writes what is still pending synchronously.
    worker.unref();
    worker.on('message', (results: [BlobHash, string | null][]) => {
      for (const [hash, error] of results) {
        this.sent.delete(hash);
        this.onDone(hash, error);
      }
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      log.warn({ reason, jobs: this.sent.size }, 'blob writer thread ended; its jobs are written again');
      const orphans = [...this.sent];
      this.sent.clear();
      for (const hash of orphans) this.onDone(hash, `blob writer thread ended: ${reason}`);
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
