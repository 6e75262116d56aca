/**
 * The contracts of DESIGN.md ("Contracts") as types. Every probe writes through `EvidenceWriter`;
 * rules and reports read stored rows only.
 */

export const EVENT_SOURCES = ['journey', 'ui', 'hook', 'net', 'device'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const SESSION_STATUSES = ['running', 'passed', 'findings', 'error', 'aborted', 'incomplete'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const RUN_STATUSES = ['running', 'passed', 'findings', 'error', 'aborted', 'incomplete'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const DEVICE_KINDS = ['adb', 'emulator', 'sim'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** sha256 of a blob, lower-case hex (64 chars). */
export type BlobHash = string;

/** An event as a probe hands it in. `t` = ms since session start on the host monotonic clock. */
export interface NewEvent {
  session: string;
  t: number;
  /** Wall-clock epoch ms; defaults to Date.now() when written. */
  wall?: number;
  source: EventSource;
  type: string;
  data: unknown;
}

export interface StoredEvent {
  id: number;
  session: string;
  t: number;
  wall: number;
  source: EventSource;
  type: string;
  data: unknown;
}

export const MARKERS = [
  'LAUNCH',
  'POLICY_SHOWN',
  'POLICY_ACCEPTED',
  'POLICY_REFUSED',
  'PERM_PROMPT',
  'PERM_GRANTED',
  'PERM_DENIED',
  'TAP',
  'BG',
  'FG',
  'SCREEN_OFF',
  'SHAKE',
  'FORCE_STOP',
  'WITHDRAW',
  'DELETE_ACCOUNT',
] as const;
export type MarkerName = (typeof MARKERS)[number];

/** data of an event with type `marker` (source `journey`, or `ui` when detected unaided). */
export interface MarkerData {
  name: MarkerName | string;
  /** The permission for PERM_*, the shake profile for SHAKE, the node for TAP … */
  arg?: string;
  detail?: Record<string, unknown>;
}

/** data of an event with type `api` (source `hook`). */
export interface ApiCallData {
  api: string;
  category: string;
  data: string[];
  args: unknown[];
  ret: unknown;
  stack: string[];
  sdk: string | null;
  process: string;
  thread: string;
  fg: boolean;
  /** Coalesced identical calls: how many, and a bounded list of their session times. */
  count?: number;
  times?: number[];
}

/**
 * data of an event with type `crash` or `anr` (source `device`), from the logcat probe: an app's Java
 * crash (`AndroidRuntime: FATAL EXCEPTION`), native crash (libc `Fatal signal` + the DEBUG tombstone) or
 * ANR (`ActivityManager: ANR in <pkg>`). A crash is a scenario result, never an infrastructure failure.
 */
export interface AppFaultData {
  kind: 'crash' | 'anr';
  /** A native (signal) crash rather than an uncaught Java exception. */
  native: boolean;
  package: string | null;
  pid: number | null;
  /** Device wall clock of the first line, epoch ms (null when the log format carries no usable time). */
  deviceTime: number | null;
  /** One line: the exception (`java.lang.X: msg`), the signal, or the ANR reason. */
  summary: string;
  /** Stack frames (`at …`, `#00 pc …`) and `Caused by:` lines, in order. */
  stack: string[];
  /** Every logcat line of the record as the device printed it. */
  text: string;
}

export const TLS_OUTCOMES = ['intercepted', 'passthrough', 'client-rejected-ca', 'upstream-error'] as const;
export type TlsOutcome = (typeof TLS_OUTCOMES)[number];

export const MATCH_WHERE = ['url', 'query', 'header', 'cookie', 'body'] as const;
export type MatchWhere = (typeof MATCH_WHERE)[number];

/** One piece of the device's personal data found in a flow. */
export interface Match {
  /** Identity field, e.g. `imei`, `wifiMac`, `location`, `contacts`. */
  type: string;
  /** Encoding chain that revealed it, outermost first, e.g. `gzip>base64>json>md5-hex`; `plain` if none. */
  encoding: string;
  where: MatchWhere;
  /** JSON path, header name, query key or form field, where there is one. */
  path?: string;
  /** The variant that matched, as it appeared (for highlighting). */
  value?: string;
}

export interface BodyRecord {
  /** Raw bytes as on the wire (capped). */
  raw: BlobHash | null;
  /** Decoded copy (dechunked, decompressed) when different from raw. */
  decoded: BlobHash | null;
  /** Bytes seen on the wire in total (may exceed what was captured). */
  size: number;
  /** Bytes captured into `raw`. */
  captured: number;
  truncated: boolean;
  contentEncoding?: string;
  /** Why the decoded copy is missing or partial (e.g. `decompression bomb: ratio > 100`). */
  decodeNote?: string;
}

export type Headers = [name: string, value: string][];

export interface NewFlow {
  session: string;
  t: number;
  wall?: number;
  method: string;
  url: string;
  host: string;
  port: number;
  scheme: 'http' | 'https' | 'ws' | 'wss' | 'tcp';
  httpVersion?: string;
  status?: number;
  requestHeaders: Headers;
  responseHeaders: Headers;
  requestBody: BodyRecord | null;
  responseBody: BodyRecord | null;
  /** ms relative to `t`: connect, send, wait, receive (HAR timings); -1 where unknown. */
  timing: { total: number; wait?: number; receive?: number; send?: number; connect?: number; ssl?: number };
  tls: TlsOutcome | null;
  error?: string;
  matches: Match[];
  /** WebSocket frames or opaque tunnel byte counts. */
  extra?: Record<string, unknown>;
}

export interface StoredFlow extends NewFlow {
  id: number;
  /** The `flow` event in the timeline that points at this row. */
  eventId: number;
  wall: number;
}

export interface NewRun {
  id: string;
  suite?: string;
  startedAt?: number;
  meta?: Record<string, unknown>;
}

export interface NewSession {
  id: string;
  run: string;
  target: string;
  scenario: string;
  device: string;
  deviceKind: DeviceKind;
  capabilities: string[];
  startedAt?: number;
  meta?: Record<string, unknown>;
}

export interface StoredSession extends Required<Omit<NewSession, 'meta'>> {
  meta: Record<string, unknown>;
  status: SessionStatus;
  reason: string | null;
  endedAt: number | null;
}

export interface NewUiSnapshot {
  session: string;
  t: number;
  package: string | null;
  activity: string | null;
  source: BlobHash | null;
  screenshot: BlobHash | null;
  meta?: Record<string, unknown>;
}

export interface NewFinding {
  session: string;
  rule: string;
  severity: 'C' | 'H' | 'M' | 'L';
  /** `violation` or `not-evaluated` (with the reason in `explanation`). */
  status: 'violation' | 'not-evaluated';
  title: string;
  explanation: string;
  clauses: string[];
  evidence: number[];
  data?: Record<string, unknown>;
}

/**
 * What probes write through. Ids are assigned synchronously when a row is appended (so a probe can
 * link to an event at once); the row itself is committed by the batching writer within ~50 ms.
 */
export interface EvidenceWriter {
  appendEvent(e: NewEvent): number;
  /** Stores the flow row and a `flow` event pointing at it; returns both ids. */
  appendFlow(f: NewFlow): { flowId: number; eventId: number };
  /** Stores an `api` event plus its row in the API-calls table. */
  appendApiCall(session: string, t: number, call: ApiCallData, wall?: number): number;
  /** Stores a `ui` snapshot row plus a `ui` event; returns the event id. */
  appendUiSnapshot(s: NewUiSnapshot): number;
  /** Content-addressed, deduplicated; written to disk before it returns. */
  putBlob(bytes: Uint8Array): BlobHash;
  flush(): Promise<void>;
}

/* Read side of the store (src/evidence/store.ts). Event, flow and finding ids are numbered per session. */

export interface StoredRun {
  id: string;
  suite: string | null;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  meta: Record<string, unknown>;
}

export interface StoredUiSnapshot extends Omit<NewUiSnapshot, 'meta'> {
  /** The `ui` event in the timeline for this snapshot. */
  eventId: number;
  meta: Record<string, unknown>;
}

export interface StoredFinding extends Required<Omit<NewFinding, 'data'>> {
  /** 1..n within the session, in the order the findings were stored. */
  id: number;
  data: Record<string, unknown>;
}

/** What `appwarden sessions show` prints besides the session row. */
export interface SessionCounts {
  eventsBySource: Partial<Record<EventSource, number>>;
  events: number;
  flows: number;
  apiCalls: number;
  uiSnapshots: number;
  findings: number;
}
