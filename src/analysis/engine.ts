/**
 * The rule engine: settings → resolved rules; a session's evidence → findings. Deterministic (same
 * evidence and settings → same findings in the same order: registry order, then each rule's own order).
 * A rule that throws becomes a `not-evaluated` finding with the reason and the others still run
 * (STYLE.md 8). Missing evidence never yields a pass: a rule without violations whose needed evidence is
 * absent reports `not-evaluated` with the reason.
 */
import { loadConfigFile } from '../config/load.ts';
import type { RuleSetting } from '../config/rules.ts';
import { openStore } from '../evidence/store.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type { NewFinding, StoredSession } from '../evidence/types.ts';
import { describeError, UsageError } from '../errors.ts';
import { log } from '../log.ts';
import { Correlation } from './correlation.ts';
import { DEFAULT_PHASE_PARAMS, derivePhases, type PhaseParams } from './phases.ts';
import { Derived, evidenceIds } from './rules/common.ts';
import { RULES } from './rules/index.ts';
import { knownRuleParams } from './known-rules.ts';
import { runAnalysisSettings } from './run-settings.ts';
import { disabledRuleFinding, disabledRuleIds } from '../config/rules.ts';
import {
  SEVERITIES,
  SEVERITY_RANK,
  type Need,
  type Rule,
  type RuleContext,
  type Severity,
} from './rules/types.ts';
import { loadSessionEvidence, type SessionEvidence } from './session-evidence.ts';

export interface ResolvedRule {
  rule: Rule;
  severity: Severity;
  /** True when the settings set the severity (then escalations inside the rule do not apply). */
  severityOverridden: boolean;
  params: unknown;
}

export interface EngineOptions {
  /** Settings by rule id (the `rules:` map of a rules file). */
  rules?: Record<string, RuleSetting>;
  /** Findings at or above this severity fail the session. Default `L`: any violation. */
  failOn?: Severity;
  phases?: Partial<PhaseParams>;
  /** Where the settings came from, for messages. */
  source?: string;
  /**
   * Filled in with how long each stage took (benchmarks, `-v` diagnostics). A separate object, never part
   * of the result: results must be the same for the same evidence.
   */
  timings?: StageTimings;
}

/** Milliseconds per analysis stage; a stage that did not run stays absent. */
export interface StageTimings {
  /** Reading the stored evidence into the read model. */
  load?: number;
  /** Consent and background phases from markers. */
  phases?: number;
  /** Attribution of API calls and the API → flow join. */
  correlation?: number;
  /** Evaluating every rule. */
  rules?: number;
  /** Writing the findings and the session status. */
  store?: number;
}

export interface AnalysisResult {
  findings: NewFinding[];
  /** `findings` when a violation is at or above the fail threshold, else `passed`. */
  status: 'passed' | 'findings';
  violations: number;
  notEvaluated: number;
}

/** Applies settings to the registry; throws a one-line UsageError naming the rule and param. */
export function resolveRules(opts: EngineOptions = {}, registry: readonly Rule[] = RULES): ResolvedRule[] {
  const settings = opts.rules ?? {};
  const where = opts.source ? ` in ${opts.source}` : '';
  for (const id of Object.keys(settings)) {
    if (!registry.some((r) => r.id === id)) {
      throw new UsageError(
        `Failed to apply rule settings${where}: unknown rule ${id}. Known rules: ${registry.map((r) => r.id).join(', ')}.`,
      );
    }
  }
  const out: ResolvedRule[] = [];
  for (const rule of registry) {
    const s = settings[rule.id];
    if (s?.enabled === false) continue;
    const parsed = rule.params.safeParse(normaliseParams(rule, s?.params ?? {}));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.length
        ? issue.path.join('.')
        : ((issue as { keys?: string[] } | undefined)?.keys?.join(', ') ?? '?');
      throw new UsageError(
        `Failed to apply rule settings${where}: rule ${rule.id} param ${param}: ${issue?.message ?? 'invalid'}. Defaults: ${JSON.stringify(rule.params.parse({}))}.`,
      );
    }
    out.push({
      rule,
      severity: s?.severity ?? rule.severity,
      severityOverridden: s?.severity !== undefined,
      params: parsed.data,
    });
  }
  return out;
}

/**
 * Config files give durations in seconds (src/config/common.ts), rules take milliseconds: a param
 * `maxPeriod: 30` means `maxPeriodMs: 30000`. The `…Ms` name is accepted as is.
 */
function normaliseParams(rule: Rule, params: Record<string, unknown>): Record<string, unknown> {
  const defaults = rule.params.parse({}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (!(k in defaults) && `${k}Ms` in defaults && typeof v === 'number') out[`${k}Ms`] = v * 1000;
    else out[k] = v;
  }
  return out;
}

/** Evaluates the resolved rules over one session's evidence. Pure: it reads only `ev`. */
export function analyzeEvidence(
  ev: SessionEvidence,
  rules: readonly ResolvedRule[],
  opts: EngineOptions = {},
): AnalysisResult {
  const timings = opts.timings;
  let t0 = performance.now();
  const phases = derivePhases(ev.markers, ev.endT, { ...DEFAULT_PHASE_PARAMS, ...(opts.phases ?? {}) });
  if (timings) t0 = stage(timings, 'phases', t0);
  const derived = new Derived(ev);
  const correlation = new Correlation(derived);
  if (timings) t0 = stage(timings, 'correlation', t0);
  const failRank = SEVERITY_RANK[opts.failOn ?? 'L'];
  const findings: NewFinding[] = [];
  let violations = 0;
  let failing = false;

  for (const r of rules) {
    const base = {
      session: ev.session.id,
      rule: r.rule.id,
      title: r.rule.title,
      clauses: r.rule.clauses,
    };
    const ctx: RuleContext<unknown> = { ev, phases, params: r.params, correlation, derived };
    try {
      const result = r.rule.evaluate(ctx);
      if (result.violations.length > 0) {
        for (const v of result.violations) {
          const severity = r.severityOverridden ? r.severity : (v.severity ?? r.severity);
          findings.push({
            ...base,
            severity,
            status: 'violation',
            explanation: r.rule.explain(v),
            evidence: v.evidence,
            data: { key: v.key, t: v.t, ...v.data },
          });
          violations++;
          if (SEVERITY_RANK[severity] >= failRank) failing = true;
        }
        continue;
      }
      const missing = r.rule.needs.map((n) => missingEvidence(ev, derived, n)).filter((m) => m !== null);
      const reasons = [
        ...missing.map((m) => m.reason),
        ...(result.notEvaluated ? [result.notEvaluated] : []),
      ];
      if (reasons.length > 0) {
        findings.push({
          ...base,
          severity: r.severity,
          status: 'not-evaluated',
          explanation: `Not evaluated: ${reasons.join('; ')}.`,
          evidence: evidenceIds(missing.flatMap((m) => m.evidence)),
          data: { reasons },
        });
      }
    } catch (err) {
      log.warn({ rule: r.rule.id, session: ev.session.id, err }, 'rule failed; recorded as not evaluated');
      findings.push({
        ...base,
        severity: r.severity,
        status: 'not-evaluated',
        explanation: `Not evaluated: the rule failed: ${describeError(err)}.`,
        evidence: [],
        data: { error: describeError(err) },
      });
    }
  }
  if (timings) stage(timings, 'rules', t0);
  return {
    findings,
    status: failing ? 'findings' : 'passed',
    violations,
    notEvaluated: findings.length - violations,
  };
}

/** Records the time since `t0` as `name`; returns now, the next stage's start. */
function stage(timings: StageTimings, name: keyof StageTimings, t0: number): number {
  const now = performance.now();
  timings[name] = now - t0;
  return now;
}

const HOOK_CAPABILITIES = ['frida', 'hooks'];

/** Why evidence a rule needs is missing from this session, or null when it is there. */
export function missingEvidence(
  ev: SessionEvidence,
  derived: Derived,
  need: Need,
): { reason: string; evidence: number[] } | null {
  const gaps = ev.probeGaps.filter((g) => g.probe === (need === 'markers' ? '' : need));
  if (gaps.length > 0) {
    const first = gaps[0] as (typeof gaps)[number];
    return { reason: `the ${need} probe was unavailable (${first.reason})`, evidence: gaps.map((g) => g.id) };
  }
  switch (need) {
    case 'hooks':
      if (ev.apiCalls.length === 0 && !ev.session.capabilities.some((c) => HOOK_CAPABILITIES.includes(c))) {
        return {
          reason: `the ${ev.session.deviceKind} device had no Frida hooks, so API calls were not recorded`,
          evidence: [],
        };
      }
      return null;
    case 'traffic': {
      const opaque = derived.opaqueFlows();
      if (opaque.length === 0) return null;
      const hosts = [...new Set(opaque.map((f) => `${f.host} (${f.tls ?? 'unknown'})`))].sort();
      const shown = hosts.slice(0, 3).join(', ') + (hosts.length > 3 ? ` and ${hosts.length - 3} more` : '');
      return {
        reason: `${opaque.length} connection${opaque.length > 1 ? 's' : ''} could not be decrypted (${shown}), so a leak there cannot be ruled out`,
        evidence: opaque.map((f) => f.id),
      };
    }
    case 'ui':
      if (ev.snapshots.length + ev.windows.length + ev.foregrounds.length + ev.consentDialogs.length === 0) {
        return { reason: 'no UI snapshots were recorded', evidence: [] };
      }
      return null;
    case 'markers':
      if (!ev.markers.some((m) => m.name === 'LAUNCH')) {
        return { reason: 'the journey recorded no LAUNCH marker', evidence: [] };
      }
      return null;
  }
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export interface SessionAnalysis extends AnalysisResult {
  session: string;
  /** The session's status after analysis (unchanged for error/aborted/incomplete sessions). */
  sessionStatus: StoredSession['status'];
}

/**
 * Re-runs the rules on one stored session: replaces its findings and sets its status to `findings` or
 * `passed`. Sessions that ended in error, aborted or incomplete keep their status (their evidence is
 * partial; the not-evaluated findings say what is missing).
 */
export function analyzeSession(
  store: EvidenceStore,
  sessionId: string,
  opts: EngineOptions = {},
): SessionAnalysis {
  const rules = resolveRules(opts);
  const t0 = performance.now();
  const ev = loadSessionEvidence(store, sessionId);
  if (opts.timings) stage(opts.timings, 'load', t0);
  const result = analyzeEvidence(ev, rules, opts);
  const t1 = performance.now();
  // Rules the settings turn off leave a record, so reports say "disabled", never "passed", for them.
  const off = disabledRuleIds(opts.rules ?? {});
  const disabled = RULES.filter((r) => off.includes(r.id)).map((r) =>
    disabledRuleFinding(sessionId, r, opts.source),
  );
  store.replaceFindings(sessionId, [...result.findings, ...disabled]);
  const session = store.getSession(sessionId) as StoredSession;
  let sessionStatus = session.status;
  if (session.status === 'running') {
    store.finishSession(sessionId, result.status);
    sessionStatus = result.status;
  } else if (
    (session.status === 'passed' || session.status === 'findings') &&
    session.status !== result.status
  ) {
    // Re-analysis must not move ended_at (finishSession would): only the status changes.
    store.setSessionStatus(sessionId, result.status);
    sessionStatus = result.status;
  }
  if (opts.timings) stage(opts.timings, 'store', t1);
  return { ...result, session: sessionId, sessionStatus };
}

/** The sessions an `analyze` argument names: a session id, or a run id (its sessions in id order). */
export function sessionsOf(store: EvidenceStore, id: string): string[] {
  if (store.getSession(id)) return [id];
  if (store.getRun(id)) {
    return store
      .listSessions({ run: id })
      .map((s) => s.id)
      .sort();
  }
  throw new UsageError(
    `Failed to find session or run ${id}: no such id in ${store.dataDir}. List sessions with \`appwarden sessions list\`.`,
  );
}

/**
 * `appwarden analyze`: opens the data folder's store, applies the rules file (if any) and re-analyses
 * every session the id names. Settings are checked before any session is touched.
 */
export async function analyzeStored(opts: {
  dataDir: string;
  id: string;
  rulesFile?: string;
  failOn?: Severity;
}): Promise<SessionAnalysis[]> {
  const settings = opts.rulesFile
    ? loadConfigFile(opts.rulesFile, 'rules', { knownRules: knownRuleParams() })
    : undefined;
  const store = openStore({ dataDir: opts.dataDir });
  try {
    // Without --rules, a run is re-judged with the settings it was run with (kept in its meta).
    const stored = settings
      ? undefined
      : runAnalysisSettings(store.getRun(opts.id) ?? store.getRun(store.getSession(opts.id)?.run ?? ''));
    const source = settings?.file ?? opts.rulesFile ?? stored?.rulesFile;
    const engine: EngineOptions = {
      rules: settings?.rules ?? stored?.rules ?? {},
      failOn: opts.failOn ?? 'L',
      ...(source ? { source } : {}),
    };
    resolveRules(engine);
    return sessionsOf(store, opts.id).map((s) => analyzeSession(store, s, engine));
  } finally {
    await store.close();
  }
}
