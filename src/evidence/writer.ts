import type { Statement } from 'better-sqlite3';
import { failure, type AppwardenError } from '../errors.ts';
import { log } from '../log.ts';
import type { BlobStore } from './blobs.ts';
import type { Db } from './db.ts';
import {
  EVENT_SOURCES,
  type ApiCallData,
  type BlobHash,
  type EvidenceWriter,
  type NewEvent,
  type NewFlow,
  type NewUiSnapshot,
} from './types.ts';

export interface BatchOptions {
  /** Commit as soon as this many rows are queued (default 1,000). */
  maxRows?: number;
  /** Commit rows at the latest this long after the first of them was queued (default 50 ms). */
  maxDelayMs?: number;
  /**
   * While commits fail, rows wait in memory for a retry up to this many; beyond it appends throw, so a
   * broken disk stops the producers instead of eating the host's memory (default 100,000).
   */
  maxQueuedRows?: number;
  /** Called with every failed commit (after it is logged), e.g. to record an error on the run. */
  onError?: (err: AppwardenError) => void;
}

export interface WriterStats {
  committedRows: number;
  batches: number;
  failedCommits: number;
  queuedRows: number;
}

interface Cursor {
  sk: number;
  nextEvent: number;
  nextFlow: number;
}

interface Op {
  stmt: Statement;
  params: unknown[];
}

const SOURCES = new Set<string>(EVENT_SOURCES);

function json(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    throw failure(
      'append',
      what,
      `data is not JSON-serialisable (${(err as Error).message})`,
      undefined,
      err,
    );
  }
}

function jsonOrNull(value: unknown, what: string): string | null {
  return value === undefined || value === null ? null : json(value, what);
}

function requireFinite(n: unknown, field: string, what: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw failure('append', what, `'${field}' must be a finite number, got ${String(n)}`);
  }
  return n;
}

function requireString(s: unknown, field: string, what: string): string {
  if (typeof s !== 'string' || s === '') {
    throw failure('append', what, `'${field}' must be a non-empty string`);
  }
  return s;
}

/**
 * The batching writer every probe appends through. Appends validate and serialise the row at once and
 * assign its id synchronously (ids are numbered per session); rows are committed together in one
 * transaction when `maxRows` are queued or `maxDelayMs` after the first, whichever comes first.
 *
 * Back-pressure is by construction: the append that fills a batch commits it before returning, so a
 * producer that outruns SQLite waits inside `append*` and the queue never holds more than one batch.
 * A failing commit keeps its rows, is logged and reported through `onError` and `flush()`, and is retried;
 * nothing is dropped silently.
 */
export class BatchingWriter implements EvidenceWriter {
  private queue: Op[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly cursors = new Map<string, Cursor>();
  private retryAt = 0;
  private failures = 0;
  private lastError: AppwardenError | null = null;
  private closed = false;
  private committedRows = 0;
  private batches = 0;
  /** A commit is waiting for background blob writes that its rows name (see `commitSoon`). */
  private waitingForBlobs = false;
  private readonly pendingSources = new Set<() => Promise<void>>();

  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly maxQueuedRows: number;
  private readonly onError: ((err: AppwardenError) => void) | undefined;

  private readonly insEvent: Statement;
  private readonly insFlow: Statement;
  private readonly insApi: Statement;
  private readonly insUi: Statement;
  private readonly findSession: Statement<[string], { sk: number }>;
  private readonly maxEvent: Statement<[number], { n: number | null }>;
  private readonly maxFlow: Statement<[number], { n: number | null }>;
  private readonly runBatch: (ops: Op[]) => void;

  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    opts: BatchOptions = {},
  ) {
    this.maxRows = opts.maxRows ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 50;
    this.maxQueuedRows = Math.max(opts.maxQueuedRows ?? 100_000, this.maxRows);
    this.onError = opts.onError;
    this.insEvent = db.prepare(
      'INSERT INTO events (sk, id, t, wall, source, type, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insFlow = db.prepare(
      `INSERT INTO flows (sk, id, event_id, t, wall, method, url, host, port, scheme, http_version, status,
         request_headers, response_headers, request_body, response_body, timing, tls, error, matches, extra)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insApi = db.prepare(
      'INSERT INTO api_calls (sk, event_id, t, api, category, sdk) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insUi = db.prepare(
      `INSERT INTO ui_snapshots (sk, event_id, t, package, activity, source, screenshot, meta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.findSession = db.prepare('SELECT sk FROM sessions WHERE id = ?');
    this.maxEvent = db.prepare('SELECT max(id) AS n FROM events WHERE sk = ?');
    this.maxFlow = db.prepare('SELECT max(id) AS n FROM flows WHERE sk = ?');
    this.runBatch = db.transaction((ops: Op[]) => {
      for (const op of ops) op.stmt.run(op.params);
    });
  }

  appendEvent(e: NewEvent): number {
    const what = `event to session ${e.session}`;
    const c = this.cursor(e.session, what);
    const t = requireFinite(e.t, 't', what);
    if (!SOURCES.has(e.source)) {
      throw failure(
        'append',
        what,
        `unknown source '${String(e.source)}' (expected ${EVENT_SOURCES.join(', ')})`,
      );
    }
    const type = requireString(e.type, 'type', what);
    const data = json(e.data, what);
    const wall = e.wall === undefined ? Date.now() : requireFinite(e.wall, 'wall', what);
    const id = c.nextEvent;
    this.enqueue([{ stmt: this.insEvent, params: [c.sk, id, t, wall, e.source, type, data] }]);
    c.nextEvent++;
    return id;
  }

  appendFlow(f: NewFlow): { flowId: number; eventId: number } {
    const what = `flow to session ${f.session}`;
    const c = this.cursor(f.session, what);
    const t = requireFinite(f.t, 't', what);
    const wall = f.wall === undefined ? Date.now() : requireFinite(f.wall, 'wall', what);
    const method = requireString(f.method, 'method', what);
    const url = requireString(f.url, 'url', what);
    const host = requireString(f.host, 'host', what);
    const port = requireFinite(f.port, 'port', what);
    const flowId = c.nextFlow;
    const eventId = c.nextEvent;
    const summary = {
      flowId,
      method,
      url,
      host,
      status: f.status ?? null,
      tls: f.tls,
      matches: f.matches.length,
      ...(f.error ? { error: f.error } : {}),
    };
    this.enqueue([
      {
        stmt: this.insFlow,
        params: [
          c.sk,
          flowId,
          eventId,
          t,
          wall,
          method,
          url,
          host,
          port,
          f.scheme,
          f.httpVersion ?? null,
          f.status ?? null,
          json(f.requestHeaders, what),
          json(f.responseHeaders, what),
          jsonOrNull(f.requestBody, what),
          jsonOrNull(f.responseBody, what),
          json(f.timing, what),
          f.tls ?? null,
          f.error ?? null,
          json(f.matches, what),
          jsonOrNull(f.extra, what),
        ],
      },
      { stmt: this.insEvent, params: [c.sk, eventId, t, wall, 'net', 'flow', json(summary, what)] },
    ]);
    c.nextFlow++;
    c.nextEvent++;
    return { flowId, eventId };
  }

  appendApiCall(session: string, t: number, call: ApiCallData, wall?: number): number {
    const what = `API call to session ${session}`;
    const c = this.cursor(session, what);
    requireFinite(t, 't', what);
    const api = requireString(call.api, 'api', what);
    const category = typeof call.category === 'string' ? call.category : '';
    const w = wall === undefined ? Date.now() : requireFinite(wall, 'wall', what);
    const id = c.nextEvent;
    this.enqueue([
      { stmt: this.insEvent, params: [c.sk, id, t, w, 'hook', 'api', json(call, what)] },
      { stmt: this.insApi, params: [c.sk, id, t, api, category, call.sdk ?? null] },
    ]);
    c.nextEvent++;
    return id;
  }

  appendUiSnapshot(s: NewUiSnapshot): number {
    const what = `UI snapshot to session ${s.session}`;
    const c = this.cursor(s.session, what);
    const t = requireFinite(s.t, 't', what);
    const id = c.nextEvent;
    const summary = { package: s.package, activity: s.activity, source: s.source, screenshot: s.screenshot };
    this.enqueue([
      {
        stmt: this.insUi,
        params: [c.sk, id, t, s.package, s.activity, s.source, s.screenshot, json(s.meta ?? {}, what)],
      },
      { stmt: this.insEvent, params: [c.sk, id, t, Date.now(), 'ui', 'ui', json(summary, what)] },
    ]);
    c.nextEvent++;
    return id;
  }

  putBlob(bytes: Uint8Array): BlobHash {
    return this.blobs.put(bytes);
  }

  /**
   * The data folder whose `blobs/` this writer stores into: another thread may put blobs there itself
   * (content-addressed, written before any row names them), e.g. the capture proxy's recording thread.
   */
  get blobDataDir(): string {
    return this.blobs.dataDir;
  }

  /**
   * As `putBlob`, but the file is written in the background (off the event loop); rows naming the
   * blob are committed only once it is on disk. For hot paths such as the capture proxy. The caller
   * must not change `bytes` afterwards.
   */
  putBlobSoon(bytes: Uint8Array): BlobHash {
    return this.blobs.putSoon(bytes);
  }

  /**
   * Registers a producer that holds rows back while it works on them elsewhere (the capture proxy's
   * recording thread): `flush()` waits for `drain` first, so a flush still covers everything produced
   * before it. Returns the function that unregisters it.
   */
  addPendingSource(drain: () => Promise<void>): () => void {
    this.pendingSources.add(drain);
    return () => this.pendingSources.delete(drain);
  }

  /**
   * Resolves when every row (and blob) appended so far — or held by a pending source — is committed;
   * rejects with the commit's error otherwise.
   */
  async flush(): Promise<void> {
    for (const drain of [...this.pendingSources]) await drain();
    await this.blobs.settled();
    this.commit();
  }

  /**
   * Commits what is queued now; throws if the commit fails (the rows stay queued for a retry). Blobs
   * still being written in the background are written synchronously first.
   */
  commit(): void {
    if (this.queue.length === 0) {
      // No rows, but blobs handed to putBlobSoon must still be in place when this returns.
      this.blobs.writePendingSync(true);
      return;
    }
    this.commitRows(this.queue.length, true);
  }

  /** Commits the first `count` queued rows; the blobs they may name must be in place first. */
  private commitRows(count: number, includeRunningBlobs: boolean): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (count === 0) {
      if (this.queue.length > 0) this.schedule(this.maxDelayMs);
      return;
    }
    const batch = count >= this.queue.length ? this.queue : this.queue.slice(0, count);
    this.queue = batch === this.queue ? [] : this.queue.slice(count);
    try {
      this.blobs.writePendingSync(includeRunningBlobs);
      this.runBatch(batch);
    } catch (err) {
      this.queue = batch.concat(this.queue);
      this.failures++;
      // Back off so that a broken disk is not hammered by every append; the timer retries.
      this.retryAt = Date.now() + Math.min(5000, this.maxDelayMs * 2 ** Math.min(this.failures, 8));
      const e = failure(
        'commit',
        `${batch.length} evidence rows`,
        (err as Error).message,
        'They stay queued and are retried; check the data folder (free space, permissions).',
        err,
      );
      this.lastError = e;
      log.error({ err, rows: batch.length, failures: this.failures }, 'evidence commit failed');
      this.onError?.(e);
      this.schedule(this.retryAt - Date.now());
      throw e;
    }
    this.failures = 0;
    this.retryAt = 0;
    this.lastError = null;
    this.committedRows += batch.length;
    this.batches++;
    if (this.queue.length > 0) this.schedule(this.maxDelayMs);
  }

  /**
   * Commits from the event loop (a full batch, the timer). While background blob writes run, it waits
   * for those started so far and then commits only the rows queued so far: a row names only blobs put
   * before it was appended, so nothing committed can point at a missing file.
   */
  private commitSoon(): void {
    if (this.waitingForBlobs) return;
    const tryCommit = (count: number) => {
      try {
        this.commitRows(count, false);
      } catch (err) {
        // Already logged and reported through onError; the rows stay queued and the timer retries.
        log.debug({ err }, 'commit failed; rows kept for retry');
      }
    };
    if (this.blobs.writesInFlight === 0) return tryCommit(this.queue.length);
    const last = this.queue[this.queue.length - 1];
    this.waitingForBlobs = true;
    void this.blobs.settled().then(() => {
      this.waitingForBlobs = false;
      // A synchronous commit (flush, close) may have taken these rows meanwhile: then commit none.
      const upTo = last === undefined ? -1 : this.queue.indexOf(last);
      tryCommit(upTo + 1);
    });
  }

  stats(): WriterStats {
    return {
      committedRows: this.committedRows,
      batches: this.batches,
      failedCommits: this.failures,
      queuedRows: this.queue.length,
    };
  }

  /** The error of the last commit if it failed and has not succeeded since. */
  get error(): AppwardenError | null {
    return this.lastError;
  }

  /** Commits what is left and refuses further appends. */
  close(): void {
    this.commit();
    this.closed = true;
  }

  /** Forget cached id counters (after rows were written by something other than this writer). */
  forgetSession(session: string): void {
    this.cursors.delete(session);
  }

  private cursor(session: string, what: string): Cursor {
    if (this.closed) throw failure('append', what, 'the evidence store is closed');
    const cached = this.cursors.get(session);
    if (cached) return cached;
    const row = this.findSession.get(session);
    if (!row) {
      throw failure('append', what, 'no such session', 'Create it with store.createSession() first.');
    }
    // Counters continue after what is committed; rows queued but lost in a crash are never referenced.
    const c: Cursor = {
      sk: row.sk,
      nextEvent: (this.maxEvent.get(row.sk)?.n ?? 0) + 1,
      nextFlow: (this.maxFlow.get(row.sk)?.n ?? 0) + 1,
    };
    this.cursors.set(session, c);
    return c;
  }

  private enqueue(ops: Op[]): void {
    if (this.queue.length + ops.length > this.maxQueuedRows) {
      throw failure(
        'append',
        'evidence row',
        `${this.queue.length} rows are waiting because commits fail (${this.lastError?.message ?? 'unknown'})`,
        'Fix the data folder; the run cannot record evidence.',
        this.lastError ?? undefined,
      );
    }
    for (const op of ops) this.queue.push(op);
    if (this.queue.length >= this.maxRows && Date.now() >= this.retryAt) {
      this.commitSoon();
    } else if (!this.timer) {
      this.schedule(this.maxDelayMs);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.commitSoon();
      },
      Math.max(0, delayMs),
    );
  }
}
