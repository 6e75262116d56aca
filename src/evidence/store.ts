import fs from 'node:fs';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import { identitySchema, type Identity } from '../config/identity.ts';
import { failure } from '../errors.ts';
import { log } from '../log.ts';
import { BlobStore } from './blobs.ts';
import { openDatabase, type Db } from './db.ts';
import { ID_PATTERN } from './ids.ts';
import { recoverInterrupted, releaseOwnership } from './recovery.ts';
import {
  FLOW_SUMMARY_COLUMNS,
  rowToEvent,
  rowToFinding,
  rowToFlow,
  rowToRun,
  rowToSession,
  rowToUiSnapshot,
  tupleToFlowSummary,
  type EventRow,
  type FindingRow,
  type FlowRow,
  type FlowSummaryTuple,
  type RunRow,
  type SessionRow,
  type StoredFlowSummary,
  type UiSnapshotRow,
} from './rows.ts';
import {
  DEVICE_KINDS,
  RUN_STATUSES,
  SESSION_STATUSES,
  type ApiCallData,
  type EventSource,
  type NewFinding,
  type NewRun,
  type NewSession,
  type RunStatus,
  type SessionCounts,
  type SessionStatus,
  type StoredEvent,
  type StoredFinding,
  type StoredFlow,
  type StoredRun,
  type StoredSession,
  type StoredUiSnapshot,
} from './types.ts';
import { BatchingWriter, type BatchOptions } from './writer.ts';

export { newId } from './ids.ts';

export interface StoreOptions {
  dataDir: string;
  batch?: BatchOptions;
}

export interface EventFilter {
  source?: EventSource;
  type?: string;
  /** Inclusive bounds on `t` (ms since session start). */
  fromT?: number;
  toT?: number;
  limit?: number;
}

/** One event as stored, unparsed: `[id, t, data JSON text]` (a tuple: millions of them are streamed). */
export type EventTuple = [id: number, t: number, data: string];
/** An event whose data is one of the texts the reader listed as known: `[id, t, index in that list]`. */
export type KnownEventTuple = [id: number, t: number, known: number];

export type { StoredFlowSummary } from './rows.ts';

export const DATABASE_FILE = 'evidence.sqlite';

/** Whether `dataDir` holds an evidence store (so that read-only commands need not create one). */
export function storeExists(dataDir: string): boolean {
  return fs.existsSync(path.join(path.resolve(dataDir), DATABASE_FILE));
}

/** Opens the store in `dataDir` (created if missing), migrating it and marking interrupted sessions. */
export function openStore(opts: StoreOptions): EvidenceStore {
  const dataDir = path.resolve(opts.dataDir);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw failure(
      'create',
      `data folder ${dataDir}`,
      (err as Error).message,
      'Choose another --data folder.',
      err,
    );
  }
  const db = openDatabase(path.join(dataDir, DATABASE_FILE), `evidence store in ${dataDir}`);
  try {
    recoverInterrupted(db, dataDir);
    return new EvidenceStore(dataDir, db, opts.batch ?? {});
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The evidence store of one data folder: a SQLite database (runs, sessions, timelines) plus
 * content-addressed blobs. Probes append through `writer`; rules and reports use the queries here.
 * Queries see every row appended before them (they commit the writer's queue first).
 */
export class EvidenceStore {
  readonly writer: BatchingWriter;
  /** Internal: the bundle code reads and merges rows through it. */
  readonly blobs: BlobStore;
  private readonly skCache = new Map<string, number>();
  private readonly stmts = new Map<string, Statement>();
  private closed = false;

  /** Use openStore(). */
  constructor(
    readonly dataDir: string,
    /** Internal: for bundle export/import, which work on whole tables. */
    readonly db: Db,
    batch: BatchOptions,
  ) {
    this.blobs = new BlobStore(dataDir);
    this.writer = new BatchingWriter(db, this.blobs, batch);
    process.on('exit', this.commitOnExit);
  }

  /** A process that exits without close() (process.exit in a SIGINT handler) still commits its last rows. */
  private readonly commitOnExit = (): void => {
    try {
      this.writer.commit();
    } catch (err) {
      log.error({ err }, 'evidence rows queued at exit could not be committed');
    }
  };

  // ---- runs and sessions ----

  createRun(r: NewRun): void {
    checkId(r.id, 'run');
    try {
      this.stmt('INSERT INTO runs (id, suite, status, started_at, meta) VALUES (?, ?, ?, ?, ?)').run(
        r.id,
        r.suite ?? null,
        'running',
        r.startedAt ?? Date.now(),
        JSON.stringify(r.meta ?? {}),
      );
    } catch (err) {
      throw failure('create', `run ${r.id}`, (err as Error).message, undefined, err);
    }
  }

  finishRun(id: string, status: RunStatus): void {
    checkStatus(status, RUN_STATUSES, `run ${id}`);
    this.commitQuietly();
    const res = this.stmt('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(
      status,
      Date.now(),
      id,
    );
    if (res.changes === 0) throw failure('finish', `run ${id}`, 'no such run');
  }

  getRun(id: string): StoredRun | undefined {
    const row = this.stmt('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && rowToRun(row);
  }

  createSession(s: NewSession): void {
    checkId(s.id, 'session');
    if (!(DEVICE_KINDS as readonly string[]).includes(s.deviceKind)) {
      throw failure('create', `session ${s.id}`, `unknown device kind '${s.deviceKind}'`);
    }
    try {
      this.stmt(
        `INSERT INTO sessions (id, run, target, scenario, device, device_kind, capabilities, status, started_at, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      ).run(
        s.id,
        s.run,
        s.target,
        s.scenario,
        s.device,
        s.deviceKind,
        JSON.stringify(s.capabilities),
        s.startedAt ?? Date.now(),
        JSON.stringify(s.meta ?? {}),
      );
    } catch (err) {
      const reason = /UNIQUE/.test((err as Error).message)
        ? 'a session with this id exists'
        : (err as Error).message;
      throw failure('create', `session ${s.id}`, reason, undefined, err);
    }
  }

  /** Ends a session; its queued rows are committed first so the status never claims more than is stored. */
  finishSession(id: string, status: SessionStatus, reason?: string): void {
    checkStatus(status, SESSION_STATUSES, `session ${id}`);
    this.writer.commit();
    const res = this.stmt('UPDATE sessions SET status = ?, reason = ?, ended_at = ? WHERE id = ?').run(
      status,
      reason ?? null,
      Date.now(),
      id,
    );
    if (res.changes === 0) throw failure('finish', `session ${id}`, 'no such session');
  }

  /** Changes a finished session's verdict (re-analysis) without moving its end time. */
  setSessionStatus(id: string, status: SessionStatus): void {
    checkStatus(status, SESSION_STATUSES, `session ${id}`);
    const res = this.stmt('UPDATE sessions SET status = ? WHERE id = ?').run(status, id);
    if (res.changes === 0) throw failure('update', `session ${id}`, 'no such session');
  }

  getSession(id: string): StoredSession | undefined {
    const row = this.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return row && rowToSession(row);
  }

  /** Newest first. */
  listSessions(filter: { run?: string; status?: SessionStatus; limit?: number } = {}): StoredSession[] {
    const w = new Where().add('run = ?', filter.run).add('status = ?', filter.status);
    const sql = `SELECT * FROM sessions ${w.sql} ORDER BY started_at DESC, sk DESC ${limit(w, filter.limit)}`;
    return (this.stmt(sql).all(...w.params) as SessionRow[]).map(rowToSession);
  }

  setSessionIdentity(session: string, identity: Identity): void {
    const parsed = identitySchema.safeParse(identity);
    if (!parsed.success) {
      throw failure('store', `identity of session ${session}`, parsed.error.issues[0]?.message ?? 'invalid');
    }
    this.stmt('INSERT OR REPLACE INTO session_identity (sk, identity) VALUES (?, ?)').run(
      this.sk(session),
      JSON.stringify(parsed.data),
    );
  }

  getSessionIdentity(session: string): Identity | null {
    const row = this.stmt('SELECT identity FROM session_identity WHERE sk = ?').get(this.sk(session)) as
      { identity: string } | undefined;
    return row ? identitySchema.parse(JSON.parse(row.identity)) : null;
  }

  // ---- timeline queries ----

  events(session: string, filter: EventFilter = {}): StoredEvent[] {
    return [...this.iterateEvents(session, filter)];
  }

  /** Streams a session's events in time order without loading them all (millions of rows). */
  iterateEvents(session: string, filter: EventFilter = {}): IterableIterator<StoredEvent> {
    this.commitQuietly();
    const w = new Where()
      .add('sk = ?', this.sk(session))
      .add('source = ?', filter.source)
      .add('type = ?', filter.type)
      .add('t >= ?', filter.fromT)
      .add('t <= ?', filter.toT);
    const sql = `SELECT id, t, wall, source, type, data FROM events ${w.sql} ORDER BY t, id ${limit(w, filter.limit)}`;
    // A fresh statement: a cached one could not be iterated twice at once.
    const rows = this.db.prepare(sql).iterate(...w.params) as IterableIterator<EventRow>;
    return mapIterator(rows, (r) => rowToEvent(session, r));
  }

  /**
   * Streams one type's events as unparsed tuples, for readers that parse (or skip) the JSON themselves.
   * A row whose data equals `known[i]` (compared by SQLite, byte for byte) comes back as the number `i`:
   * a hook-heavy session repeats a few payloads hundreds of thousands of times, and those rows then never
   * become JavaScript strings. Order: by `t`, events at the same `t` in insertion order — which is id
   * order for rows appended by the writer, but not guaranteed for every import; callers that need (t, id)
   * must check. Leaving out the `ORDER BY t, id` of iterateEvents saves SQLite a sort of the whole result.
   */
  iterateEventData(
    session: string,
    type: string,
    known: readonly string[] = [],
  ): IterableIterator<EventTuple | KnownEventTuple> {
    this.commitQuietly();
    const data = known.length
      ? `CASE data ${known.map((_, i) => `WHEN ? THEN ${i}`).join(' ')} ELSE data END`
      : 'data';
    // A fresh statement: a cached one could not be iterated twice at once.
    return this.db
      .prepare(`SELECT id, t, ${data} FROM events WHERE sk = ? AND type = ?`)
      .raw()
      .iterate(...known, this.sk(session), type) as IterableIterator<EventTuple | KnownEventTuple>;
  }

  /**
   * The data texts that repeat among the first `sample` events of a type, most frequent first (at most
   * `max`): what iterateEventData's `known` should list.
   */
  repeatedEventData(session: string, type: string, sample = 2000, max = 16): string[] {
    this.commitQuietly();
    const rows = this.stmt('SELECT data FROM events WHERE sk = ? AND type = ? LIMIT ?')
      .pluck()
      .all(this.sk(session), type, sample) as string[];
    const counts = new Map<string, number>();
    for (const d of rows) counts.set(d, (counts.get(d) ?? 0) + 1);
    return [...counts.entries()]
      .filter(([, n]) => n > 1)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, max)
      .map(([d]) => d);
  }

  event(session: string, id: number): StoredEvent | undefined {
    this.commitQuietly();
    const row = this.stmt('SELECT id, t, wall, source, type, data FROM events WHERE sk = ? AND id = ?').get(
      this.sk(session),
      id,
    ) as EventRow | undefined;
    return row && rowToEvent(session, row);
  }

  /** One flow by its id (a finding's evidence names the flow's event; the read model maps it to this id). */
  flow(session: string, id: number): StoredFlow | undefined {
    this.commitQuietly();
    const row = this.stmt('SELECT * FROM flows WHERE sk = ? AND id = ?').get(this.sk(session), id) as
      FlowRow | undefined;
    return row && rowToFlow(session, row);
  }

  flows(session: string, filter: { host?: string } = {}): StoredFlow[] {
    this.commitQuietly();
    const sk = this.sk(session);
    if (filter.host !== undefined) {
      const rows = this.stmt('SELECT * FROM flows WHERE sk = ? AND host = ? ORDER BY t, id').all(
        sk,
        filter.host,
      ) as FlowRow[];
      return rows.map((r) => rowToFlow(session, r));
    }
    // Streamed in key order and sorted here, like flowSummaries: all() of every row of a long session made
    // SQLite sort whole rows and the garbage collector copy them.
    const out: StoredFlow[] = [];
    const rows = this.db
      .prepare('SELECT * FROM flows WHERE sk = ? ORDER BY id')
      .iterate(sk) as IterableIterator<FlowRow>;
    for (const r of rows) out.push(rowToFlow(session, r));
    return out.sort((a, b) => a.t - b.t || a.id - b.id);
  }

  /** Flows without bodies, timing and extras, in (t, id) order: what analysis reads. */
  flowSummaries(session: string): StoredFlowSummary[] {
    return [...this.iterateFlowSummaries(session)].sort((a, b) => a.t - b.t || a.id - b.id);
  }

  /**
   * Streams flow summaries in id (capture) order, which is nearly but not exactly time order. Streaming
   * matters: holding every raw row at once (`all()`) made the garbage collector copy them all, costing
   * more than reading them.
   */
  iterateFlowSummaries(session: string): IterableIterator<StoredFlowSummary> {
    this.commitQuietly();
    const rows = this.db
      .prepare(`SELECT ${FLOW_SUMMARY_COLUMNS} FROM flows WHERE sk = ? ORDER BY id`)
      .raw()
      .iterate(this.sk(session)) as IterableIterator<FlowSummaryTuple>;
    return mapIterator(rows, (r) => tupleToFlowSummary(session, r));
  }

  apiCalls(
    session: string,
    filter: { api?: string; category?: string } = {},
  ): (StoredEvent & { data: ApiCallData })[] {
    this.commitQuietly();
    const w = new Where()
      .add('a.sk = ?', this.sk(session))
      .add('a.api = ?', filter.api)
      .add('a.category = ?', filter.category);
    const sql = `SELECT e.id, e.t, e.wall, e.source, e.type, e.data FROM api_calls a
      JOIN events e ON e.sk = a.sk AND e.id = a.event_id ${w.sql} ORDER BY a.t, a.event_id`;
    return (this.stmt(sql).all(...w.params) as EventRow[]).map(
      (r) => rowToEvent(session, r) as StoredEvent & { data: ApiCallData },
    );
  }

  uiSnapshots(session: string): StoredUiSnapshot[] {
    this.commitQuietly();
    const rows = this.stmt('SELECT * FROM ui_snapshots WHERE sk = ? ORDER BY t, event_id').all(
      this.sk(session),
    ) as UiSnapshotRow[];
    return rows.map((r) => rowToUiSnapshot(session, r));
  }

  /** Replaces a session's findings (analysis is re-runnable); ids are 1..n in the given order. */
  replaceFindings(session: string, findings: NewFinding[]): void {
    const sk = this.sk(session);
    for (const f of findings) {
      if (f.session !== session) {
        throw failure('store', `findings of session ${session}`, `a finding names session ${f.session}`);
      }
    }
    this.commitQuietly();
    const del = this.stmt('DELETE FROM findings WHERE sk = ?');
    const ins = this.stmt(
      `INSERT INTO findings (sk, id, rule, severity, status, title, explanation, clauses, evidence, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      del.run(sk);
      findings.forEach((f, i) =>
        ins.run(
          sk,
          i + 1,
          f.rule,
          f.severity,
          f.status,
          f.title,
          f.explanation,
          JSON.stringify(f.clauses),
          JSON.stringify(f.evidence),
          JSON.stringify(f.data ?? {}),
        ),
      );
    })();
  }

  findings(session: string): StoredFinding[] {
    const rows = this.stmt('SELECT * FROM findings WHERE sk = ? ORDER BY id').all(
      this.sk(session),
    ) as FindingRow[];
    return rows.map((r) => rowToFinding(session, r));
  }

  counts(session: string): SessionCounts {
    this.commitQuietly();
    const sk = this.sk(session);
    const bySource = this.stmt('SELECT source, count(*) AS n FROM events WHERE sk = ? GROUP BY source').all(
      sk,
    ) as {
      source: EventSource;
      n: number;
    }[];
    const count = (table: string): number =>
      (this.stmt(`SELECT count(*) AS n FROM ${table} WHERE sk = ?`).get(sk) as { n: number }).n;
    const eventsBySource: SessionCounts['eventsBySource'] = {};
    for (const r of bySource) eventsBySource[r.source] = r.n;
    return {
      eventsBySource,
      events: bySource.reduce((a, r) => a + r.n, 0),
      flows: count('flows'),
      apiCalls: count('api_calls'),
      uiSnapshots: count('ui_snapshots'),
      findings: count('findings'),
    };
  }

  // ---- blobs ----

  readBlob(hash: string): Buffer {
    return this.blobs.read(hash);
  }

  hasBlob(hash: string): boolean {
    return this.blobs.has(hash);
  }

  // ---- lifecycle ----

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Commits what is queued and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.close();
    this.closed = true;
    process.off('exit', this.commitOnExit);
    releaseOwnership(this.db, this.dataDir);
    // SQLite's advice for long-lived connections: refresh planner statistics where they are stale, bounded
    // by analysis_limit so that closing a store of millions of rows stays fast.
    this.db.pragma('analysis_limit = 1000');
    this.db.pragma('optimize');
    this.db.close();
    this.blobs.close();
  }

  /** Internal key of a session; throws a clear error for an unknown id. */
  sk(session: string): number {
    const cached = this.skCache.get(session);
    if (cached !== undefined) return cached;
    const row = this.stmt('SELECT sk FROM sessions WHERE id = ?').get(session) as { sk: number } | undefined;
    if (!row) {
      throw failure(
        'find',
        `session ${session}`,
        'no such session',
        'List sessions with `appwarden sessions list`.',
      );
    }
    this.skCache.set(session, row.sk);
    return row.sk;
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Reads see appended rows; a failing commit was already logged and reported by the writer. */
  private commitQuietly(): void {
    try {
      this.writer.commit();
    } catch (err) {
      log.debug({ err }, 'reading committed rows only: the pending commit failed');
    }
  }
}

function checkId(id: string, kind: string): void {
  if (!ID_PATTERN.test(id)) {
    throw failure(
      'create',
      `${kind} '${id.slice(0, 80)}'`,
      `an id is 1-128 letters, digits, '.', '_', ':', '-'`,
    );
  }
}

function checkStatus(status: string, allowed: readonly string[], what: string): void {
  if (!allowed.includes(status)) {
    throw failure('finish', what, `unknown status '${status}' (expected ${allowed.join(', ')})`);
  }
}

/** A WHERE clause from optional filters: a condition is added only when its value is given. */
class Where {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(condition: string, value: unknown): this {
    if (value !== undefined) {
      this.parts.push(condition);
      this.params.push(value);
    }
    return this;
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

function limit(w: Where, n: number | undefined): string {
  if (n === undefined) return '';
  w.params.push(n);
  return 'LIMIT ?';
}

function* mapIterator<A, B>(it: IterableIterator<A>, f: (a: A) => B): IterableIterator<B> {
  for (const a of it) yield f(a);
}
