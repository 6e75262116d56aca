/**
 * The report view model: everything a renderer shows about a session or run, built once from the
 * stored evidence and findings (never from live objects, DESIGN.md). Renderers (HTML, JSON, JUnit,
 * SARIF) only format it. Values here are raw app data; escaping is the HTML renderer's job.
 */
import { Correlation } from '../analysis/correlation.ts';
import { DEFAULT_PHASE_PARAMS, derivePhases } from '../analysis/phases.ts';
import { Derived } from '../analysis/rules/common.ts';
import { RULES } from '../analysis/rules/index.ts';
import { isPi, piLabel } from '../analysis/rules/pi-set.ts';
import { SEVERITIES, type Severity } from '../analysis/rules/types.ts';
import { isDisabledRecord } from '../config/rules.ts';
import { loadSessionEvidence, type SessionEvidence } from '../analysis/session-evidence.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type { StoredFinding, StoredFlow, StoredRun, StoredSession } from '../evidence/types.ts';
import { UsageError } from '../errors.ts';
import { buildTimeline, type TimelineView } from './timeline.ts';

export const REPORT_FORMAT_VERSION = 1;

/** Evidence shown with a finding: the first ones it cites (a finding may cite up to 50). */
export const MAX_EVIDENCE_SHOWN = 8;
/**
 * Findings per rule whose evidence is resolved (and shown in full in the HTML): a rule that fires
 * thousands of times in a long session is proven by its first ones; the rest are listed by id.
 */
export const MAX_FINDINGS_WITH_EVIDENCE = 20;
/** Request bodies are shown as an excerpt around the match. */
export const MAX_BODY_CHARS = 64 * 1024;

/** `disabled`: the rules settings of the analysis turned the rule off (it neither passed nor lacked evidence). */
export type RuleOutcome = 'violation' | 'not-evaluated' | 'disabled' | 'passed' | 'not-analysed';

export interface RuleView {
  id: string;
  title: string;
  severity: Severity;
  /** RULES.md source keys. */
  clauses: string[];
  outcome: RuleOutcome;
  /** Finding ids of this rule in this session. */
  findings: number[];
  /** For not-evaluated and disabled: why. */
  reasons: string[];
}

export interface FindingView {
  id: number;
  rule: string;
  severity: Severity;
  status: 'violation' | 'not-evaluated';
  title: string;
  explanation: string;
  clauses: string[];
  /** Event ids that prove it, as the rule cited them. */
  evidence: number[];
  /** Stable across runs: rule × the violation's key (what `diff` matches on with target and scenario). */
  signature: string;
  data: Record<string, unknown>;
}

export type EvidenceView =
  | {
      kind: 'api';
      id: number;
      t: number;
      api: string;
      category: string;
      data: string[];
      stack: string[];
      sdk: string | null;
      /** Who made the call per the analysis' attribution ("Umeng (Alibaba)", "the app"). */
      collector: string | null;
      fg: boolean;
      count: number;
    }
  | {
      kind: 'flow';
      id: number;
      t: number;
      method: string;
      url: string;
      host: string;
      status: number | null;
      tls: string | null;
      error: string | null;
      matches: {
        type: string;
        label: string;
        encoding: string;
        where: string;
        path: string | null;
        value: string | null;
      }[];
      requestHeaders: [string, string][];
      /** Request body as text (decoded copy when there is one), at most MAX_BODY_CHARS; null if none. */
      requestBody: string | null;
      bodyNote: string | null;
      destination: { domain: string; organisation: string | null; firstParty: boolean };
    }
  | { kind: 'marker'; id: number; t: number; name: string; arg: string | null }
  | {
      kind: 'ui';
      id: number;
      t: number;
      package: string | null;
      activity: string | null;
      screenshot: string | null;
    }
  | { kind: 'other'; id: number; t: number; source: string; type: string; summary: string };

export interface SdkView {
  id: string;
  name: string;
  country: string | null;
  category: string | null;
  /** PI types it read (by API), with how many reads and the first time. */
  reads: { type: string; label: string; count: number; firstT: number; apis: string[] }[];
  /** Where PI it read (or PI sent to its domains) went. */
  sentTo: { domain: string; types: string[]; flows: number; firstT: number }[];
}

export interface ScreenView {
  eventId: number;
  t: number;
  activity: string | null;
  /** Blob hash of the screenshot. */
  screenshot: string;
}

export interface SessionView {
  session: {
    id: string;
    run: string;
    target: string;
    scenario: string;
    device: string;
    deviceKind: string;
    capabilities: string[];
    status: string;
    reason: string | null;
    startedAt: number;
    endedAt: number | null;
    appPackage: string | null;
  };
  verdict: {
    /** `violations` when any violation is stored; `clean` only when analysed and nothing was found. */
    result: 'violations' | 'clean' | 'not-analysed';
    violations: number;
    notEvaluated: number;
    /** Rules the analysis' settings turned off. */
    disabled: number;
    bySeverity: Record<Severity, number>;
  };
  rules: RuleView[];
  findings: FindingView[];
  /** Cited evidence by event id (the first MAX_EVIDENCE_SHOWN of each finding). */
  evidence: Record<string, EvidenceView>;
  sdks: SdkView[];
  screens: ScreenView[];
  timeline: TimelineView;
  counts: { events: number; flows: number; apiCalls: number; uiSnapshots: number };
  /** Probes that were unavailable, with reasons (why rules are not evaluated). */
  probeGaps: { probe: string; reason: string; t: number }[];
}

export interface RunView {
  /** `status` is the infrastructure outcome (did every session run?), not the verdict: see `verdict`. */
  run: { id: string; suite: string | null; status: string; startedAt: number; endedAt: number | null } | null;
  /** What the rules found over all sessions, apart from whether the sessions ran. */
  verdict: RunVerdict;
  sessions: SessionView[];
}

export interface RunVerdict {
  /** `violations` if any session has one; `clean` when every session was analysed and none has; else `not-analysed`. */
  result: 'violations' | 'clean' | 'not-analysed';
  violations: number;
  bySeverity: Record<Severity, number>;
  sessionsWithViolations: number;
  notEvaluated: number;
}

/** The run-level verdict: violations by severity over the sessions. */
export function runVerdict(sessions: readonly SessionView[]): RunVerdict {
  const bySeverity: Record<Severity, number> = { C: 0, H: 0, M: 0, L: 0 };
  for (const s of sessions) for (const k of SEVERITIES) bySeverity[k] += s.verdict.bySeverity[k];
  const violations = sessions.reduce((n, s) => n + s.verdict.violations, 0);
  const analysed = sessions.length > 0 && sessions.every((s) => s.verdict.result !== 'not-analysed');
  return {
    result: violations > 0 ? 'violations' : analysed ? 'clean' : 'not-analysed',
    violations,
    bySeverity,
    sessionsWithViolations: sessions.filter((s) => s.verdict.violations > 0).length,
    notEvaluated: sessions.reduce((n, s) => n + s.verdict.notEvaluated, 0),
  };
}

/** The session, or every session of the run, an id names (sessions in id order). */
export function buildView(store: EvidenceStore, id: string): RunView {
  const session = store.getSession(id);
  if (session) {
    const sessions = [buildSessionView(store, session)];
    return { run: null, verdict: runVerdict(sessions), sessions };
  }
  const run = store.getRun(id);
  if (run) {
    const sessions = store
      .listSessions({ run: id })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((s) => buildSessionView(store, s));
    return { run: runHead(run), verdict: runVerdict(sessions), sessions };
  }
  throw new UsageError(
    `Failed to find session or run ${id}: no such id in ${store.dataDir}. List sessions with \`appwarden sessions list\`.`,
  );
}

function runHead(r: StoredRun): NonNullable<RunView['run']> {
  return { id: r.id, suite: r.suite, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt };
}

export function buildSessionView(store: EvidenceStore, s: StoredSession): SessionView {
  const ev = loadSessionEvidence(store, s.id);
  const derived = new Derived(ev);
  const correlation = new Correlation(derived);
  const all = store.findings(s.id);
  const analysed = all.length > 0 || s.status === 'passed' || s.status === 'findings';
  // Records of disabled rules are not findings: they only mark their rule `disabled`.
  const disabled = new Map(all.filter((f) => isDisabledRecord(f)).map((f) => [f.rule, f]));
  const stored = all.filter((f) => !isDisabledRecord(f));
  const findings = stored.map((f) => findingView(f));
  const counts = store.counts(s.id);
  const phases = derivePhases(ev.markers, ev.endT, DEFAULT_PHASE_PARAMS);
  const bySeverity: Record<Severity, number> = { C: 0, H: 0, M: 0, L: 0 };
  for (const f of findings) if (f.status === 'violation') bySeverity[f.severity]++;
  const violations = findings.filter((f) => f.status === 'violation').length;

  return {
    session: {
      id: s.id,
      run: s.run,
      target: s.target,
      scenario: s.scenario,
      device: s.device,
      deviceKind: s.deviceKind,
      capabilities: [...s.capabilities],
      status: s.status,
      reason: s.reason,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      appPackage: ev.session.appPackage,
    },
    verdict: {
      result: violations > 0 ? 'violations' : analysed ? 'clean' : 'not-analysed',
      violations,
      notEvaluated: findings.length - violations,
      disabled: disabled.size,
      bySeverity,
    },
    rules: ruleViews(findings, analysed, disabled),
    findings,
    evidence: evidenceViews(store, s.id, ev, derived, stored),
    sdks: sdkInventory(ev, derived, correlation),
    screens: ev.snapshots
      .filter((x): x is typeof x & { screenshot: string } => x.screenshot !== null)
      .map((x) => ({ eventId: x.id, t: x.t, activity: x.activity, screenshot: x.screenshot })),
    timeline: buildTimeline(ev, phases, findings, correlation),
    counts: {
      events: counts.events,
      flows: counts.flows,
      apiCalls: counts.apiCalls,
      uiSnapshots: counts.uiSnapshots,
    },
    probeGaps: ev.probeGaps.map((g) => ({ probe: g.probe, reason: g.reason, t: g.t })),
  };
}

/** rule × the violation's stable key (falls back to the sentence for findings stored without one). */
export function signatureOf(f: Pick<StoredFinding, 'rule' | 'status' | 'explanation' | 'data'>): string {
  const key = f.data.key;
  return `${f.rule}|${typeof key === 'string' ? key : f.status === 'violation' ? f.explanation : 'not-evaluated'}`;
}

function findingView(f: StoredFinding): FindingView {
  return {
    id: f.id,
    rule: f.rule,
    severity: f.severity,
    status: f.status,
    title: f.title,
    explanation: f.explanation,
    clauses: [...f.clauses],
    evidence: [...f.evidence],
    signature: signatureOf(f),
    data: f.data,
  };
}

/**
 * Every registered rule with its outcome in this session: a rule with no finding passed (if analysed
 * and not disabled by the analysis' settings).
 */
function ruleViews(
  findings: FindingView[],
  analysed: boolean,
  disabled: ReadonlyMap<string, StoredFinding>,
): RuleView[] {
  const byRule = new Map<string, FindingView[]>();
  for (const f of findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  const known = new Set(RULES.map((r) => r.id));
  const views: RuleView[] = RULES.map((r) => {
    const own = byRule.get(r.id) ?? [];
    const off = disabled.get(r.id);
    return {
      id: r.id,
      title: r.title,
      severity: r.severity,
      clauses: [...r.clauses],
      outcome: off && own.length === 0 ? 'disabled' : outcomeOf(own, analysed),
      findings: own.map((f) => f.id),
      reasons: off && own.length === 0 ? reasonsOf([findingView(off)]) : reasonsOf(own),
    };
  });
  // Findings of rules this version no longer has (an old bundle) are still reported.
  for (const [id, own] of byRule) {
    if (known.has(id)) continue;
    const first = own[0] as FindingView;
    views.push({
      id,
      title: first.title,
      severity: first.severity,
      clauses: first.clauses,
      outcome: outcomeOf(own, analysed),
      findings: own.map((f) => f.id),
      reasons: reasonsOf(own),
    });
  }
  return views;
}

function outcomeOf(own: FindingView[], analysed: boolean): RuleOutcome {
  if (own.some((f) => f.status === 'violation')) return 'violation';
  if (own.length > 0) return 'not-evaluated';
  return analysed ? 'passed' : 'not-analysed';
}

function reasonsOf(own: FindingView[]): string[] {
  return own
    .filter((f) => f.status === 'not-evaluated')
    .flatMap((f) => (Array.isArray(f.data.reasons) ? f.data.reasons.map(String) : [f.explanation]));
}

function evidenceViews(
  store: EvidenceStore,
  session: string,
  ev: SessionEvidence,
  derived: Derived,
  findings: StoredFinding[],
): Record<string, EvidenceView> {
  const wanted = new Set<number>();
  const perRule = new Map<string, number>();
  for (const f of findings) {
    const n = (perRule.get(f.rule) ?? 0) + 1;
    perRule.set(f.rule, n);
    if (n > MAX_FINDINGS_WITH_EVIDENCE) continue;
    for (const id of f.evidence.slice(0, MAX_EVIDENCE_SHOWN)) wanted.add(id);
  }
  const out: Record<string, EvidenceView> = {};
  if (wanted.size === 0) return out;
  const apis = new Map(ev.apiCalls.filter((c) => wanted.has(c.id)).map((c) => [c.id, c]));
  const snaps = new Map(ev.snapshots.filter((x) => wanted.has(x.id)).map((x) => [x.id, x]));
  const markers = new Map(ev.markers.filter((m) => wanted.has(m.id)).map((m) => [m.id, m]));
  const flowEvents = ev.flows.filter((f) => wanted.has(f.id));
  // Full flow rows (headers, bodies) only when a finding cites one: a big session has many flows.
  const fullFlows = new Map<number, StoredFlow>();
  for (const f of flowEvents) {
    const full = store.flow(session, f.flowId);
    if (full) fullFlows.set(f.id, full);
  }
  for (const id of [...wanted].sort((a, b) => a - b)) {
    const api = apis.get(id);
    if (api) {
      out[id] = {
        kind: 'api',
        id,
        t: api.t,
        api: api.api,
        category: api.category,
        data: [...api.data],
        stack: [...api.stack],
        sdk: api.sdk,
        collector: derived.collectorOf(api)?.name ?? null,
        fg: api.fg,
        count: api.times?.length ?? 1,
      };
      continue;
    }
    const flow = fullFlows.get(id);
    if (flow) {
      out[id] = flowView(store, id, flow, derived);
      continue;
    }
    const snap = snaps.get(id);
    if (snap) {
      out[id] = {
        kind: 'ui',
        id,
        t: snap.t,
        package: snap.package,
        activity: snap.activity,
        screenshot: snap.screenshot,
      };
      continue;
    }
    const marker = markers.get(id);
    if (marker) {
      out[id] = { kind: 'marker', id, t: marker.t, name: marker.name, arg: marker.arg };
      continue;
    }
    const e = store.event(session, id);
    if (e) {
      const summary = JSON.stringify(e.data) ?? '';
      out[id] = {
        kind: 'other',
        id,
        t: e.t,
        source: e.source,
        type: e.type,
        summary: summary.slice(0, 2048),
      };
    }
  }
  return out;
}

function flowView(store: EvidenceStore, id: number, f: StoredFlow, derived: Derived): EvidenceView {
  const dest = derived.destination(f.host);
  let requestBody: string | null = null;
  let bodyNote: string | null = null;
  const body = f.requestBody;
  const hash = body?.decoded ?? body?.raw ?? null;
  if (body && hash) {
    try {
      const bytes = store.readBlob(hash);
      requestBody = bytes.subarray(0, MAX_BODY_CHARS).toString('utf8');
      if (bytes.length > MAX_BODY_CHARS || body.truncated) {
        bodyNote = `showing ${Math.min(bytes.length, MAX_BODY_CHARS)} of ${body.size} bytes`;
      }
    } catch (err) {
      bodyNote = `the body could not be read: ${(err as Error).message}`;
    }
  }
  if (body?.decodeNote) bodyNote = [bodyNote, body.decodeNote].filter(Boolean).join('; ');
  return {
    kind: 'flow',
    id,
    t: f.t,
    method: f.method,
    url: f.url,
    host: f.host,
    status: f.status ?? null,
    tls: f.tls,
    error: f.error ?? null,
    matches: f.matches.map((m) => ({
      type: m.type,
      label: isPi(m.type) ? piLabel(m.type) : m.type,
      encoding: m.encoding,
      where: m.where,
      path: m.path ?? null,
      value: m.value ?? null,
    })),
    requestHeaders: f.requestHeaders.map(([k, v]) => [k, v]),
    requestBody,
    bodyNote,
    destination: { domain: dest.domain, organisation: dest.org?.name ?? null, firstParty: dest.firstParty },
  };
}

/** What each SDK read and where it sent it: attributed reads plus the correlation's read → flow links. */
function sdkInventory(ev: SessionEvidence, derived: Derived, correlation: Correlation): SdkView[] {
  const sdks = new Map<string, SdkView>();
  const get = (id: string, name: string, org: { country: string; category: string } | null): SdkView => {
    let v = sdks.get(id);
    if (!v) {
      v = { id, name, country: org?.country ?? null, category: org?.category ?? null, reads: [], sentTo: [] };
      sdks.set(id, v);
    }
    return v;
  };
  for (const call of ev.apiCalls) {
    const c = derived.collectorOf(call);
    if (!c || c.kind !== 'sdk') continue;
    const v = get(c.id, c.name, c.org);
    const n = call.times?.length ?? 1;
    for (const type of call.data) {
      let r = v.reads.find((x) => x.type === type);
      if (!r)
        v.reads.push(
          (r = { type, label: isPi(type) ? piLabel(type) : type, count: 0, firstT: call.t, apis: [] }),
        );
      r.count += n;
      if (!r.apis.includes(call.api) && r.apis.length < 5) r.apis.push(call.api);
    }
  }
  for (const link of correlation.links) {
    const who =
      link.reader?.kind === 'sdk'
        ? { id: link.reader.id, name: link.reader.name, org: link.reader.org }
        : link.destination.org
          ? { id: link.destination.org.id, name: link.destination.org.name, org: link.destination.org }
          : null;
    if (!who) continue;
    const v = get(who.id, who.name, who.org);
    let s = v.sentTo.find((x) => x.domain === link.destination.domain);
    if (!s)
      v.sentTo.push((s = { domain: link.destination.domain, types: [], flows: 0, firstT: link.flow.t }));
    if (!s.types.includes(link.type)) s.types.push(link.type);
    s.flows++;
  }
  return [...sdks.values()].sort((a, b) => a.name.localeCompare(b.name));
}
