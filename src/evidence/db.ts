import fs from 'node:fs';
import Database from 'better-sqlite3';
import { failure } from '../errors.ts';
import { log } from '../log.ts';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

export type Db = Database.Database;

interface FileVersion {
  applicationId: number;
  userVersion: number;
}

/** Reads the schema markers of an existing file without changing a byte of it. */
function readVersion(file: string): FileVersion {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      applicationId: db.pragma('application_id', { simple: true }) as number,
      userVersion: db.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

/**
 * Refuses a file that is not an evidence store or was written by a newer appwarden, before anything is
 * written to it: setting WAL mode alone would already change its header.
 */
export function checkVersion(file: string, what: string): number {
  let v: FileVersion;
  try {
    v = readVersion(file);
  } catch (err) {
    throw failure('open', what, `not a readable SQLite database (${(err as Error).message})`, undefined, err);
  }
  if (v.applicationId !== 0 && v.applicationId !== APPLICATION_ID) {
    throw failure(
      'open',
      what,
      'not an appwarden evidence store',
      'Point --data at an appwarden data folder.',
    );
  }
  if (v.applicationId === 0 && v.userVersion !== 0) {
    throw failure(
      'open',
      what,
      'not an appwarden evidence store',
      'Point --data at an appwarden data folder.',
    );
  }
  if (v.userVersion > SCHEMA_VERSION) {
    throw failure(
      'open',
      what,
      `written by a newer appwarden (schema ${v.userVersion} > ${SCHEMA_VERSION})`,
      'Upgrade appwarden.',
    );
  }
  return v.userVersion;
}

/**
 * Opens (creating if needed) an evidence database and brings it to SCHEMA_VERSION.
 *
 * WAL with synchronous=NORMAL: a transaction is committed once its frames are in the WAL file, which is
 * written before COMMIT returns; only the fsync is deferred to checkpoints. So a committed transaction
 * survives the process dying at any moment (kill -9, OOM); only an OS crash or power loss can lose the
 * last few commits, never corrupt the database. FULL would fsync on every batch for no gain against the
 * failure we design for (a probe or the whole run crashing).
 */
export function openDatabase(file: string, what = `evidence store ${file}`): Db {
  const exists = fs.existsSync(file);
  const from = exists ? checkVersion(file, what) : 0;
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw failure('open', what, (err as Error).message, 'Check that the data folder is writable.', err);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // A bundle's database comes from elsewhere: never let its schema run functions with side effects.
    db.pragma('trusted_schema = OFF');
    migrate(db, from);
  } catch (err) {
    db.close();
    if (err instanceof Error && err.message.startsWith('Failed to')) throw err;
    throw failure('open', what, (err as Error).message, undefined, err);
  }
  return db;
}

/** Applies every migration after `from` in one transaction: a failed migration leaves the file as it was. */
function migrate(db: Db, from: number): void {
  if (from === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read inside the write transaction: another process may have migrated meanwhile.
    const current = db.pragma('user_version', { simple: true }) as number;
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      log.debug({ version: m.version, description: m.description }, 'applying evidence migration');
      db.exec(m.sql);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
