/**
 * Agent parameters as the host builds them (validated here with zod; the agent re-checks by hand in
 * src/agent/core/params.ts, which defines the same shape).
 */
import { z } from 'zod';
import type { Identity } from '../config/identity.ts';
import { MIN_WATCHED_LENGTH, type WatchedValue } from '../agent/core/classify.ts';

export const agentParamsSchema = z
  .object({
    appPackage: z.string().min(1),
    process: z.string().min(1).optional(),
    watch: z.array(z.object({ type: z.string().min(1), value: z.string() })).default([]),
    unpin: z.boolean().default(false),
    families: z.array(z.string()).default([]),
    maxFrames: z.number().int().positive().max(256).optional(),
    flood: z
      .object({
        flushMs: z.number().int().positive().optional(),
        maxTimes: z.number().int().positive().optional(),
        maxKeys: z.number().int().positive().optional(),
        maxMessagesPerWindow: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AgentParamsInput = z.input<typeof agentParamsSchema>;
export type HostAgentParams = z.output<typeof agentParamsSchema>;

/** Identity values worth watching for in hashing/encryption inputs (long enough not to match by chance). */
export function watchListFromIdentity(identity: Identity): WatchedValue[] {
  const out: WatchedValue[] = [];
  const add = (type: string, value: string): void => {
    if (value.length >= MIN_WATCHED_LENGTH) out.push({ type, value });
  };
  for (const [type, value] of Object.entries(identity)) {
    if (typeof value === 'string') add(type, value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') add(type, v);
  }
  if (identity.wifiMac !== '') add('wifiMac', identity.wifiMac.replace(/:/g, ''));
  // Installed packages are names, not identifiers: hashing one says nothing.
  return out.filter((w) => w.type !== 'installedPackages');
}

export function buildAgentParams(input: AgentParamsInput): HostAgentParams {
  const parsed = agentParamsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Failed to build agent parameters: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}. Check the hooks options of the scenario.`,
    );
  }
  return parsed.data;
}
