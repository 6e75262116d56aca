/**
 * Agent parameters, sent as JSON by the host (Frida: `rpc.exports.init(params)`; sim: a direct call).
 * Validated by hand here because the agent bundle carries no zod; the host validates with zod first
 * (src/hooks/params.ts mirrors this shape).
 */
import { MIN_WATCHED_LENGTH, type WatchedValue } from './classify.ts';
import { DEFAULT_FLOOD, type FloodOptions } from './flood.ts';

export interface AgentParams {
  /** Package of the app under test. */
  appPackage: string;
  /** Process name reported with every call (e.g. `com.example:push`). */
  process: string;
  /** Identity values to look for in hashing/encryption/Base64 inputs. */
  watch: WatchedValue[];
  /** Install the TLS pinning bypass and CA-trust injection. */
  unpin: boolean;
  /** Catalogue families to install (all when empty). */
  families: string[];
  /** Frames kept per stack. */
  maxFrames: number;
  flood: FloodOptions;
}

function fail(reason: string): never {
  throw new Error(
    `Failed to read agent parameters: ${reason}. Pass the object built by the host (src/hooks/params.ts).`,
  );
}

function str(o: Record<string, unknown>, key: string, dflt?: string): string {
  const v = o[key] ?? dflt;
  if (typeof v !== 'string') fail(`${key} must be a string`);
  return v;
}

function posInt(v: unknown, key: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(`${key} must be a positive integer`);
  return v;
}

export function parseAgentParams(raw: unknown): AgentParams {
  const o = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('expected a JSON object');
  const p = o as Record<string, unknown>;
  const watchRaw = p.watch ?? [];
  if (!Array.isArray(watchRaw)) fail('watch must be an array of {type, value}');
  const watch: WatchedValue[] = [];
  for (const w of watchRaw as unknown[]) {
    const e = w as Partial<WatchedValue> | null;
    if (typeof e?.type !== 'string' || typeof e.value !== 'string')
      fail('watch entries must be {type: string, value: string}');
    if (e.value.length >= MIN_WATCHED_LENGTH) watch.push({ type: e.type, value: e.value });
  }
  const families = p.families ?? [];
  if (!Array.isArray(families) || families.some((f) => typeof f !== 'string'))
    fail('families must be an array of names');
  const floodRaw = (p.flood ?? {}) as Record<string, unknown>;
  return {
    appPackage: str(p, 'appPackage', ''),
    process: str(p, 'process', str(p, 'appPackage', '')),
    watch,
    unpin: p.unpin === true,
    families: families as string[],
    maxFrames: posInt(p.maxFrames, 'maxFrames', 32),
    flood: {
      flushMs: posInt(floodRaw.flushMs, 'flood.flushMs', DEFAULT_FLOOD.flushMs),
      maxTimes: posInt(floodRaw.maxTimes, 'flood.maxTimes', DEFAULT_FLOOD.maxTimes),
      maxKeys: posInt(floodRaw.maxKeys, 'flood.maxKeys', DEFAULT_FLOOD.maxKeys),
      maxMessagesPerWindow: posInt(
        floodRaw.maxMessagesPerWindow,
        'flood.maxMessagesPerWindow',
        DEFAULT_FLOOD.maxMessagesPerWindow,
      ),
    },
  };
}
