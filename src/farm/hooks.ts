import type { Identity } from '../config/identity.ts';
import { buildAgentParams, watchListFromIdentity } from '../hooks/params.ts';
import { loadFrida } from '../hooks/frida.ts';
import { startHooksProbe, type HooksProbe } from '../hooks/probe.ts';
import { simAgentRuntime } from '../sim/bridge/index.ts';
import { onAppProcess } from '../sim/model/install.ts';
import type { FarmDevice } from './farm.ts';
import type { ScenarioContext } from './session.ts';

/** How a session gets its hooks, decided before it starts so its capabilities say the truth. */
export interface HooksPlan {
  /** null: hooks will run; otherwise why not (recorded, and rules that need hooks say "not evaluated"). */
  unavailable: string | null;
  attach(ctx: ScenarioContext, identity: Identity): Promise<{ detach(): Promise<void> }>;
}

const NONE = { detach: async () => undefined };

/**
 * Sims run the real hook core in this process over their stand-in bridge, attached to each app process
 * as it starts and before any of its code runs (the sim's spawn gating). Real devices and emulators use
 * Frida when its binding is installed.
 */
export async function planHooks(farmDevice: FarmDevice): Promise<HooksPlan> {
  const sim = farmDevice.sim;
  if (sim) {
    return {
      unavailable: null,
      async attach(ctx, identity) {
        const params = buildAgentParams({
          appPackage: ctx.pkg,
          watch: watchListFromIdentity(identity),
          unpin: false,
        });
        const probes: HooksProbe[] = [];
        const off = onAppProcess(sim.device, ({ pkg, runtime }) => {
          if (pkg !== ctx.pkg) return;
          // startHooksProbe installs the in-process agent synchronously, before the model's first call.
          const started = startHooksProbe({
            runtime: simAgentRuntime(runtime.bridge, ctx.clock.now, {
              foreground: () => runtime.isForeground(),
            }),
            writer: ctx.writer,
            session: ctx.session,
            params,
            sessionNow: ctx.clock.now,
            foregroundAt: () => runtime.isForeground(),
          });
          void started.then((p) => probes.push(p));
        });
        return {
          async detach() {
            off();
            for (const p of probes) await p.stop();
          },
        };
      },
    };
  }
  const frida = await loadFrida();
  if (!frida.available) return { unavailable: frida.reason, attach: async () => NONE };
  const serial = farmDevice.address?.via === 'server' ? farmDevice.address.serial : farmDevice.name;
  return {
    unavailable: null,
    async attach(ctx, identity) {
      const probe = await startHooksProbe({
        runtime: { kind: 'frida', serial, mode: 'spawn' },
        writer: ctx.writer,
        session: ctx.session,
        params: buildAgentParams({
          appPackage: ctx.pkg,
          watch: watchListFromIdentity(identity),
          unpin: false,
        }),
        sessionNow: ctx.clock.now,
        foregroundAt: () => true,
      });
      return { detach: () => probe.stop() };
    },
  };
}
