/**
 * SARIF 2.1.0 for code-scanning dashboards: each violation is a result on a logical location (the
 * app × scenario), with the finding's signature as the fingerprint so dashboards track it across runs.
 * Not-evaluated rules are tool notifications, not results (they are not findings).
 */
import { RULES } from '../analysis/rules/index.ts';
import { APPWARDEN_VERSION } from '../version.ts';
import type { RunView } from './model.ts';

const LEVEL = { C: 'error', H: 'error', M: 'warning', L: 'note' } as const;

export function renderSarif(view: RunView): string {
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.title,
    shortDescription: { text: r.title },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { clauses: r.clauses, severity: r.severity },
  }));
  const results = view.sessions.flatMap((s) =>
    s.findings
      .filter((f) => f.status === 'violation')
      .map((f) => ({
        ruleId: f.rule,
        level: LEVEL[f.severity],
        message: { text: f.explanation },
        locations: [
          {
            logicalLocations: [
              {
                name: s.session.target,
                fullyQualifiedName: `${s.session.target}/${s.session.scenario}`,
                kind: 'module',
              },
            ],
          },
        ],
        partialFingerprints: { 'appwarden/v1': `${s.session.target}|${s.session.scenario}|${f.signature}` },
        properties: { session: s.session.id, severity: f.severity, clauses: f.clauses, evidence: f.evidence },
      })),
  );
  const notifications = view.sessions.flatMap((s) =>
    s.rules
      .filter((r) => r.outcome === 'not-evaluated' || r.outcome === 'disabled')
      .map((r) => ({
        level: 'note',
        message: {
          text: `${r.id} ${r.outcome === 'disabled' ? 'disabled' : 'not evaluated'} on session ${s.session.id}: ${r.reasons.join('; ')}`,
        },
        descriptor: { id: r.id },
      })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'appwarden', version: APPWARDEN_VERSION, rules } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
