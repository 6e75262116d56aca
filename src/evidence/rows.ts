/** SQLite rows ⇄ the typed records of types.ts. JSON columns were written by the store itself. */
import type {
  EventSource,
  NewFinding,
  RunStatus,
  SessionStatus,
  DeviceKind,
  StoredEvent,
  StoredFinding,
  StoredFlow,
  StoredRun,
  StoredSession,
  StoredUiSnapshot,
} from './types.ts';

export interface RunRow {
  id: string;
  suite: string | null;
  status: string;
  started_at: number;
  ended_at: number | null;
  meta: string;
}

export interface SessionRow {
  sk: number;
  id: string;
  run: string;
  target: string;
  scenario: string;
  device: string;
  device_kind: string;
  capabilities: string;
  status: string;
  reason: string | null;
  started_at: number;
  ended_at: number | null;
  meta: string;
}

export interface EventRow {
  id: number;
  t: number;
  wall: number;
  source: string;
  type: string;
  data: string;
}

export interface FlowRow {
  sk: number;
  id: number;
  event_id: number;
  t: number;
  wall: number;
  method: string;
  url: string;
  host: string;
  port: number;
  scheme: string;
  http_version: string | null;
  status: number | null;
  request_headers: string;
  response_headers: string;
  request_body: string | null;
  response_body: string | null;
  timing: string;
  tls: string | null;
  error: string | null;
  matches: string;
  extra: string | null;
}

export interface UiSnapshotRow {
  sk: number;
  event_id: number;
  t: number;
  package: string | null;
  activity: string | null;
  source: string | null;
  screenshot: string | null;
  meta: string;
}

export interface FindingRow {
  sk: number;
  id: number;
  rule: string;
  severity: string;
  status: string;
  title: string;
  explanation: string;
  clauses: string;
  evidence: string;
  data: string;
}

export function rowToRun(r: RunRow): StoredRun {
  return {
    id: r.id,
    suite: r.suite,
    status: r.status as RunStatus,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  };
}

export function rowToSession(r: SessionRow): StoredSession {
  return {
    id: r.id,
    run: r.run,
    target: r.target,
    scenario: r.scenario,
    device: r.device,
    deviceKind: r.device_kind as DeviceKind,
    capabilities: JSON.parse(r.capabilities) as string[],
    status: r.status as SessionStatus,
    reason: r.reason,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  };
}

export function rowToEvent(session: string, r: EventRow): StoredEvent {
  return {
    id: r.id,
    session,
    t: r.t,
    wall: r.wall,
    source: r.source as EventSource,
    type: r.type,
    data: JSON.parse(r.data) as unknown,
  };
}

export function rowToFlow(session: string, r: FlowRow): StoredFlow {
  const flow: StoredFlow = {
    id: r.id,
    eventId: r.event_id,
    session,
    t: r.t,
    wall: r.wall,
    method: r.method,
    url: r.url,
    host: r.host,
    port: r.port,
    scheme: r.scheme as StoredFlow['scheme'],
    requestHeaders: JSON.parse(r.request_headers) as StoredFlow['requestHeaders'],
    responseHeaders: JSON.parse(r.response_headers) as StoredFlow['responseHeaders'],
    requestBody: r.request_body === null ? null : (JSON.parse(r.request_body) as StoredFlow['requestBody']),
    responseBody:
      r.response_body === null ? null : (JSON.parse(r.response_body) as StoredFlow['responseBody']),
    timing: JSON.parse(r.timing) as StoredFlow['timing'],
    tls: r.tls as StoredFlow['tls'],
    matches: JSON.parse(r.matches) as StoredFlow['matches'],
  };
  if (r.http_version !== null) flow.httpVersion = r.http_version;
  if (r.status !== null) flow.status = r.status;
  if (r.error !== null) flow.error = r.error;
  if (r.extra !== null) flow.extra = JSON.parse(r.extra) as Record<string, unknown>;
  return flow;
}

/**
 * A flow without its bodies, timing and extras: what analysis reads. Bodies can be megabytes per flow and
 * a long session holds tens of thousands of flows, so rules never load them.
 */
export type StoredFlowSummary = Omit<StoredFlow, 'requestBody' | 'responseBody' | 'timing' | 'extra'>;

/**
 * The SELECT list of a flow summary, read as a raw tuple in this order: better-sqlite3 builds a row object
 * property by property, which costs more than the whole rest of reading tens of thousands of flows.
 */
export const FLOW_SUMMARY_COLUMNS =
  'id, event_id, t, wall, method, url, host, port, scheme, http_version, status, request_headers, response_headers, tls, error, matches';

export type FlowSummaryTuple = [
  id: number,
  eventId: number,
  t: number,
  wall: number,
  method: string,
  url: string,
  host: string,
  port: number,
  scheme: string,
  httpVersion: string | null,
  status: number | null,
  requestHeaders: string,
  responseHeaders: string,
  tls: string | null,
  error: string | null,
  matches: string,
];

export function tupleToFlowSummary(session: string, r: FlowSummaryTuple): StoredFlowSummary {
  const [
    id,
    eventId,
    t,
    wall,
    method,
    url,
    host,
    port,
    scheme,
    httpVersion,
    status,
    reqH,
    resH,
    tls,
    error,
    m,
  ] = r;
  const flow: StoredFlowSummary = {
    id,
    eventId,
    session,
    t,
    wall,
    method,
    url,
    host,
    port,
    scheme: scheme as StoredFlow['scheme'],
    requestHeaders: JSON.parse(reqH) as StoredFlow['requestHeaders'],
    responseHeaders: JSON.parse(resH) as StoredFlow['responseHeaders'],
    tls: tls as StoredFlow['tls'],
    matches: JSON.parse(m) as StoredFlow['matches'],
  };
  if (httpVersion !== null) flow.httpVersion = httpVersion;
  if (status !== null) flow.status = status;
  if (error !== null) flow.error = error;
  return flow;
}

export function rowToUiSnapshot(session: string, r: UiSnapshotRow): StoredUiSnapshot {
  return {
    eventId: r.event_id,
    session,
    t: r.t,
    package: r.package,
    activity: r.activity,
    source: r.source,
    screenshot: r.screenshot,
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  };
}

export function rowToFinding(session: string, r: FindingRow): StoredFinding {
  return {
    id: r.id,
    session,
    rule: r.rule,
    severity: r.severity as NewFinding['severity'],
    status: r.status as NewFinding['status'],
    title: r.title,
    explanation: r.explanation,
    clauses: JSON.parse(r.clauses) as string[],
    evidence: JSON.parse(r.evidence) as number[],
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}
