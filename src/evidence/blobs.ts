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

/**
 * Content-addressed files under `<dataDir>/blobs/sha256/ab/<hash>`. A blob is written to a temp file in
 * the same folder and renamed into place, so a reader (or a crash) never sees a partial blob under its
 * final name, and writing the same bytes twice is a no-op.
 */
export class BlobStore {
  private readonly tmpDir: string;
  private readonly knownDirs = new Set<string>();

  constructor(readonly dataDir: string) {
    this.tmpDir = path.join(dataDir, 'blobs', 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.removeAbandonedTemps();
  }

  /** Temp files of a process that died mid-write (`<hash>.<pid>.<rand>`) are garbage; a live one's are not. */
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
    return BLOB_HASH.test(hash) && fs.existsSync(this.pathOf(hash));
  }

  put(bytes: Uint8Array): BlobHash {
    return this.putWithHash(sha256(bytes), bytes);
  }

  /** Stores bytes whose hash the caller has already checked (bundle import). */
  putWithHash(hash: BlobHash, bytes: Uint8Array): BlobHash {
    const final = this.pathOf(hash);
    if (fs.existsSync(final)) return hash;
    const dir = path.dirname(final);
    if (!this.knownDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    const tmp = path.join(this.tmpDir, `${hash}.${process.pid}.${randomBytes(4).toString('hex')}`);
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
    return hash;
  }

  read(hash: BlobHash): Buffer {
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
