import { analyzeEvidence, resolveRules } from '../../../src/analysis/engine.ts';
import type { Rule } from '../../../src/analysis/rules/types.ts';
import type { SessionEvidence } from '../../../src/analysis/session-evidence.ts';
import type { NewFinding } from '../../../src/evidence/types.ts';

/** Runs one rule over in-memory evidence, with optional params (as a rules file would give them). */
export function run(rule: Rule, ev: SessionEvidence, params: Record<string, unknown> = {}): NewFinding[] {
  const resolved = resolveRules({ rules: { [rule.id]: { params: params as never } } }, [rule]);
  return analyzeEvidence(ev, resolved).findings;
}

export function violations(
  rule: Rule,
  ev: SessionEvidence,
  params: Record<string, unknown> = {},
): NewFinding[] {
  return run(rule, ev, params).filter((f) => f.status === 'violation');
}
