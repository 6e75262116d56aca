/**
 * Session bundles: one self-contained `.tar.gz` an investigator can open months later.
 *
 *   manifest.json    format + versions, and every other file with its sha256 and size
 *   session.sqlite   the session's rows (and its run row) in the evidence schema
 *   identity.json    the session's identity (the matcher's input), or null
 *   blobs/sha256/ab/<hash>   every blob the rows reference
 *
 * Import trusts nothing in the archive: it extracts into a private temp folder, refusing links, devices,
 * absolute paths and `..`; checks every file against the manifest and every blob against its name;
 * checks the schema; and only then writes blobs and rows into the data folder.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { z } from 'zod';
import { identitySchema } from '../config/identity.ts';
import { failure, UsageError } from '../errors.ts';
import { log } from '../log.ts';
import { APPWARDEN_VERSION } from '../version.ts';
import { BLOB_HASH, blobRelPath } from './blobs.ts';
import { checkVersion, openDatabase, type Db } from './db.ts';
import { ID_PATTERN } from './ids.ts';
import { SCHEMA_VERSION, SESSION_TABLES } from './migrations.ts';
import { openStore, type EvidenceStore } from './store.ts';

export const BUNDLE_FORMAT = 'appwarden-session-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

const DB_FILE = 'session.sqlite';
const EXPORTED_RUNNING = 'exported while still running: the bundle holds what was recorded until then';
const IDENTITY_FILE = 'identity.json';
const MANIFEST_FILE = 'manifest.json';

const manifestFileSchema = z
  .object({
    path: z.string(),
    sha256: z.string().regex(BLOB_HASH),
    size: z.number().int().nonnegative(),
  })
  .strict();

const manifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.number().int().positive(),
    appwardenVersion: z.string(),
    schemaVersion: z.number().int().positive(),
    session: z.string().regex(ID_PATTERN),
    createdAt: z.string(),
    files: z.array(manifestFileSchema),
  })
  .strict();

export type BundleManifest = z.infer<typeof manifestSchema>;

/** Paths a bundle may contain; anything else is refused. */
const ALLOWED_FILE =
  /^(manifest\.json|session\.sqlite|identity\.json|blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64})$/;
const ALLOWED_DIR = /^(blobs|blobs\/sha256|blobs\/sha256\/[0-9a-f]{2})\/?$/;

// ---------------------------------------------------------------------------------------------- export

export interface ExportResult {
  file: string;
  manifest: BundleManifest;
}

/** Writes `outFile` (atomically: temp name, then rename) holding one session and everything it references. */
export async function exportSession(
  store: EvidenceStore,
  session: string,
  outFile: string,
): Promise<ExportResult> {
  const what = `session ${session} to ${outFile}`;
  await store.flush();
  const stored = store.getSession(session);
  if (!stored)
    throw failure('export', what, 'no such session', 'List sessions with `appwarden sessions list`.');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-export-'));
  const partial = `${outFile}.partial-${process.pid}`;
  try {
    copySessionRows(store, session, path.join(work, DB_FILE));
    const blobs = referencedBlobs(path.join(work, DB_FILE)).filter((h) => store.hasBlob(h));
    for (const h of blobs) {
      const dest = path.join(work, blobRelPath(h));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      // A blob is a file of its own or a record in a pack (blob-packs.ts); a bundle holds files.
      const file = path.join(store.dataDir, blobRelPath(h));
      if (fs.existsSync(file)) fs.copyFileSync(file, dest);
      else fs.writeFileSync(dest, store.readBlob(h));
    }
    fs.writeFileSync(
      path.join(work, IDENTITY_FILE),
      `${JSON.stringify(store.getSessionIdentity(session), null, 2)}\n`,
    );

    const names = [DB_FILE, IDENTITY_FILE, ...blobs.map(blobRelPath)];
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      appwardenVersion: APPWARDEN_VERSION,
      schemaVersion: SCHEMA_VERSION,
      session,
      createdAt: new Date().toISOString(),
      files: await Promise.all(
        names.map(async (p) => ({ path: p, ...(await hashFile(path.join(work, p))) })),
      ),
    };
    fs.writeFileSync(path.join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

    fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
    await tar.c({ gzip: true, file: partial, cwd: work, portable: true }, [MANIFEST_FILE, ...names]);
    fs.renameSync(partial, outFile);
    return { file: outFile, manifest };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    if (err instanceof Error && err.message.startsWith('Failed to')) throw err;
    throw failure('export', what, (err as Error).message, undefined, err);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Copies the session's rows and its run row into a new database at `file` (same schema). */
function copySessionRows(store: EvidenceStore, session: string, file: string): void {
  openDatabase(file, `bundle database ${file}`).close();
  const db = store.db;
  const sk = store.sk(session);
  db.prepare('ATTACH DATABASE ? AS bundle').run(file);
  try {
    db.pragma('bundle.journal_mode = DELETE');
    db.transaction(() => {
      const copy = (table: string, where: string, ...params: unknown[]): void => {
        const cols = columns(db, 'main', table).join(', ');
        db.prepare(
          `INSERT INTO bundle.${table} (${cols}) SELECT ${cols} FROM main.${table} WHERE ${where}`,
        ).run(...params);
      };
      copy('runs', 'id = (SELECT run FROM main.sessions WHERE sk = ?)', sk);
      copy('sessions', 'sk = ?', sk);
      for (const t of SESSION_TABLES) copy(t, 'sk = ?', sk);
    })();
  } finally {
    db.exec('DETACH DATABASE bundle');
  }
}

/** Blob hashes the rows mention: body records, UI snapshots, and any hash an event or finding carries. */
function referencedBlobs(file: string): string[] {
  const db = openDatabase(file, `bundle database ${file}`);
  try {
    const found = new Set<string>();
    const scan = (sql: string): void => {
      for (const row of db.prepare(sql).raw().iterate() as IterableIterator<unknown[]>) {
        for (const v of row) {
          if (typeof v === 'string') for (const m of v.matchAll(/[0-9a-f]{64}/g)) found.add(m[0]);
        }
      }
    };
    scan('SELECT request_body, response_body, extra FROM flows');
    scan('SELECT source, screenshot, meta FROM ui_snapshots');
    // Most events hold no hash: let SQLite skip them before any row reaches JavaScript.
    scan(`SELECT data FROM events WHERE data GLOB '*${'[0-9a-f]'.repeat(64)}*'`);
    scan('SELECT data FROM findings');
    scan('SELECT meta FROM sessions');
    return [...found].sort();
  } finally {
    db.close();
  }
}

function columns(db: Db, schema: string, table: string): string[] {
  return (db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

// ---------------------------------------------------------------------------------------------- import

export interface ImportResult {
  session: string;
  manifest: BundleManifest;
  blobs: number;
  events: number;
}

/**
 * Verifies `file` completely, then merges its session into the store (`into`: an open store, or a data
 * folder that is opened only after verification, so a refused bundle writes nothing there). The session
 * keeps its id and its event/flow/finding ids; a session id already in the store is refused.
 */
export async function importBundle(
  file: string,
  into: EvidenceStore | string,
  opts: { maxBytes?: number } = {},
): Promise<ImportResult> {
  const refuse = (reason: string, cause?: unknown): UsageError =>
    new UsageError(`Failed to import bundle ${file}: ${reason}. Nothing was written.`, { cause });
  if (!fs.existsSync(file)) throw refuse('no such file');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-import-'));
  try {
    await extract(file, work, refuse, opts.maxBytes);
    const manifest = await verify(work, refuse);
    const bundleDb = openBundleDb(work, manifest, refuse);
    let sk: number;
    try {
      sk = checkBundleRows(bundleDb, manifest, refuse);
    } finally {
      bundleDb.close();
    }
    const store = typeof into === 'string' ? openStore({ dataDir: into }) : into;
    try {
      if (store.getSession(manifest.session)) {
        throw refuse(`session ${manifest.session} already exists in ${store.dataDir}`);
      }
      await store.flush();
      // Blobs first: rows must never reference a blob that is not there. Blobs alone are harmless.
      const blobFiles = manifest.files.filter((f) => f.path.startsWith('blobs/'));
      for (const f of blobFiles) store.blobs.putWithHash(f.sha256, fs.readFileSync(path.join(work, f.path)));
      const events = mergeRows(store, path.join(work, DB_FILE), sk);
      log.debug({ session: manifest.session, events, blobs: blobFiles.length }, 'imported bundle');
      return { session: manifest.session, manifest, blobs: blobFiles.length, events };
    } finally {
      if (typeof into === 'string') await store.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

type Refuse = (reason: string, cause?: unknown) => UsageError;

/** A relative path inside the bundle, or why it is not one. */
function entryProblem(p: string, type: string): string | null {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\\')) return `absolute path '${p}'`;
  if (p.split('/').some((seg) => seg === '..')) return `path '${p}' leaves the bundle ('..')`;
  if (type === 'Directory') return ALLOWED_DIR.test(p) ? null : `unexpected folder '${p}'`;
  if (type !== 'File' && type !== 'OldFile') return `'${p}' is a ${type}, not a regular file`;
  return ALLOWED_FILE.test(p) ? null : `unexpected file '${p}'`;
}

/** Bytes that may be extracted into `dir`: what is free there, less a margin, capped by `maxBytes`. */
function extractionBudget(dir: string, maxBytes: number | undefined): number {
  let free = Number.POSITIVE_INFINITY;
  try {
    const st = fs.statfsSync(dir);
    free = st.bavail * st.bsize - 64 * 1024 * 1024;
  } catch (err) {
    log.debug({ err }, 'cannot read free space of the temp folder; extracting without that limit');
  }
  return Math.min(free, maxBytes ?? Number.POSITIVE_INFINITY);
}

async function extract(
  file: string,
  work: string,
  refuse: Refuse,
  maxBytes: number | undefined,
): Promise<void> {
  const problems: string[] = [];
  const budget = extractionBudget(work, maxBytes);
  let total = 0;
  try {
    await tar.x({
      file,
      cwd: work,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      filter: (p, entry) => {
        // After the first problem nothing more is written: the bundle is refused anyway.
        if (problems.length > 0) return false;
        const e = entry as tar.ReadEntry;
        total += e.size ?? 0;
        const problem =
          entryProblem(p, e.type) ??
          (total > budget ? `it unpacks to more than ${Math.max(0, Math.floor(budget))} bytes` : null);
        if (problem) problems.push(problem);
        return problem === null;
      },
    });
  } catch (err) {
    throw refuse(`corrupt or truncated archive (${(err as Error).message})`, err);
  }
  if (problems.length > 0) {
    const [problem] = problems;
    throw refuse(problem?.startsWith('it unpacks') ? `too large: ${problem}` : `unsafe entry: ${problem}`);
  }
}

/** The manifest parses, and the extracted files are exactly the ones it lists, with its hashes and sizes. */
async function verify(work: string, refuse: Refuse): Promise<BundleManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(work, MANIFEST_FILE), 'utf8'));
  } catch (err) {
    throw refuse(`no readable manifest.json (${(err as Error).message})`, err);
  }
  const formatVersion = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof formatVersion === 'number' && formatVersion > BUNDLE_FORMAT_VERSION) {
    throw refuse(
      `bundle format ${formatVersion} is newer than this appwarden reads (${BUNDLE_FORMAT_VERSION}); upgrade appwarden`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse(
      `invalid manifest.json (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const m = parsed.data;
  if (m.schemaVersion > SCHEMA_VERSION) {
    throw refuse(
      `written by a newer appwarden (schema ${m.schemaVersion} > ${SCHEMA_VERSION}); upgrade appwarden`,
    );
  }
  const listed = new Set<string>();
  for (const f of m.files) {
    if (!ALLOWED_FILE.test(f.path) || f.path === MANIFEST_FILE)
      throw refuse(`manifest lists unexpected file '${f.path}'`);
    if (listed.has(f.path)) throw refuse(`manifest lists '${f.path}' twice`);
    listed.add(f.path);
    const full = path.join(work, f.path);
    if (!fs.existsSync(full)) throw refuse(`'${f.path}' is listed in the manifest but missing`);
    const actual = await hashFile(full);
    if (actual.size !== f.size || actual.sha256 !== f.sha256) {
      throw refuse(`'${f.path}' does not match its manifest entry (tampered or damaged)`);
    }
    if (f.path.startsWith('blobs/') && path.posix.basename(f.path) !== f.sha256) {
      throw refuse(`blob '${f.path}' is not named by its sha256`);
    }
  }
  if (!listed.has(DB_FILE)) throw refuse(`manifest does not list ${DB_FILE}`);
  for (const p of walk(work)) {
    if (p !== MANIFEST_FILE && !listed.has(p))
      throw refuse(`'${p}' is in the archive but not in the manifest`);
  }
  if (listed.has(IDENTITY_FILE)) {
    const identity: unknown = JSON.parse(fs.readFileSync(path.join(work, IDENTITY_FILE), 'utf8'));
    if (identity !== null && !identitySchema.safeParse(identity).success)
      throw refuse('invalid identity.json');
  }
  return m;
}

function* walk(root: string, rel = ''): Generator<string> {
  for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) yield* walk(root, p);
    else yield p;
  }
}

function openBundleDb(work: string, m: BundleManifest, refuse: Refuse): Db {
  const file = path.join(work, DB_FILE);
  const reason = (err: unknown): string =>
    (err as Error).message.replace(/^Failed to open bundle database: /, '').replace(/\.$/, '');
  let db: Db;
  try {
    const version = checkVersion(file, 'bundle database');
    if (version !== m.schemaVersion) {
      throw new Error(`its manifest says schema ${m.schemaVersion} but its database is schema ${version}`);
    }
    // The copy in the private temp folder is ours to migrate if it comes from an older appwarden.
    db = openDatabase(file, 'bundle database');
  } catch (err) {
    throw refuse(reason(err), err);
  }
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') {
    db.close();
    throw refuse(`its database is damaged (${String(check)})`);
  }
  return db;
}

/** The bundle holds exactly the manifest's session; returns its key inside the bundle database. */
function checkBundleRows(db: Db, m: BundleManifest, refuse: Refuse): number {
  const sessions = db.prepare('SELECT sk, id, run FROM sessions').all() as {
    sk: number;
    id: string;
    run: string;
  }[];
  if (sessions.length !== 1 || sessions[0]?.id !== m.session) {
    throw refuse(
      `its database must hold exactly session ${m.session}, found ${sessions.map((s) => s.id).join(', ') || 'none'}`,
    );
  }
  const s = sessions[0];
  for (const t of SESSION_TABLES) {
    const stray = db.prepare(`SELECT count(*) AS n FROM ${t} WHERE sk != ?`).get(s.sk) as { n: number };
    if (stray.n > 0) throw refuse(`its ${t} table holds rows of another session`);
  }
  return s.sk;
}

/** Copies the bundle's rows in one transaction, giving the session a new internal key. Returns the event count. */
function mergeRows(store: EvidenceStore, file: string, bundleSk: number): number {
  const db = store.db;
  db.prepare('ATTACH DATABASE ? AS bundle').run(file);
  try {
    return db.transaction(() => {
      const runCols = columns(db, 'main', 'runs').join(', ');
      const run = db
        .prepare(`INSERT OR IGNORE INTO main.runs (${runCols}) SELECT ${runCols} FROM bundle.runs`)
        .run();
      const sessionCols = columns(db, 'main', 'sessions').filter((c) => c !== 'sk');
      const list = sessionCols.join(', ');
      const newSk = Number(
        db
          .prepare(`INSERT INTO main.sessions (${list}) SELECT ${list} FROM bundle.sessions WHERE sk = ?`)
          .run(bundleSk).lastInsertRowid,
      );
      let events = 0;
      for (const t of SESSION_TABLES) {
        const cols = columns(db, 'main', t);
        const select = cols.map((c) => (c === 'sk' ? '?' : c)).join(', ');
        const res = db
          .prepare(
            `INSERT INTO main.${t} (${cols.join(', ')}) SELECT ${select} FROM bundle.${t} WHERE sk = ?`,
          )
          .run(newSk, bundleSk);
        if (t === 'events') events = res.changes;
      }
      // Nothing in this store records a session that was exported mid-run; say so now rather than have the
      // next open call it interrupted.
      db.prepare(
        `UPDATE main.sessions SET status = 'incomplete', reason = coalesce(reason, ?) WHERE sk = ? AND status = 'running'`,
      ).run(EXPORTED_RUNNING, newSk);
      if (run.changes > 0) {
        db.prepare(
          `UPDATE main.runs SET status = 'incomplete' WHERE id = (SELECT run FROM main.sessions WHERE sk = ?)
          AND status = 'running'`,
        ).run(newSk);
      }
      return events;
    })();
  } finally {
    db.exec('DETACH DATABASE bundle');
  }
}
