/**
 * The read model rules get: one session's stored timeline, reduced to what rules read, in time order.
 * Built from stored rows only (never live probe objects), so a session analysed live and the same session
 * re-analysed from an imported bundle give the same findings.
 *
 * Sessions can hold millions of hook events, so API calls are kept compact: stacks and data lists are
 * interned (SDKs call from a handful of stacks), and arguments/return values are kept only for the
 * categories whose rules inspect them.
 */
import type { Identity } from '../config/identity.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type {
  ApiCallData,
  DeviceKind,
  Match,
  MarkerData,
  StoredEvent,
  StoredFlow,
  StoredSession,
  StoredUiSnapshot,
  TlsOutcome,
} from '../evidence/types.ts';
import { failure } from '../errors.ts';
import { log } from '../log.ts';
import {
  consentDialogSchema,
  foregroundSchema,
  permissionStateSchema,
  probeUnavailableSchema,
  processEventSchema,
  UI_EVENT_TYPES,
  windowEventSchema,
  type ConsentDialogEvent,
  type ForegroundEvent,
  type PermissionStateEvent,
  type ProcessEvent,
  type WindowEvent,
} from './ui-events.ts';

export interface EvSession {
  id: string;
  run: string;
  target: string;
  scenario: string;
  deviceKind: DeviceKind;
  capabilities: string[];
  meta: Record<string, unknown>;
  /** The app under test: `meta.package`, else the target when it looks like a package name. */
  appPackage: string | null;
  /** R8 app category from the suite (`meta.category`), as given. */
  category: string | null;
  /** Registrable domains the app's operator owns (`meta.firstPartyDomains`). */
  firstPartyDomains: string[];
  /** SDKs the privacy policy lists (`meta.policySdks`: organisation ids), if the suite provides them. */
  policySdks: string[] | null;
}

export interface EvMarker {
  id: number;
  t: number;
  name: string;
  arg: string | null;
  detail: Record<string, unknown>;
}

export interface EvApiCall {
  id: number;
  t: number;
  api: string;
  category: string;
  data: readonly string[];
  stack: readonly string[];
  sdk: string | null;
  fg: boolean;
  process: string;
  /** Kept only for categories whose rules read them (see KEEP_VALUES); otherwise null. */
  args: unknown[] | null;
  ret: unknown;
  /** The call returned null/undefined or threw: still an attempt (RULES.md §3 (2)). */
  retNull: boolean;
  /** Coalesced identical calls: their session times; null for a single call at `t` (saves an array per call). */
  times: readonly number[] | null;
}

export interface EvFlow {
  /** The `flow` event id (what findings cite). */
  id: number;
  flowId: number;
  t: number;
  method: string;
  url: string;
  host: string;
  scheme: string;
  status: number | null;
  tls: TlsOutcome | null;
  matches: Match[];
  requestContentType: string | null;
  responseContentType: string | null;
  error: string | null;
}

export interface EvItem<T> {
  id: number;
  t: number;
  data: T;
}

export interface EvSnapshot {
  id: number;
  t: number;
  package: string | null;
  activity: string | null;
  screenshot: string | null;
}

export type Probe = 'hooks' | 'traffic' | 'ui';

export interface EvProbeGap {
  id: number;
  t: number;
  probe: Probe;
  reason: string;
}

export interface SessionEvidence {
  session: EvSession;
  identity: Identity | null;
  /** Largest time of the events, flows and snapshots read: how long the session was observed. */
  endT: number;
  eventCount: number;
  markers: EvMarker[];
  apiCalls: EvApiCall[];
  flows: EvFlow[];
  windows: EvItem<WindowEvent>[];
  consentDialogs: EvItem<ConsentDialogEvent>[];
  foregrounds: EvItem<ForegroundEvent>[];
  processStarts: EvItem<ProcessEvent>[];
  processDeaths: EvItem<ProcessEvent>[];
  permissionStates: EvItem<PermissionStateEvent>[];
  snapshots: EvSnapshot[];
  probeGaps: EvProbeGap[];
  /** UI events that did not parse, by type (reported in not-evaluated reasons, never guessed at). */
  malformed: Record<string, number>;
}

/** Categories whose arguments or return values some rule reads. */
const KEEP_VALUES = new Set([
  'installed-apps',
  'permission-request',
  'associated-start',
  'download',
  'consent-storage',
  'sensor',
  'clipboard',
  'scheduling',
]);

const PACKAGE_NAME = /^[A-Za-z][\w]*(\.[A-Za-z_][\w]*)+$/;

export function sessionInfo(
  s: Pick<StoredSession, 'id' | 'run' | 'target' | 'scenario' | 'deviceKind' | 'capabilities' | 'meta'>,
): EvSession {
  const meta = s.meta ?? {};
  const pkg = typeof meta.package === 'string' ? meta.package : PACKAGE_NAME.test(s.target) ? s.target : null;
  const strings = (v: unknown): string[] | null =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : null;
  return {
    id: s.id,
    run: s.run,
    target: s.target,
    scenario: s.scenario,
    deviceKind: s.deviceKind,
    capabilities: [...s.capabilities],
    meta,
    appPackage: pkg,
    category: typeof meta.category === 'string' && meta.category.trim() ? meta.category.trim() : null,
    firstPartyDomains: strings(meta.firstPartyDomains) ?? [],
    policySdks: strings(meta.policySdks),
  };
}

/**
 * Builds the read model from stored rows. Events of one type must come in (t, id) order (the store's
 * order); different types may come one after the other. `eventCount` counts the events read.
 */
export function buildSessionEvidence(
  session: EvSession,
  events: Iterable<StoredEvent>,
  flows: readonly StoredFlow[],
  snapshots: readonly StoredUiSnapshot[],
  identity: Identity | null,
): SessionEvidence {
  const ev: SessionEvidence = {
    session,
    identity,
    eventCount: 0,
    markers: [],
    apiCalls: [],
    flows: [],
    windows: [],
    consentDialogs: [],
    foregrounds: [],
    processStarts: [],
    processDeaths: [],
    permissionStates: [],
    endT: snapshots.reduce((m, s) => Math.max(m, s.t), 0),
    snapshots: snapshots.map((s) => ({
      id: s.eventId,
      t: s.t,
      package: s.package,
      activity: s.activity,
      screenshot: s.screenshot,
    })),
    probeGaps: [],
    malformed: {},
  };
  // Interned by (length, last element), then compared element-wise: a hit allocates nothing (a session
  // repeats a handful of stacks hundreds of thousands of times; stacks share their first, hooked frame).
  const interned = new Map<number, Map<unknown, (readonly string[])[]>>();
  const intern = (list: unknown): readonly string[] => {
    if (!Array.isArray(list) || list.length === 0) return EMPTY;
    let byLast = interned.get(list.length);
    if (!byLast) interned.set(list.length, (byLast = new Map()));
    const last: unknown = list[list.length - 1];
    const bucket = byLast.get(last);
    if (bucket) {
      for (const cand of bucket) if (cand.every((x, i) => x === list[i])) return cand;
    }
    const strs = Object.freeze(list.map(String));
    if (bucket) bucket.push(strs);
    else byLast.set(last, [strs]);
    return strs;
  };
  const names = new Map<string, string>();
  const name = (s: string): string => {
    let hit = names.get(s);
    if (hit === undefined) names.set(s, (hit = s));
    return hit;
  };
  const bad = (type: string, why: string, id: number): void => {
    ev.malformed[type] = (ev.malformed[type] ?? 0) + 1;
    log.debug({ type, id, why }, 'analysis: ignoring malformed event');
  };
  const parse = <T>(
    schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } };
    },
    e: StoredEvent,
    into: EvItem<T>[],
  ): void => {
    const r = schema.safeParse(e.data);
    if (r.success) into.push({ id: e.id, t: e.t, data: r.data });
    else bad(e.type, r.error.message, e.id);
  };

  for (const e of events) {
    ev.eventCount++;
    if (e.t > ev.endT) ev.endT = e.t;
    switch (e.type) {
      case 'marker': {
        const d = e.data as Partial<MarkerData> | null;
        if (!d || typeof d.name !== 'string') {
          bad('marker', 'no name', e.id);
          break;
        }
        ev.markers.push({
          id: e.id,
          t: e.t,
          name: d.name,
          arg: typeof d.arg === 'string' ? d.arg : null,
          detail: d.detail && typeof d.detail === 'object' ? d.detail : {},
        });
        break;
      }
      case 'api': {
        const d = e.data as Partial<ApiCallData> | null;
        if (!d || typeof d.api !== 'string') {
          bad('api', 'no api', e.id);
          break;
        }
        const category = name(typeof d.category === 'string' ? d.category : '');
        const keep = KEEP_VALUES.has(category);
        const times = Array.isArray(d.times) ? d.times.filter(isFiniteNumber) : null;
        ev.apiCalls.push({
          id: e.id,
          t: e.t,
          api: name(d.api),
          category,
          data: intern(d.data),
          stack: intern(d.stack),
          sdk: typeof d.sdk === 'string' ? name(d.sdk) : null,
          fg: d.fg !== false,
          process: name(typeof d.process === 'string' ? d.process : ''),
          args: keep && Array.isArray(d.args) ? d.args : null,
          ret: keep ? d.ret : undefined,
          retNull: d.ret === null || d.ret === undefined,
          times: times && times.length > 0 ? times : null,
        });
        break;
      }
      case UI_EVENT_TYPES.window:
        parse(windowEventSchema, e, ev.windows);
        break;
      case UI_EVENT_TYPES.consentDialog:
        parse(consentDialogSchema, e, ev.consentDialogs);
        break;
      case UI_EVENT_TYPES.foreground:
        parse(foregroundSchema, e, ev.foregrounds);
        break;
      case UI_EVENT_TYPES.processStart:
        parse(processEventSchema, e, ev.processStarts);
        break;
      case UI_EVENT_TYPES.processDied:
        parse(processEventSchema, e, ev.processDeaths);
        break;
      case UI_EVENT_TYPES.permissionState:
        parse(permissionStateSchema, e, ev.permissionStates);
        break;
      case UI_EVENT_TYPES.hooksUnavailable:
      case UI_EVENT_TYPES.trafficUnavailable:
      case UI_EVENT_TYPES.uiUnavailable: {
        const r = probeUnavailableSchema.safeParse(e.data ?? {});
        const probe = e.type.slice(0, e.type.indexOf('-')) as Probe;
        ev.probeGaps.push({
          id: e.id,
          t: e.t,
          probe,
          reason: r.success ? r.data.reason : 'no reason recorded',
        });
        break;
      }
      default:
        break;
    }
  }
  addFlows(ev, flows);
  return ev;
}

/** Adds stored flows (reduced to what rules read) to the read model, keeping it in time order. */
export function addFlows(ev: SessionEvidence, flows: readonly StoredFlow[]): void {
  for (const f of flows) {
    ev.flows.push({
      id: f.eventId,
      flowId: f.id,
      t: f.t,
      method: f.method,
      url: f.url,
      host: f.host.toLowerCase(),
      scheme: f.scheme,
      status: f.status ?? null,
      tls: f.tls ?? null,
      matches: Array.isArray(f.matches) ? f.matches : [],
      requestContentType: header(f.requestHeaders, 'content-type'),
      responseContentType: header(f.responseHeaders, 'content-type'),
      error: f.error ?? null,
    });
    if (f.t > ev.endT) ev.endT = f.t;
  }
  ev.flows.sort((a, b) => a.t - b.t || a.id - b.id);
}

/** Loads one stored session's evidence (streams the timeline; the store is only read). */
export function loadSessionEvidence(store: EvidenceStore, sessionId: string): SessionEvidence {
  const s = store.getSession(sessionId);
  if (!s) {
    throw failure(
      'load',
      `session ${sessionId}`,
      'no such session',
      'List sessions with `appwarden sessions list`.',
    );
  }
  const ev = buildSessionEvidence(
    sessionInfo(s),
    eventsRulesRead(store, sessionId),
    [],
    store.uiSnapshots(sessionId),
    store.getSessionIdentity(sessionId),
  );
  // Full flow rows (headers, bodies) are loaded only after the events, so both are never alive at once.
  addFlows(ev, store.flows(sessionId));
  return ev;
}

/** Event types the read model keeps; everything else (flow pointers, logcat lines, raw UI events) is skipped. */
export const READ_TYPES: readonly string[] = ['marker', 'api', ...Object.values(UI_EVENT_TYPES)];

/**
 * Streams only the event types rules read, type by type (each in time order, which is all the read model
 * needs): a session's bulk of logcat lines and flow pointers is never parsed.
 */
function* eventsRulesRead(store: EvidenceStore, session: string): Generator<StoredEvent> {
  for (const type of READ_TYPES) yield* store.iterateEvents(session, { type });
}

const EMPTY: readonly string[] = Object.freeze([]);

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function header(headers: unknown, wanted: string): string | null {
  if (!Array.isArray(headers)) return null;
  for (const h of headers) {
    if (
      Array.isArray(h) &&
      typeof h[0] === 'string' &&
      h[0].toLowerCase() === wanted &&
      typeof h[1] === 'string'
    ) {
      return h[1].toLowerCase();
    }
  }
  return null;
}
