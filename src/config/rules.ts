import { z } from 'zod';
import { kindHint, paramValueSchema, severitySchema } from './common.ts';
import { expected } from './problems.ts';

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
