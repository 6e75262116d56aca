import path from 'node:path';
import { z } from 'zod';
import { DEVICE_KINDS } from '../evidence/types.ts';
import { appCategorySchema } from './categories.ts';
import { filePathSchema, kindHint, paramNameSchema, paramValueSchema, severitySchema } from './common.ts';
import { ABIS } from './devices.ts';
import { expected } from './problems.ts';
import { PACKAGE_NAME } from './scenario.ts';

/** A host name or registrable domain (lower-case letters, digits, hyphens, dots). */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const targetSchema = z
  .object({
    name: z.string().min(1).optional().describe('label in reports (default: the package name)'),
    apk: z
      .union([filePathSchema, z.array(filePathSchema).min(1)], {
        error: expected('an APK/XAPK path or a list of split APK paths'),
      })
      .optional()
      .describe('APK or XAPK file, or the list of split APKs (base first)'),
    package: z
      .string()
      .regex(PACKAGE_NAME, { error: expected('a package name like com.example.app') })
      .optional()
      .describe('an app already installed on the device'),
    category: appCategorySchema,
    firstParty: z
      .array(z.string().regex(DOMAIN, { error: expected('a lower-case domain like example.com') }))
      .default([])
      .describe("the app's own domains; flows elsewhere count as third-party"),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.apk === undefined) === (t.package === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: "expected exactly one of 'apk' (files to install) or 'package' (already installed)",
        ...(t.package !== undefined ? { params: { atKey: 'package' } } : {}),
      });
    }
  });

export const suiteScenarioSchema = z
  .union(
    [
      filePathSchema.transform((file) => ({ file, params: {} as Record<string, string | number | boolean> })),
      z
        .object({
          file: filePathSchema.describe('scenario file, relative to this suite'),
          params: z
            .record(paramNameSchema, paramValueSchema)
            .default({})
            .describe("overrides of the scenario's params"),
        })
        .strict(),
    ],
    { error: expected('a scenario file path or {file, params}') },
  )
  .describe('a scenario file, or {file, params} to override its parameters');

/** Which devices a job may run on; every given field must match. An empty selector matches any device. */
export const deviceSelectorSchema = z
  .object({
    name: z.string().min(1).optional().describe('one device by name'),
    kind: z.enum(DEVICE_KINDS).optional(),
    tags: z.array(z.string().min(1)).optional().describe('the device must have all of these tags'),
    sdk: z
      .union(
        [
          z.number().int().min(16).max(40),
          z
            .object({
              min: z.number().int().min(16).max(40).optional(),
              max: z.number().int().min(16).max(40).optional(),
            })
            .strict(),
        ],
        { error: expected('an API level or {min, max}') },
      )
      .optional()
      .describe('an API level, or a range {min, max}'),
    abi: z.enum(ABIS).optional(),
    root: z.boolean().optional(),
  })
  .strict();

export const suiteFileSchema = z
  .object({
    $schema: z.string().optional(),
    kind: kindHint('suite'),
    name: z.string().min(1),
    description: z.string().optional(),
    targets: z.array(targetSchema).min(1).describe('apps under test'),
    scenarios: z.array(suiteScenarioSchema).min(1).describe('journeys to run on every target'),
    devices: z
      .array(deviceSelectorSchema)
      .min(1)
      .default([{}])
      .describe('device selectors; each target × scenario runs once per selector'),
    params: z
      .record(paramNameSchema, paramValueSchema)
      .default({})
      .describe('parameter values for every scenario that declares them (e.g. shorter observation times)'),
    rules: filePathSchema.optional().describe('rules settings file (enable/disable, severities, params)'),
    failOn: severitySchema.default('H').describe('exit 1 when a finding is at or above this severity'),
  })
  .strict()
  .meta({ title: 'appwarden suite', description: 'Targets × scenarios × device selectors' });

export type SuiteFile = z.output<typeof suiteFileSchema>;
export type SuiteTarget = SuiteFile['targets'][number];
export type SuiteScenario = SuiteFile['scenarios'][number];
export type DeviceSelector = SuiteFile['devices'][number];

/** A loaded suite: every path in it (apk, scenario files, rules) is absolute. */
export interface Suite extends SuiteFile {
  file: string;
}

/** The suite with every relative path (apk, scenario files, rules) resolved against its folder. */
export function resolveSuitePaths(s: SuiteFile, file: string): Suite {
  const dir = path.dirname(file);
  const abs = (p: string) => path.resolve(dir, p);
  return {
    ...s,
    file,
    targets: s.targets.map((t) =>
      t.apk === undefined ? t : { ...t, apk: Array.isArray(t.apk) ? t.apk.map(abs) : abs(t.apk) },
    ),
    scenarios: s.scenarios.map((sc) => ({ ...sc, file: abs(sc.file) })),
    ...(s.rules !== undefined ? { rules: abs(s.rules) } : {}),
  };
}
