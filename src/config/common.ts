import { z } from 'zod';
import { expected } from './problems.ts';

/** Rule severities of RULES.md: Critical, High, Medium, Low (most severe first). */
export const SEVERITIES = ['C', 'H', 'M', 'L'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severitySchema = z.enum(SEVERITIES).describe('C (critical), H (high), M (medium) or L (low)');

/** Durations in config files are seconds (fractions allowed), never milliseconds. */
export function seconds(help: string, max = 86_400): z.ZodNumber {
  return z.number().min(0).max(max).describe(`${help} (seconds)`);
}

export const portSchema = z.number().int().min(1).max(65_535);

/** A fixed port, or `auto` to take a free one when the device is leased. */
export const portOrAutoSchema = z
  .union([portSchema, z.literal('auto')], { error: expected("a port number (1-65535) or 'auto'") })
  .describe("a port number, or 'auto' to allocate a free one");

/** Values a parameter may take in YAML: what `${name}` substitution can put into a step. */
export const paramValueSchema = z.union([z.string(), z.number(), z.boolean()], {
  error: expected('a string, number or true/false'),
});
export type ParamValue = z.infer<typeof paramValueSchema>;

export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const paramNameSchema = z.string().regex(PARAM_NAME, {
  error: expected('a parameter name of letters, digits and _ (not starting with a digit)'),
});

/** A file path; relative paths resolve against the folder of the file that names them. */
export const filePathSchema = z.string().min(1).describe('path, relative to this file');

/** Top-level `kind:` hint that lets `appwarden validate` and editors tell files apart. */
export function kindHint<K extends string>(kind: K) {
  return z.literal(kind).optional().describe(`optional hint: this is a ${kind} file`);
}
