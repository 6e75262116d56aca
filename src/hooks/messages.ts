/**
 * Agent messages at the edge: Frida's `{type: 'send', payload}` / `{type: 'error', …}` envelopes or
 * bare payloads (the sim), validated with zod and turned into session-time records — an `api` message
 * becomes the `ApiCallData` of src/evidence/types.ts with its SDK attributed.
 */
import { z } from 'zod';
import type { ApiCallData } from '../evidence/types.ts';
import { failure } from '../errors.ts';
import { AGENT_PROTOCOL } from '../agent/core/messages.ts';
import { attributeStack, type Attribution } from './attribution.ts';
import type { AgentClock } from './clock.ts';

const ts = z.number().finite();
const v = z.literal(AGENT_PROTOCOL);

const apiSchema = z.object({
  type: z.literal('api'),
  v,
  api: z.string().min(1).max(400),
  category: z.string().min(1).max(64),
  data: z.array(z.string().max(64)).max(64),
  args: z.array(z.unknown()).max(64),
  // JSON drops undefined: a void method's result may arrive as a missing key.
  ret: z.unknown().optional(),
  stack: z.array(z.string().max(2000)).max(300),
  process: z.string().max(300),
  thread: z.string().max(300),
  ts,
  fg: z.boolean().optional(),
  count: z.number().int().positive().optional(),
  first: ts.optional(),
  last: ts.optional(),
  times: z.array(ts).max(4096).optional(),
  threw: z.string().max(1000).optional(),
});

const hooksSchema = z.object({
  type: z.literal('hooks'),
  v,
  ts,
  installed: z.number().int().nonnegative(),
  missing: z.array(z.object({ class: z.string(), method: z.string().optional(), reason: z.string() })),
  tls: z.object({ installed: z.number().int(), missing: z.number().int() }).nullable(),
});

const droppedSchema = z.object({
  type: z.literal('dropped'),
  v,
  api: z.string().min(1),
  count: z.number().int().positive(),
  first: ts,
  last: ts,
});

const tlsSchema = z.object({
  type: z.literal('tls'),
  v,
  api: z.string().min(1),
  action: z.literal('bypassed'),
  host: z.string().nullable(),
  ts,
});

const agentErrorSchema = z.object({
  type: z.literal('agent-error'),
  v,
  where: z.string(),
  message: z.string(),
  ts,
});

const payloadSchema = z.discriminatedUnion('type', [
  apiSchema,
  hooksSchema,
  droppedSchema,
  tlsSchema,
  agentErrorSchema,
]);

/** Frida's envelope for an uncaught exception in the script. */
const scriptErrorSchema = z.object({
  type: z.literal('error'),
  description: z.string(),
  stack: z.string().optional(),
  fileName: z.string().optional(),
  lineNumber: z.number().optional(),
});

export interface DecodeContext {
  clock: AgentClock;
  appPackage: string;
  /** Foreground state at a session time, from the session's BG/FG markers; used when the agent did not know. */
  foregroundAt: (t: number) => boolean;
}

export type DecodedMessage =
  | { kind: 'api'; t: number; call: ApiCallData; attribution: Attribution; threw?: string }
  | {
      kind: 'hooks';
      t: number;
      installed: number;
      missing: { class: string; method?: string; reason: string }[];
      tls: { installed: number; missing: number } | null;
    }
  | { kind: 'dropped'; t: number; api: string; count: number; lastT: number }
  | { kind: 'tls'; t: number; api: string; host: string | null }
  | { kind: 'agent-error'; t: number; where: string; message: string }
  | { kind: 'script-error'; description: string; stack?: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Decodes one message; throws an AppwardenError naming the first problems when it is malformed. */
export function decodeAgentMessage(raw: unknown, ctx: DecodeContext): DecodedMessage {
  let payload = raw;
  if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'send') {
    payload = (raw as { payload?: unknown }).payload;
  } else if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'error') {
    const e = scriptErrorSchema.safeParse(raw);
    if (e.success) {
      return {
        kind: 'script-error',
        description: e.data.description,
        ...(e.data.stack === undefined ? {} : { stack: e.data.stack }),
      };
    }
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    const version = (payload as { v?: unknown } | null)?.v;
    const remedy =
      version !== undefined && version !== AGENT_PROTOCOL
        ? `The agent speaks protocol ${String(version)}, this host ${AGENT_PROTOCOL}: rebuild the agent with npm run build.`
        : 'The agent bundle and the host may be from different builds: run npm run build.';
    throw failure('decode', 'agent message', describeIssues(parsed.error), remedy, parsed.error);
  }
  const m = parsed.data;
  const at = (agentTs: number): number => ctx.clock.toSession(agentTs);
  switch (m.type) {
    case 'api': {
      const t = at(m.ts);
      const attribution = attributeStack(m.stack, ctx.appPackage);
      const call: ApiCallData = {
        api: m.api,
        category: m.category,
        data: m.data,
        args: m.args,
        // A call that threw (SecurityException, NameNotFound…) is still an attempt (RULES.md §3 trap 2).
        ret: m.threw === undefined ? (m.ret ?? null) : { threw: m.threw },
        stack: m.stack,
        sdk: attribution.sdk,
        process: m.process,
        thread: m.thread,
        fg: m.fg ?? ctx.foregroundAt(t),
      };
      if (m.count !== undefined) {
        call.count = m.count;
        call.times = (m.times ?? []).map(at);
      }
      return { kind: 'api', t, call, attribution, ...(m.threw === undefined ? {} : { threw: m.threw }) };
    }
    case 'hooks':
      return { kind: 'hooks', t: at(m.ts), installed: m.installed, missing: m.missing, tls: m.tls };
    case 'dropped':
      return { kind: 'dropped', t: at(m.first), api: m.api, count: m.count, lastT: at(m.last) };
    case 'tls':
      return { kind: 'tls', t: at(m.ts), api: m.api, host: m.host };
    case 'agent-error':
      return { kind: 'agent-error', t: at(m.ts), where: m.where, message: m.message };
  }
}
