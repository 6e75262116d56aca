/**
 * The personal-data matcher: finds the device's identity values in a request, however they are wrapped.
 * `compileIdentity` once per session, `matchRequest` per flow, `explainMatch` for report sentences.
 */
import type { Match } from '../../evidence/types.ts';
import type { CompiledIdentity } from './compile.ts';
import { scanRequest, type RequestInput } from './scan.ts';

export { compileIdentity, listVariants, DEFAULT_MATCHER_OPTIONS } from './compile.ts';
export type { CompiledIdentity, MatcherOptions } from './compile.ts';
export type { RequestInput } from './scan.ts';
export { explainMatch } from './explain.ts';

/** Matches in one request, each with its identity field, encoding chain, place and path. */
export function matchRequest(ci: CompiledIdentity, req: RequestInput): Match[] {
  return scanRequest(ci, req);
}
