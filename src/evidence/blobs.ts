import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { failure } from '../errors.ts';
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
  // Temp names: pid (for removeAbandonedTemps), then a per-instance prefix and a counter (no RNG per blob).
  private readonly tmpPrefix = `${process.pid}.${randomBytes(4).toString('hex')}`;
  private tmpCounter = 0;

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
    return BLOB_HASH.test(hash) && (this.pending.has(hash) || fs.existsSync(this.pathOf(hash)));
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
    const final = this.pathOf(hash);
    this.ensureDir(final);
    const entry: PendingBlob = { bytes, running: true };
    this.pending.set(hash, entry);
    this.inFlight++;
    const done = (err: NodeJS.ErrnoException | null, tmp?: string) => {
      entry.running = false;
      this.inFlight--;
      if (err) {
        if (tmp)
          fs.rm(tmp, { force: true }, (rmErr) => rmErr && log.debug({ tmp }, 'could not remove a temp blob'));
        log.warn(
          { hash, err: err.message },
          'background blob write failed; it is written again before the next commit',
        );
      } else if (this.pending.get(hash) === entry) {
        this.pending.delete(hash);
        this.remember(hash);
      }
      if (entry.waiters) for (const w of entry.waiters) w();
    };
    // An existing file means the bytes are already stored (content addressing): nothing to write.
    fs.access(final, (missing) => {
      if (!missing) return done(null);
      const tmp = this.tmpName(hash);
      fs.writeFile(tmp, bytes, { flag: 'wx' }, (writeErr) => {
        if (writeErr) return done(writeErr, tmp);
        fs.rename(tmp, final, (renameErr) => done(renameErr, tmp));
      });
    });
    return hash;
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
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such blob' : (err as Error).message;
      throw failure('read', `blob ${hash}`, reason, undefined, err);
    }
  }
}
