/**
 * The hooks probe of a session: runs the agent where the device kind allows — in process over the
 * sim's stand-in bridge, or through Frida on adb/emulator devices — and records what it reports.
 * Without a usable frida (binding missing, no agent bundle, no frida-server) it records
 * `hook-status {available: false, reason}` and the session goes on without hooks.
 *
 * The sim runtime is passed in by the farm (this module does not import src/sim, DESIGN.md "Layout").
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../errors.ts';
import type { EvidenceWriter } from '../evidence/types.ts';
import { childLog } from '../log.ts';
import { clockFromOffset } from './clock.ts';
import { loadFrida, type FridaAvailability } from './frida.ts';
import type { HostAgentParams } from './params.ts';
import { createHookRecorder, type HookRecorder } from './recorder.ts';
import { startFridaHooks, type FridaHooks } from './session.ts';

/** Where the agent runs. */
export type AgentRuntime =
  | {
      /** The sim: the hook core runs in this process on the session clock (offset 0). */
      kind: 'in-process';
      start(params: HostAgentParams, onMessage: (m: unknown) => void): { stop(): void };
    }
  | { kind: 'frida'; serial: string; remote?: string; mode: 'spawn' | 'attach' };

export interface HooksProbeOptions {
  runtime: AgentRuntime;
  writer: EvidenceWriter;
  session: string;
  params: HostAgentParams;
  sessionNow: () => number;
  foregroundAt: (t: number) => boolean;
  /** Defaults: the real loader and src/agent/build/agent.js. */
  loadFrida?: () => Promise<FridaAvailability>;
  agentBundle?: string;
}

export interface HooksProbe {
  readonly available: boolean;
  readonly reason: string | null;
  readonly recorder: HookRecorder;
  stop(): Promise<void>;
}

export const DEFAULT_AGENT_BUNDLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../agent/build/agent.js',
);

export async function startHooksProbe(o: HooksProbeOptions): Promise<HooksProbe> {
  const log = childLog({ probe: 'hooks', session: o.session });
  const recorder = createHookRecorder({
    writer: o.writer,
    session: o.session,
    clock: clockFromOffset(0),
    appPackage: o.params.appPackage,
    foregroundAt: o.foregroundAt,
    now: o.sessionNow,
  });
  const unavailable = (reason: string): HooksProbe => {
    log.warn({ reason }, 'hooks unavailable');
    recorder.unavailable(reason);
    return { available: false, reason, recorder, stop: async () => undefined };
  };

  if (o.runtime.kind === 'in-process') {
    const running = o.runtime.start(o.params, (m) => recorder.onMessage(m));
    return { available: true, reason: null, recorder, stop: async () => running.stop() };
  }

  const frida = await (o.loadFrida ?? loadFrida)();
  if (!frida.available) return unavailable(frida.reason);
  const bundle = o.agentBundle ?? DEFAULT_AGENT_BUNDLE;
  let agentSource: string;
  try {
    agentSource = fs.readFileSync(bundle, 'utf8');
  } catch (err) {
    return unavailable(
      `unavailable: agent bundle ${bundle} missing (${describeError(err)}); run npm run build`,
    );
  }
  let hooks: FridaHooks;
  try {
    hooks = await startFridaHooks({
      frida: frida.frida,
      fridaVersion: frida.version,
      serial: o.runtime.serial,
      ...(o.runtime.remote === undefined ? {} : { remote: o.runtime.remote }),
      appPackage: o.params.appPackage,
      mode: o.runtime.mode,
      agentSource,
      params: o.params,
      sessionNow: o.sessionNow,
      onMessage: (m, clock) => recorder.onMessage(m, clock),
      onEvent: (type, data) =>
        o.writer.appendEvent({ session: o.session, t: o.sessionNow(), source: 'hook', type, data }),
    });
  } catch (err) {
    return unavailable(`unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { available: true, reason: null, recorder, stop: () => hooks.stop() };
}
