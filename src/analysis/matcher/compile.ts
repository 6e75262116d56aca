import type { Identity } from '../../config/identity.ts';
import { ByteAutomaton } from './aho-corasick.ts';
import { locationTarget, type LocationTarget } from './location.ts';
import { buildVariants, type Variant } from './variants.ts';

export interface MatcherOptions {
  /** Shortest value (in characters) that may match on its own. Default 8. */
  minLength?: number;
  /** Distance from the identity's location within which coordinates match, in metres. Default 1000. */
  locationRadiusM?: number;
  /** Fewest decimals a coordinate must be written with to count as precise. Default 3. */
  minLocationDecimals?: number;
  /** Deepest nesting of decoding layers (gzip, base64, JSON in JSON, …) that is followed. Default 8. */
  maxDepth?: number;
  /** Budget of bytes produced by decoding layers inside one request. Default 32 MiB. */
  maxDecodedBytes?: number;
}

export const DEFAULT_MATCHER_OPTIONS: Required<MatcherOptions> = {
  minLength: 8,
  locationRadiusM: 1000,
  minLocationDecimals: 3,
  maxDepth: 8,
  maxDecodedBytes: 32 * 1024 * 1024,
};

/**
 * Starts of base64 runs worth decoding: what their content begins with tells us it holds a layer the
 * variants cannot see through (compressed data, JSON whose strings may be escaped or hashed, protobuf).
 */
export const BLOB_TRIGGERS: readonly { text: string; holds: string }[] = [
  { text: 'H4sI', holds: 'gzip' },
  { text: 'eJ', holds: 'zlib (default compression)' },
  { text: 'eN', holds: 'zlib (best compression)' },
  { text: 'eAE', holds: 'zlib (no compression)' },
  { text: 'eyJ', holds: 'JSON object {"' },
  { text: 'eyA', holds: 'JSON object { ' },
  { text: 'ewo', holds: 'JSON object {\\n' },
  { text: 'W3s', holds: 'JSON array [{' },
  { text: 'WyJ', holds: 'JSON array ["' },
  // Protobuf whose first field is field 1: a varint (tag 0x08: `C` then A–P) or length-delimited (tag
  // 0x0a: `C` then g–v, by the top bits of the length byte). Numbers in protobuf are binary, so the
  // variants cannot see them without decoding.
  ...[...'ABCDEFGHIJKLMNOP'].map((c) => ({ text: `C${c}`, holds: 'protobuf, field 1 varint' })),
  ...[...'ghijklmnopqrstuv'].map((c) => ({ text: `C${c}`, holds: 'protobuf, field 1 bytes' })),
];

export type Pattern =
  | ({ kind: 'value' } & Variant)
  | { kind: 'blob'; text: string }
  | { kind: 'coord'; text: string }
  | { kind: 'scaled'; text: string };

/** An identity prepared for matching: build once per session, use for every flow. */
export interface CompiledIdentity {
  readonly options: Required<MatcherOptions>;
  readonly automaton: ByteAutomaton;
  readonly patterns: readonly Pattern[];
  readonly location: LocationTarget | null;
  /** Number of value variants (patterns that reveal identity data, excluding triggers). */
  readonly variantCount: number;
  /** Length in bytes of the longest pattern (at least 64, so a base64 run start is seen whole). */
  readonly longestPattern: number;
  /**
   * Identity values that are whole numbers (IMEI, IMSI, phone numbers …) by their decimal text, with the
   * fields they belong to: what a protobuf varint or fixed64 is compared with.
   */
  readonly numbers: ReadonlyMap<string, readonly string[]>;
}

const UINT64_MAX = 2n ** 64n - 1n;

function numericValues(variants: Iterable<Variant>, minLength: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of variants) {
    // Leading zeros do not survive being sent as a number; "0138…" is the same number as "138…".
    if (!v.digitBoundary || v.text.length > 20) continue;
    const text = v.text.replace(/^0+/, '');
    if (text.length < minLength || BigInt(text) > UINT64_MAX) continue;
    for (const o of v.owners) {
      if (o.encoding !== 'plain') continue;
      const types = out.get(text) ?? [];
      if (!types.includes(o.type)) types.push(o.type);
      out.set(text, types);
    }
  }
  return out;
}

export function compileIdentity(identity: Identity, options: MatcherOptions = {}): CompiledIdentity {
  const opts: Required<MatcherOptions> = { ...DEFAULT_MATCHER_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (opts as Record<string, number>)[k] = v;
  const variants = buildVariants(identity, opts.minLength);
  const patterns: Pattern[] = [...variants.values()].map((v) => ({ kind: 'value' as const, ...v }));
  const variantCount = patterns.length;
  for (const t of BLOB_TRIGGERS) if (!variants.has(t.text)) patterns.push({ kind: 'blob', text: t.text });
  const location = locationTarget(identity.location, opts.locationRadiusM, opts.minLocationDecimals);
  for (const t of location?.triggers ?? []) patterns.push({ kind: 'coord', text: t });
  for (const t of location?.scaledTriggers ?? []) patterns.push({ kind: 'scaled', text: t });
  const bytes = patterns.map((p) => Buffer.from(p.text, 'utf8'));
  const automaton = new ByteAutomaton(bytes);
  const longestPattern = Math.max(64, ...bytes.map((b) => b.length));
  const numbers = numericValues(variants.values(), opts.minLength);
  return { options: opts, automaton, patterns, location, variantCount, longestPattern, numbers };
}

/** The value variants of a compiled identity (for diagnostics and the benchmark). */
export function listVariants(ci: CompiledIdentity): { text: string; type: string; encoding: string }[] {
  const out: { text: string; type: string; encoding: string }[] = [];
  for (const p of ci.patterns) {
    if (p.kind !== 'value') continue;
    for (const o of p.owners) out.push({ text: p.text, type: o.type, encoding: o.encoding });
  }
  return out;
}
