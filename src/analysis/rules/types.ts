/**
 * The rule contract (DESIGN.md "Rules", STYLE.md 1–2). A rule is data plus two pure functions:
 * `evaluate` turns a session's evidence into violations, `explain` turns one violation into one sentence
 * a non-engineer understands. Every [P] number of RULES.md is a param with its default in the schema.
 */
import type { z } from 'zod';
import type { Correlation } from '../correlation.ts';
import type { Phases } from '../phases.ts';
import type { SessionEvidence } from '../session-evidence.ts';
import type { Derived } from './common.ts';

export const SEVERITIES = ['C', 'H', 'M', 'L'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export const SEVERITY_RANK: Record<Severity, number> = { C: 4, H: 3, M: 2, L: 1 };

/** Evidence a rule needs to be able to *clear* a session. Missing evidence → "not evaluated", never a pass. */
export type Need = 'hooks' | 'traffic' | 'ui' | 'markers';

export interface RuleContext<P> {
  ev: SessionEvidence;
  phases: Phases;
  params: P;
  correlation: Correlation;
  derived: Derived;
}

export interface Violation {
  /** Stable key that identifies this violation within its rule (what it groups by), for ordering and diffs. */
  key: string;
  /** When it first happened (session ms). */
  t: number;
  /** Event ids that prove it, in time order. */
  evidence: number[];
  /** A severity other than the rule's (escalation, e.g. "before consent it is C"). */
  severity?: Severity;
  /** Facts `explain` builds its sentence from; stored with the finding. */
  data: Record<string, unknown>;
}

export interface RuleResult {
  violations: Violation[];
  /** Why the rule could not be evaluated even though its needed evidence exists (e.g. nothing was refused). */
  notEvaluated?: string;
}

export interface Rule<P = unknown> {
  id: string;
  title: string;
  /** RULES.md source keys, e.g. `R2 三.1`. */
  clauses: string[];
  severity: Severity;
  /** Parameters with documented defaults; `parse({})` gives the defaults. */
  params: z.ZodType<P>;
  needs: Need[];
  evaluate(ctx: RuleContext<P>): RuleResult;
  /** One sentence about one violation. */
  explain(v: Pick<Violation, 'data' | 't'>): string;
}

/** Identity helper that keeps `P` inferred from the params schema. */
export function defineRule<P>(rule: Rule<P>): Rule<P> {
  return rule;
}
