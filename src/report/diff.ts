/**
 * `appwarden diff`: which violations are new in run B, fixed since run A, or unchanged. Findings are
 * matched on session target × scenario × rule × the violation's stable key (never on event ids, which
 * differ between runs); several devices running the same target and scenario count as one.
 * Not-evaluated results are not findings and are compared separately (rules that lost or gained evidence).
 */
import type { EvidenceStore } from '../evidence/store.ts';
import type { StoredFinding } from '../evidence/types.ts';
import { UsageError } from '../errors.ts';
import { isDisabledRecord } from '../config/rules.ts';
import { signatureOf } from './model.ts';

export interface DiffEntry {
  target: string;
  scenario: string;
  rule: string;
  severity: StoredFinding['severity'];
  title: string;
  /** The explanation from the run that has the finding (B for new and unchanged, A for fixed). */
  explanation: string;
  signature: string;
  /** Sessions holding it, in A and in B. */
  sessionsA: string[];
  sessionsB: string[];
}

export interface RunDiff {
  a: string;
  b: string;
  new: DiffEntry[];
  fixed: DiffEntry[];
  unchanged: DiffEntry[];
  /** target × scenario × rule not evaluated in B but evaluated in A (and the reverse). */
  notEvaluatedNow: { target: string; scenario: string; rule: string }[];
  evaluatedAgain: { target: string; scenario: string; rule: string }[];
  /**
   * target × scenario × rule that B's settings disabled but A evaluated. A's violations of those are
   * not `fixed` (nobody looked): they are listed here with the rule.
   */
  disabledNow: { target: string; scenario: string; rule: string }[];
}

type Slot = { target: string; scenario: string; rule: string };

interface Collected {
  violations: Map<string, DiffEntry>;
  notEvaluated: Map<string, Slot>;
  disabled: Map<string, Slot>;
}

function collect(store: EvidenceStore, run: string, side: 'A' | 'B'): Collected {
  if (!store.getRun(run)) {
    throw new UsageError(
      `Failed to diff run ${run}: no such run in ${store.dataDir}. List runs with \`appwarden sessions list\`.`,
    );
  }
  const violations = new Map<string, DiffEntry>();
  const notEvaluated = new Map<string, Slot>();
  const disabled = new Map<string, Slot>();
  const sessions = store.listSessions({ run }).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  for (const s of sessions) {
    for (const f of store.findings(s.id)) {
      if (f.status === 'not-evaluated') {
        (isDisabledRecord(f) ? disabled : notEvaluated).set(JSON.stringify([s.target, s.scenario, f.rule]), {
          target: s.target,
          scenario: s.scenario,
          rule: f.rule,
        });
        continue;
      }
      const signature = signatureOf(f);
      const key = JSON.stringify([s.target, s.scenario, signature]);
      let e = violations.get(key);
      if (!e) {
        e = {
          target: s.target,
          scenario: s.scenario,
          rule: f.rule,
          severity: f.severity,
          title: f.title,
          explanation: f.explanation,
          signature,
          sessionsA: [],
          sessionsB: [],
        };
        violations.set(key, e);
      }
      const list = side === 'A' ? e.sessionsA : e.sessionsB;
      if (!list.includes(s.id)) list.push(s.id);
    }
  }
  return { violations, notEvaluated, disabled };
}

const order = (x: DiffEntry, y: DiffEntry): number =>
  x.target.localeCompare(y.target) ||
  x.scenario.localeCompare(y.scenario) ||
  x.rule.localeCompare(y.rule) ||
  x.signature.localeCompare(y.signature);

export function diffRuns(store: EvidenceStore, a: string, b: string): RunDiff {
  const A = collect(store, a, 'A');
  const B = collect(store, b, 'B');
  const out: RunDiff = {
    a,
    b,
    new: [],
    fixed: [],
    unchanged: [],
    notEvaluatedNow: [],
    evaluatedAgain: [],
    disabledNow: [],
  };
  for (const [key, e] of B.violations) {
    const old = A.violations.get(key);
    if (old) out.unchanged.push({ ...e, sessionsA: old.sessionsA });
    else out.new.push(e);
  }
  const slot = (e: Slot): string => JSON.stringify([e.target, e.scenario, e.rule]);
  for (const [key, e] of A.violations)
    if (!B.violations.has(key) && !B.disabled.has(slot(e))) out.fixed.push(e);
  for (const [key, e] of B.disabled) if (!A.disabled.has(key)) out.disabledNow.push(e);
  for (const [key, e] of B.notEvaluated) if (!A.notEvaluated.has(key)) out.notEvaluatedNow.push(e);
  for (const [key, e] of A.notEvaluated) if (!B.notEvaluated.has(key)) out.evaluatedAgain.push(e);
  out.new.sort(order);
  out.fixed.sort(order);
  out.unchanged.sort(order);
  return out;
}
