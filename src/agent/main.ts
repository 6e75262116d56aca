/**
 * Frida entry point, bundled by scripts/build-agent.js (frida-compile 18) into build/agent.js.
 * The host loads the bundle, calls `init(params)` (JSON, see core/params.ts) and then resumes the
 * spawned process; the hook core does the rest with the real frida-java-bridge.
 */
import Java from 'frida-java-bridge';
import { startAgent, type AgentHandle } from './core/agent.ts';
import type { JavaBridge } from './core/bridge.ts';
import { AGENT_PROTOCOL } from './core/messages.ts';
import { hookNativeFileOpens } from './frida/native-files.ts';

let agent: AgentHandle | null = null;

function reportError(where: string, err: unknown): void {
  send({
    type: 'agent-error',
    v: AGENT_PROTOCOL,
    where,
    message: err instanceof Error ? err.message : String(err),
    ts: Date.now(),
  });
}

rpc.exports = {
  /** Agent clock, sampled by the host to map agent timestamps onto the session clock. */
  now(): number {
    return Date.now();
  },
  init(params: unknown): { protocol: number; now: number; java: boolean } {
    if (agent !== null)
      throw new Error(
        'Failed to initialise the agent: already initialised. Load a fresh script per process.',
      );
    if (!Java.available) {
      reportError('init', new Error('no Java VM in this process'));
      return { protocol: AGENT_PROTOCOL, now: Date.now(), java: false };
    }
    agent = startAgent(
      { java: Java as unknown as JavaBridge, send: (m) => send(m), now: () => Date.now() },
      params,
    );
    for (const problem of hookNativeFileOpens(agent)) reportError('native open hook', new Error(problem));
    return { protocol: AGENT_PROTOCOL, now: Date.now(), java: true };
  },
  flush(): void {
    agent?.flush();
  },
  stop(): void {
    agent?.stop();
  },
};
