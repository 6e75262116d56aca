/**
 * The sim's agent runtime (issue 5 item 2): the stand-in bridge, the simulated framework classes,
 * and the real hook core started over them. See bridge.ts for the documented bridge subset.
 */
import { startAgent, type AgentHandle } from '../../agent/core/agent.ts';
import type { Scheduler } from '../../agent/core/bridge.ts';
import type { StandInBridge } from './bridge.ts';

export { parseFrame, StandInBridge } from './bridge.ts';
export type { CallerFrame, InvokeOptions, SimClassOptions, SimMethodImpl, SimMethodSpec } from './bridge.ts';
export { registerFramework } from './framework.ts';
export type { FrameworkOptions } from './framework.ts';

export interface SimAgentOptions {
  bridge: StandInBridge;
  /** Agent parameters, as the host would pass them to the Frida agent (src/hooks/params.ts). */
  params: unknown;
  /** The session clock: agent timestamps are then session times (clock offset 0). */
  now: () => number;
  /** Receives every agent message; decode with src/hooks/messages.ts like Frida's. */
  onMessage: (message: unknown) => void;
  scheduler?: Scheduler;
  foreground?: () => boolean | undefined;
}

/**
 * The sim's agent runtime for the hooks probe (src/hooks/probe.ts `AgentRuntime` of kind
 * `in-process`): the real hook core over this bridge, stamped with the session clock.
 */
export function simAgentRuntime(
  bridge: StandInBridge,
  now: () => number,
  extra: Pick<SimAgentOptions, 'scheduler' | 'foreground'> = {},
): { kind: 'in-process'; start(params: unknown, onMessage: (m: unknown) => void): { stop(): void } } {
  return {
    kind: 'in-process',
    start(params, onMessage) {
      const agent = startSimAgent({ bridge, params, now, onMessage, ...extra });
      return { stop: () => agent.stop() };
    },
  };
}

/** Runs the real hook core over the stand-in bridge, in this process. */
export function startSimAgent(o: SimAgentOptions): AgentHandle {
  return startAgent(
    {
      java: o.bridge,
      send: o.onMessage,
      now: o.now,
      ...(o.scheduler === undefined ? {} : { scheduler: o.scheduler }),
      ...(o.foreground === undefined ? {} : { foreground: o.foreground }),
    },
    o.params,
  );
}
