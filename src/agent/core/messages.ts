/**
 * Messages the agent sends to the host (Frida `send` payloads). The host validates them with zod at
 * the edge (src/hooks/messages.ts); bump AGENT_PROTOCOL when a shape changes.
 */

export const AGENT_PROTOCOL = 1;

/** One API call, or (with `count`) a run of identical calls coalesced by the flood control. */
export interface ApiMessage {
  type: 'api';
  v: number;
  api: string;
  category: string;
  data: string[];
  args: unknown[];
  ret: unknown;
  /** Frames as `class.method(File.java:line)`, innermost first, bounded. */
  stack: string[];
  process: string;
  thread: string;
  /** Agent clock (ms) of the call; of the first coalesced call when `count` is set. */
  ts: number;
  fg?: boolean;
  /** Coalesced calls: how many since the last flush, their first and last times, and a bounded list. */
  count?: number;
  first?: number;
  last?: number;
  times?: number[];
  /** The method threw; the call still counts as an attempt (RULES.md §3 trap 2). */
  threw?: string;
}

/** Hook installation outcome, sent once after installing (classes missing on this device included). */
export interface HooksMessage {
  type: 'hooks';
  v: number;
  ts: number;
  installed: number;
  missing: { class: string; method?: string; reason: string }[];
  tls: { installed: number; missing: number } | null;
}

/** Calls not sent because the per-window message budget was spent, per API. */
export interface DroppedMessage {
  type: 'dropped';
  v: number;
  api: string;
  count: number;
  first: number;
  last: number;
}

/** A certificate check the TLS bypass overrode. */
export interface TlsMessage {
  type: 'tls';
  v: number;
  api: string;
  action: 'bypassed';
  host: string | null;
  ts: number;
}

/** Something in the agent failed (a hook that could not be installed is in HooksMessage instead). */
export interface AgentErrorMessage {
  type: 'agent-error';
  v: number;
  where: string;
  message: string;
  ts: number;
}

export type AgentMessage = ApiMessage | HooksMessage | DroppedMessage | TlsMessage | AgentErrorMessage;
