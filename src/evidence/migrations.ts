/**
 * The evidence schema as numbered migrations. Migration N takes a database from `user_version` N-1 to N.
 * Never edit a released migration: add the next one, and a fixture database of the previous version to
 * test it against (STYLE.md 11).
 *
 * Conventions:
 * - `sk` is an internal integer key of a session (sessions.sk). Rows carry it instead of the session id
 *   string so that indexes on millions of rows stay small; it never leaves the database.
 * - Event, flow and finding ids are numbered per session (1, 2, 3 … within a session). They are what
 *   findings cite, so they must survive export → import unchanged; global ids would collide on import.
 * - JSON columns hold `JSON.stringify` text. No CHECK constraints on timeline tables: the writer validates
 *   rows when they are appended, so that one bad row can never make a whole batch fail at commit.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, sessions, identity, events, flows, api calls, ui snapshots, findings',
    sql: `
      CREATE TABLE runs (
        id          TEXT PRIMARY KEY,
        suite       TEXT,
        status      TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        meta        TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE sessions (
        sk           INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        run          TEXT NOT NULL,
        target       TEXT NOT NULL,
        scenario     TEXT NOT NULL,
        device       TEXT NOT NULL,
        device_kind  TEXT NOT NULL,
        capabilities TEXT NOT NULL,
        status       TEXT NOT NULL,
        reason       TEXT,
        started_at   INTEGER NOT NULL,
        ended_at     INTEGER,
        meta         TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX sessions_run ON sessions (run, started_at);
      CREATE INDEX sessions_status ON sessions (status);
      CREATE TABLE session_identity (
        sk       INTEGER PRIMARY KEY,
        identity TEXT NOT NULL
      );
      CREATE TABLE events (
        sk     INTEGER NOT NULL,
        id     INTEGER NOT NULL,
        t      REAL NOT NULL,
        wall   INTEGER NOT NULL,
        source TEXT NOT NULL,
        type   TEXT NOT NULL,
        data   TEXT NOT NULL
      );
      CREATE UNIQUE INDEX events_id ON events (sk, id);
      CREATE INDEX events_t ON events (sk, t);
      CREATE INDEX events_source_t ON events (sk, source, t);
      CREATE INDEX events_type_t ON events (sk, type, t);
      CREATE TABLE flows (
        sk               INTEGER NOT NULL,
        id               INTEGER NOT NULL,
        event_id         INTEGER NOT NULL,
        t                REAL NOT NULL,
        wall             INTEGER NOT NULL,
        method           TEXT NOT NULL,
        url              TEXT NOT NULL,
        host             TEXT NOT NULL,
        port             INTEGER NOT NULL,
        scheme           TEXT NOT NULL,
        http_version     TEXT,
        status           INTEGER,
        request_headers  TEXT NOT NULL,
        response_headers TEXT NOT NULL,
        request_body     TEXT,
        response_body    TEXT,
        timing           TEXT NOT NULL,
        tls              TEXT,
        error            TEXT,
        matches          TEXT NOT NULL,
        extra            TEXT,
        PRIMARY KEY (sk, id)
      );
      CREATE INDEX flows_host ON flows (sk, host, t);
      CREATE TABLE api_calls (
        sk       INTEGER NOT NULL,
        event_id INTEGER NOT NULL,
        t        REAL NOT NULL,
        api      TEXT NOT NULL,
        category TEXT NOT NULL,
        sdk      TEXT,
        PRIMARY KEY (sk, event_id)
      );
      CREATE INDEX api_calls_api ON api_calls (sk, api, t);
      CREATE INDEX api_calls_category ON api_calls (sk, category, t);
      CREATE TABLE ui_snapshots (
        sk         INTEGER NOT NULL,
        event_id   INTEGER NOT NULL,
        t          REAL NOT NULL,
        package    TEXT,
        activity   TEXT,
        source     TEXT,
        screenshot TEXT,
        meta       TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (sk, event_id)
      );
      CREATE TABLE findings (
        sk          INTEGER NOT NULL,
        id          INTEGER NOT NULL,
        rule        TEXT NOT NULL,
        severity    TEXT NOT NULL,
        status      TEXT NOT NULL,
        title       TEXT NOT NULL,
        explanation TEXT NOT NULL,
        clauses     TEXT NOT NULL,
        evidence    TEXT NOT NULL,
        data        TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (sk, id)
      );
      CREATE INDEX findings_rule ON findings (sk, rule);
    `,
  },
];

/** The schema version this appwarden writes. */
export const SCHEMA_VERSION: number = MIGRATIONS.length;

/** Tables that hold one session's rows, keyed by `sk` (what a bundle carries besides the run row). */
export const SESSION_TABLES = [
  'session_identity',
  'events',
  'flows',
  'api_calls',
  'ui_snapshots',
  'findings',
] as const;

/** 'APPW': marks a SQLite file as an appwarden evidence store (PRAGMA application_id). */
export const APPLICATION_ID = 0x41505057;
