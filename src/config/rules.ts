import { z } from 'zod';
import type { NewFinding } from '../evidence/types.ts';
import { kindHint, paramValueSchema, severitySchema } from './common.ts';
import { ConfigFileError, describePath, didYouMean, expected, type ConfigProblem } from './problems.ts';
import { locate, type YamlSource } from './source.ts';

/** Rule ids of RULES.md: family words then a three-digit number (PI-CONSENT-001, SDK-001). */
export const RULE_ID = /^[A-Z]+(-[A-Z]+)*-\d{3}$/;

const ruleParamValue = z.union([paramValueSchema, z.array(z.union([z.string(), z.number()]))], {
  error: expected('a string, number, true/false or a list'),
});

export const ruleSettingSchema = z
  .object({
    enabled: z.boolean().optional().describe('false turns the rule off'),
    severity: severitySchema.optional().describe("overrides the rule's severity"),
    params: z
      .record(z.string().min(1), ruleParamValue)
      .default({})
      .describe('overrides of the parameters marked [P] in RULES.md, by name'),
  })
  .strict();

/** A rules settings file (issue 9 "Settings"). Rules check param names against their own defaults. */
export const rulesFileSchema = z
  .object({
    $schema: z.string().optional(),
    kind: kindHint('rules'),
    description: z.string().optional(),
    rules: z
      .record(
        z.string().regex(RULE_ID, { error: expected('a rule id like PI-CONSENT-001') }),
        ruleSettingSchema,
      )
      .default({})
      .describe('settings by rule id'),
  })
  .strict()
  .meta({ title: 'appwarden rules settings', description: 'Enable, disable and tune rules' });

export type RulesFile = z.output<typeof rulesFileSchema>;
export type RuleSetting = z.output<typeof ruleSettingSchema>;
export interface RulesSettings extends RulesFile {
  file: string;
}

/** Rule ids and parameter names that the analysis does not have, each placed on its key. */
export function checkKnownRules(
  src: YamlSource,
  file: RulesFile,
  known: Readonly<Record<string, readonly string[]>>,
): void {
  const ids = Object.keys(known);
  const problems: ConfigProblem[] = [];
  for (const [id, setting] of Object.entries(file.rules)) {
    const params = known[id];
    if (params === undefined) {
      problems.push({
        pos: locate(src, ['rules'], id),
        where: "'rules'",
        message: `unknown rule '${id}'${didYouMean(id, ids)}`,
      });
      continue;
    }
    for (const name of Object.keys(setting.params)) {
      if (params.includes(name)) continue;
      const hint = didYouMean(name, params) || ` (parameters: ${params.join(', ') || 'none'})`;
      problems.push({
        pos: locate(src, ['rules', id, 'params'], name),
        where: describePath(['rules', id, 'params']),
        message: `unknown parameter '${name}' of ${id}${hint}`,
      });
    }
  }
  if (problems.length)
    throw new ConfigFileError(problems.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col));
}

/** The rule ids a settings map turns off (`enabled: false`), sorted. */
export function disabledRuleIds(rules: Readonly<Record<string, RuleSetting>>): string[] {
  return Object.entries(rules)
    .filter(([, s]) => s.enabled === false)
    .map(([id]) => id)
    .sort();
}

/**
 * The record a session's findings keep for a rule the settings turned off: stored beside the real
 * findings (status `not-evaluated`, `data.disabled: true`) so reports show the rule as *disabled* —
 * neither passed nor lacking evidence — for as long as that analysis stands.
 */
export function disabledRuleFinding(
  session: string,
  rule: { id: string; title: string; clauses: readonly string[]; severity: NewFinding['severity'] },
  source: string | undefined,
): NewFinding {
  const by = source ? `the rules settings ${source}` : 'the rules settings';
  return {
    session,
    rule: rule.id,
    severity: rule.severity,
    status: 'not-evaluated',
    title: rule.title,
    explanation: `Disabled by ${by}.`,
    clauses: [...rule.clauses],
    evidence: [],
    data: { disabled: true, reasons: [`disabled by ${by}`], ...(source ? { source } : {}) },
  };
}

/** Whether a stored finding is the record of a disabled rule (see disabledRuleFinding). */
export function isDisabledRecord(f: { status: string; data?: Record<string, unknown> }): boolean {
  return f.status === 'not-evaluated' && f.data?.disabled === true;
}
