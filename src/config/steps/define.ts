import type { z } from 'zod';
import type { SourcePos } from '../source.ts';

/**
 * One scenario step as config sees it: its name, the schema of its options, and how it may be
 * written. Forms, Maestro-like:
 *   - back                      bare string (when `bare`: every option has a default)
 *   - tapOn: {text: 同意}        one-key map with the options
 *   - tapOn: 同意                scalar shorthand (when `shorthand` says how to expand it)
 * The runner (src/ui) pairs each definition with its executor by name.
 */
export interface StepDefinition<
  N extends string = string,
  S extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
> {
  name: N;
  /** One line for editors (JSON Schema description) and listings. */
  summary: string;
  options: S;
  /** May be written alone as `- name`. */
  bare?: boolean;
  /** A scalar written in place of the options: its schema and the options it stands for. */
  shorthand?: { schema: H; expand: (value: z.output<H>) => z.input<S> };
}

export function defineStep<N extends string, S extends z.ZodType, H extends z.ZodType = z.ZodType>(
  def: StepDefinition<N, S, H>,
): StepDefinition<N, S, H> {
  return def;
}

/** A validated step, ready for the runner: options with defaults applied, and where it was written. */
export interface ParsedStep<N extends string = string, O = unknown> {
  name: N;
  options: O;
  /** Where the step starts in its scenario file (for "step 3 'tapOn' failed at x.yaml:12"). */
  source: SourcePos;
}
