import { z } from 'zod';
import { severitySchema } from '../config/common.ts';
import { ruleSettingSchema } from '../config/rules.ts';
import type { StoredRun } from '../evidence/types.ts';

/**
 * The analysis settings a run was judged with, kept in the run's meta so that `analyze RUN` and
 * `run --resume` judge it the same way later — even when the rules file has changed or gone since.
 */
export const runAnalysisSettingsSchema = z.object({
  /** The rules file's settings by rule id, as they were when the run started. */
  rules: z.record(z.string(), ruleSettingSchema).default({}),
  /** Where they came from (shown in reports); informational. */
  rulesFile: z.string().optional(),
  failOn: severitySchema.optional(),
});

export type RunAnalysisSettings = z.output<typeof runAnalysisSettingsSchema>;

/** The settings stored with `run`, if it has any (runs made before they were kept have none). */
export function runAnalysisSettings(run: StoredRun | undefined): RunAnalysisSettings | undefined {
  const raw = run?.meta.analysis;
  if (raw === undefined) return undefined;
  const parsed = runAnalysisSettingsSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `Failed to read the analysis settings stored with run ${run?.id}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    );
  return parsed.data;
}
