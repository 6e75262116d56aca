/**
 * The hooks probe's sink: agent messages (Frida or sim) → the session timeline. `api` messages become
 * API-call events; installation reports, drops, TLS bypasses and agent errors become `hook` events of
 * their own type. A message that does not decode is recorded as a `hook-error` event and the session
 * goes on (STYLE.md 8).
 */
import { describeError } from '../errors.ts';
import type { EvidenceWriter } from '../evidence/types.ts';
import { childLog } from '../log.ts';
import type { AgentClock } from './clock.ts';
import { decodeAgentMessage, type DecodeContext, type DecodedMessage } from './messages.ts';

export interface HookRecorderOptions extends DecodeContext {
  writer: EvidenceWriter;
  session: string;
  /** Session time now, for events that carry no agent time (decode failures, script errors). */
  now: () => number;
}

export interface HookRecorder {
  /** `clock` overrides the recorder's clock (each Frida process has its own offset). */
  onMessage(raw: unknown, clock?: AgentClock): DecodedMessage | null;
  /** Records that hooks could not run on this session (rules needing them report "not evaluated"). */
  unavailable(reason: string): void;
  readonly counts: { api: number; coalesced: number; events: number; errors: number };
}

export function createHookRecorder(o: HookRecorderOptions): HookRecorder {
  const log = childLog({ probe: 'hooks', session: o.session });
  const counts = { api: 0, coalesced: 0, events: 0, errors: 0 };
  const event = (t: number, type: string, data: unknown): void => {
    counts.events++;
    o.writer.appendEvent({ session: o.session, t, source: 'hook', type, data });
  };
  return {
    counts,
    unavailable(reason) {
      event(o.now(), 'hook-status', { available: false, reason });
    },
    onMessage(raw, clock) {
      let decoded: DecodedMessage;
      try {
        decoded = decodeAgentMessage(raw, clock === undefined ? o : { ...o, clock });
      } catch (err) {
        counts.errors++;
        // The message names the first issues; the full zod report (the cause) is only logged at debug.
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ err: message }, 'undecodable agent message');
        log.debug({ err: describeError(err) }, 'undecodable agent message (detail)');
        event(o.now(), 'hook-error', { where: 'decode', message });
        return null;
      }
      switch (decoded.kind) {
        case 'api':
          counts.api++;
          if (decoded.call.count !== undefined) counts.coalesced += decoded.call.count;
          o.writer.appendApiCall(o.session, decoded.t, decoded.call);
          break;
        case 'hooks':
          event(decoded.t, 'hook-status', {
            available: true,
            installed: decoded.installed,
            missing: decoded.missing,
            tls: decoded.tls,
          });
          break;
        case 'dropped':
          event(decoded.t, 'hook-dropped', { api: decoded.api, count: decoded.count, lastT: decoded.lastT });
          break;
        case 'tls':
          event(decoded.t, 'tls-bypass', { api: decoded.api, host: decoded.host });
          break;
        case 'agent-error':
          counts.errors++;
          event(decoded.t, 'hook-error', { where: decoded.where, message: decoded.message });
          break;
        case 'script-error':
          counts.errors++;
          event(o.now(), 'hook-error', {
            where: 'script',
            message: decoded.description,
            stack: decoded.stack ?? null,
          });
          break;
      }
      return decoded;
    },
  };
}
