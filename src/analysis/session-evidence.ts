/**
 * The read model rules get: one session's stored timeline, reduced to what rules read, in time order.
 * Built from stored rows only (never live probe objects), so a session analysed live and the same session
 * re-analysed from an imported bundle give the same findings.
 *
 * Sessions can hold millions of hook events, so API calls are kept compact: identical stored payloads are
 * parsed once and shared (a call is its id, time and a pointer to the payload), stacks and data lists are
 * interned (SDKs call from a handful of stacks), and arguments/return values are kept only for the
 * categories whose rules inspect them. Flows are read without their bodies.
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
  crashEventSchema,
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

/** The stored flow fields the read model keeps (a full flow row or a summary without bodies). */
export type FlowFields = Pick<
  StoredFlow,
  | 'id'
  | 'eventId'
  | 't'
  | 'method'
  | 'url'
  | 'host'
  | 'scheme'
  | 'status'
  | 'tls'
  | 'matches'
  | 'requestHeaders'
  | 'responseHeaders'
  | 'error'
>;

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
 * Builds the read model from stored rows. Events may come in any order (each list is put in (t, id) order
 * at the end); `eventCount` counts the events read.
 */
export function buildSessionEvidence(
  session: EvSession,
  events: Iterable<StoredEvent>,
  flows: readonly FlowFields[],
  snapshots: readonly StoredUiSnapshot[],
  identity: Identity | null,
): SessionEvidence {
  const b = new EvidenceBuilder(session, snapshots, identity);
  for (const e of events) b.event(e.id, e.t, e.type, e.data);
  addFlows(b.ev, flows);
  return b.finish();
}

/** The payload of an API call: everything but its id and time (shared by identical calls). */
type ApiPayload = Omit<EvApiCall, 'id' | 't'>;

/**
 * Distinct payload texts remembered while loading. A session repeats a handful of calls hundreds of
 * thousands of times; remembering more would only hold the texts of one-off calls in memory.
 */
const PAYLOAD_CACHE_LIMIT = 20_000;

/**
 * An API call of the read model: its own id and time, everything else read through from the payload it
 * shares with identical calls. Three fields instead of thirteen: a session's million calls take a third
 * of the memory, and the garbage collector copies a third as much while they are loaded.
 */
class ApiCallRecord implements EvApiCall {
  constructor(
    readonly id: number,
    readonly t: number,
    private readonly p: ApiPayload,
  ) {}
  get api(): string {
    return this.p.api;
  }
  get category(): string {
    return this.p.category;
  }
  get data(): readonly string[] {
    return this.p.data;
  }
  get stack(): readonly string[] {
    return this.p.stack;
  }
  get sdk(): string | null {
    return this.p.sdk;
  }
  get fg(): boolean {
    return this.p.fg;
  }
  get process(): string {
    return this.p.process;
  }
  get args(): unknown[] | null {
    return this.p.args;
  }
  get ret(): unknown {
    return this.p.ret;
  }
  get retNull(): boolean {
    return this.p.retNull;
  }
  get times(): readonly number[] | null {
    return this.p.times;
  }
}

/** Accumulates one session's read model from stored events (parsed, or as JSON text for API calls). */
class EvidenceBuilder {
  readonly ev: SessionEvidence;
  // Interned by (length, last element), then compared element-wise: a hit allocates nothing (a session
  // repeats a handful of stacks hundreds of thousands of times; stacks share their first, hooked frame).
  private readonly interned = new Map<number, Map<unknown, (readonly string[])[]>>();
  private readonly names = new Map<string, string>();
  /** API payload JSON text → what it reduces to (a string: why it is malformed). Identical texts parse identically. */
  private readonly payloads = new Map<string, ApiPayload | string>();

  constructor(session: EvSession, snapshots: readonly StoredUiSnapshot[], identity: Identity | null) {
    this.ev = {
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
  }

  /**
   * One API call from its stored JSON text. Identical texts (the bulk of a hook-heavy session) are parsed
   * once: the call shares the payload's interned strings and lists and costs one small object.
   */
  apiJson(id: number, t: number, json: string): void {
    this.api(id, t, this.payloadOf(json));
  }

  /** One API call whose payload was already reduced (payloadOf): a malformed one is counted as such. */
  api(id: number, t: number, p: ApiPayload | string): void {
    const ev = this.ev;
    ev.eventCount++;
    if (t > ev.endT) ev.endT = t;
    if (typeof p === 'string') this.bad('api', p, id);
    else this.pushApi(id, t, p);
  }

  /** What a stored API payload text reduces to, or why it is malformed; identical texts parse once. */
  payloadOf(json: string): ApiPayload | string {
    let p = this.payloads.get(json);
    if (p === undefined) {
      let d: unknown;
      try {
        d = JSON.parse(json);
      } catch (err) {
        return `unparseable JSON (${(err as Error).message})`;
      }
      p = this.apiPayload(d) ?? 'no api';
      if (this.payloads.size < PAYLOAD_CACHE_LIMIT) this.payloads.set(json, p);
    }
    return p;
  }

  /** One stored event whose data is already parsed. */
  event(id: number, t: number, type: string, data: unknown): void {
    const ev = this.ev;
    ev.eventCount++;
    if (t > ev.endT) ev.endT = t;
    switch (type) {
      case 'marker': {
        const d = data as Partial<MarkerData> | null;
        if (!d || typeof d.name !== 'string') {
          this.bad('marker', 'no name', id);
          break;
        }
        ev.markers.push({
          id,
          t,
          name: d.name,
          arg: typeof d.arg === 'string' ? d.arg : null,
          detail: d.detail && typeof d.detail === 'object' ? d.detail : {},
        });
        break;
      }
      case 'api': {
        const p = this.apiPayload(data);
        if (p === null) this.bad('api', 'no api', id);
        else this.pushApi(id, t, p);
        break;
      }
      case UI_EVENT_TYPES.window:
        this.parse(windowEventSchema, id, t, type, data, ev.windows);
        break;
      case UI_EVENT_TYPES.consentDialog:
        this.parse(consentDialogSchema, id, t, type, data, ev.consentDialogs);
        break;
      case UI_EVENT_TYPES.foreground:
        this.parse(foregroundSchema, id, t, type, data, ev.foregrounds);
        break;
      case UI_EVENT_TYPES.processStart:
        this.parse(processEventSchema, id, t, type, data, ev.processStarts);
        break;
      case UI_EVENT_TYPES.processDied:
        this.parse(processEventSchema, id, t, type, data, ev.processDeaths);
        break;
      case UI_EVENT_TYPES.appCrash:
        this.parse(crashEventSchema, id, t, type, data, ev.processDeaths);
        break;
      case UI_EVENT_TYPES.permissionState:
        this.parse(permissionStateSchema, id, t, type, data, ev.permissionStates);
        break;
      case UI_EVENT_TYPES.hooksUnavailable:
      case UI_EVENT_TYPES.trafficUnavailable:
      case UI_EVENT_TYPES.uiUnavailable: {
        const r = probeUnavailableSchema.safeParse(data ?? {});
        const probe = type.slice(0, type.indexOf('-')) as Probe;
        ev.probeGaps.push({ id, t, probe, reason: r.success ? r.data.reason : 'no reason recorded' });
        break;
      }
      default:
        break;
    }
  }

  /** The read model with every event list in (t, id) order (rules binary-search them). */
  finish(): SessionEvidence {
    const ev = this.ev;
    for (const list of [
      ev.markers,
      ev.apiCalls,
      ev.windows,
      ev.consentDialogs,
      ev.foregrounds,
      ev.processStarts,
      ev.processDeaths,
      ev.permissionStates,
      ev.probeGaps,
    ] as { id: number; t: number }[][]) {
      if (!inTimeOrder(list)) list.sort(byTimeThenId);
    }
    return ev;
  }

  private apiPayload(data: unknown): ApiPayload | null {
    const d = data as Partial<ApiCallData> | null;
    if (!d || typeof d.api !== 'string') return null;
    const category = this.name(typeof d.category === 'string' ? d.category : '');
    const keep = KEEP_VALUES.has(category);
    const times = Array.isArray(d.times) ? d.times.filter(isFiniteNumber) : null;
    return {
      api: this.name(d.api),
      category,
      data: this.intern(d.data),
      stack: this.intern(d.stack),
      sdk: typeof d.sdk === 'string' ? this.name(d.sdk) : null,
      fg: d.fg !== false,
      process: this.name(typeof d.process === 'string' ? d.process : ''),
      args: keep && Array.isArray(d.args) ? d.args : null,
      ret: keep ? d.ret : undefined,
      retNull: d.ret === null || d.ret === undefined,
      times: times && times.length > 0 ? times : null,
    };
  }

  private pushApi(id: number, t: number, p: ApiPayload): void {
    this.ev.apiCalls.push(new ApiCallRecord(id, t, p));
  }

  private intern(list: unknown): readonly string[] {
    if (!Array.isArray(list) || list.length === 0) return EMPTY;
    let byLast = this.interned.get(list.length);
    if (!byLast) this.interned.set(list.length, (byLast = new Map()));
    const last: unknown = list[list.length - 1];
    const bucket = byLast.get(last);
    if (bucket) {
      for (const cand of bucket) if (cand.every((x, i) => x === list[i])) return cand;
    }
    const strs = Object.freeze(list.map(String));
    if (bucket) bucket.push(strs);
    else byLast.set(last, [strs]);
    return strs;
  }

  private name(s: string): string {
    let hit = this.names.get(s);
    if (hit === undefined) this.names.set(s, (hit = s));
    return hit;
  }

  private bad(type: string, why: string, id: number): void {
    this.ev.malformed[type] = (this.ev.malformed[type] ?? 0) + 1;
    log.debug({ type, id, why }, 'analysis: ignoring malformed event');
  }

  private parse<T>(
    schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } };
    },
    id: number,
    t: number,
    type: string,
    data: unknown,
    into: EvItem<T>[],
  ): void {
    const r = schema.safeParse(data);
    if (r.success) into.push({ id, t, data: r.data });
    else this.bad(type, r.error.message, id);
  }
}

function inTimeOrder(list: readonly { id: number; t: number }[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (byTimeThenId(list[i - 1] as { id: number; t: number }, list[i] as { id: number; t: number }) > 0)
      return false;
  }
  return true;
}

function byTimeThenId(a: { id: number; t: number }, b: { id: number; t: number }): number {
  return a.t - b.t || a.id - b.id;
}

/** Adds stored flows (reduced to what rules read) to the read model, keeping it in time order. */
export function addFlows(ev: SessionEvidence, flows: Iterable<FlowFields>): void {
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

/**
 * Loads one stored session's evidence (the store is only read). Lean reads: event JSON is parsed only for
 * the types rules read (API calls once per distinct payload text), flows come without bodies.
 */
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
  const b = new EvidenceBuilder(
    sessionInfo(s),
    store.uiSnapshots(sessionId),
    store.getSessionIdentity(sessionId),
  );
  for (const type of READ_TYPES) {
    if (type === 'api') {
      const known = store.repeatedEventData(sessionId, type);
      const payloads = known.map((json) => b.payloadOf(json));
      for (const [id, t, data] of store.iterateEventData(sessionId, type, known)) {
        if (typeof data === 'number') b.api(id, t, payloads[data] as ApiPayload | string);
        else b.apiJson(id, t, data);
      }
    } else {
      for (const [id, t, json] of store.iterateEventData(sessionId, type)) {
        b.event(id, t, type, parseData(json as string));
      }
    }
  }
  addFlows(b.ev, store.iterateFlowSummaries(sessionId));
  return b.finish();
}

/** Event types the read model keeps; everything else (flow pointers, logcat lines, raw UI events) is skipped. */
export const READ_TYPES: readonly string[] = ['marker', 'api', ...Object.values(UI_EVENT_TYPES)];

/** Event data as stored; text that is not JSON reads as null, which every parser above counts as malformed. */
function parseData(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    log.debug({ err }, 'analysis: event data is not JSON');
    return null;
  }
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
