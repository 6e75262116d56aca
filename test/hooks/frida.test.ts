import { describe, expect, it } from 'vitest';
import type { AgentClock } from '../../src/hooks/clock.ts';
import {
  loadFrida,
  type FridaChild,
  type FridaDevice,
  type FridaSpawn,
  type FridaModule,
  type FridaScript,
  type FridaSession,
} from '../../src/hooks/frida.ts';
import { buildAgentParams } from '../../src/hooks/params.ts';
import { startFridaHooks } from '../../src/hooks/session.ts';

// Frida's native engine cannot run on these machines: the device side below is a stand-in that
// records what the host asks of it, in order.

class Signal<H extends (...args: never[]) => void> {
  handlers: H[] = [];
  connect(h: H): void {
    this.handlers.push(h);
  }
  disconnect(h: H): void {
    this.handlers = this.handlers.filter((x) => x !== h);
  }
  emit(...args: Parameters<H>): void {
    for (const h of this.handlers) h(...args);
  }
}

function fakeFrida(opts: { spawnFails?: boolean; connectError?: string } = {}) {
  const calls: string[] = [];
  let agentClock = 90_000;
  const scripts: { script: FridaScript; message: Signal<(m: unknown, d: Buffer | null) => void> }[] = [];
  const makeSession = (pid: number): FridaSession => ({
    pid,
    detached: new Signal(),
    async createScript(source) {
      calls.push(`createScript(${pid}, ${source})`);
      const message = new Signal<(m: unknown, d: Buffer | null) => void>();
      const script: FridaScript = {
        message,
        destroyed: new Signal(),
        exports: {
          now: async () => (agentClock += 1),
          init: async (p: unknown) => {
            calls.push(`init(${pid}, ${(p as { process: string }).process})`);
            message.emit(
              {
                type: 'send',
                payload: { type: 'hooks', v: 1, ts: agentClock, installed: 3, missing: [], tls: null },
              },
              null,
            );
            return { protocol: 1 };
          },
          stop: async () => void calls.push(`stop(${pid})`),
        },
        async load() {
          calls.push(`load(${pid})`);
          message.emit({ type: 'send', payload: 'early' }, null); // before the clock is known
        },
        async unload() {
          calls.push(`unload(${pid})`);
        },
      };
      scripts.push({ script, message });
      return script;
    },
    async enableChildGating() {
      calls.push(`childGating(${pid})`);
    },
    async detach() {
      calls.push(`detach(${pid})`);
    },
  });
  const device: FridaDevice & {
    childAdded: Signal<(c: FridaChild) => void>;
    spawnAdded: Signal<(s: FridaSpawn) => void>;
  } = {
    id: 'SERIAL1',
    name: 'Phone',
    childAdded: new Signal(),
    spawnAdded: new Signal(),
    async spawn(program) {
      calls.push(`spawn(${String(program)})`);
      if (opts.spawnFails) throw new Error('unable to find application');
      return 4242;
    },
    async attach(pid) {
      calls.push(`attach(${pid})`);
      return makeSession(pid);
    },
    async resume(pid) {
      calls.push(`resume(${pid})`);
    },
    async enableSpawnGating() {
      calls.push('spawnGating');
    },
    async disableSpawnGating() {
      calls.push('noSpawnGating');
    },
    async enumerateApplications() {
      return [{ identifier: 'com.example.shop', name: 'Shop', pid: 777 }];
    },
  };
  const frida: FridaModule = {
    async getDevice(id) {
      calls.push(`getDevice(${id})`);
      if (opts.connectError !== undefined) throw new Error(opts.connectError);
      return device;
    },
    getDeviceManager: () => ({ addRemoteDevice: async () => device }),
  };
  return { frida, device, calls, scripts };
}

function options(
  frida: FridaModule,
  received: [unknown, AgentClock, string][],
  events: [string, Record<string, unknown>][],
) {
  let host = 0;
  return {
    frida,
    fridaVersion: '17.5.1',
    serial: 'SERIAL1',
    appPackage: 'com.example.shop',
    mode: 'spawn' as const,
    agentSource: 'AGENT',
    params: buildAgentParams({ appPackage: 'com.example.shop' }),
    sessionNow: () => (host += 1),
    onMessage: (m: unknown, c: AgentClock, p: string) => received.push([m, c, p]),
    onEvent: (type: string, data: Record<string, unknown>) => events.push([type, data]),
  };
}

describe('frida loading', () => {
  it('reports frida unavailable here instead of crashing', async () => {
    const r = await loadFrida();
    expect(r.available).toBe(false);
    if (!r.available) expect(r.reason).toMatch(/^unavailable: install frida \(/);
  });

  it('names a missing native binding', async () => {
    const r = await loadFrida(async () => {
      throw new Error('Could not locate the bindings file. Tried:\n → /x/frida_binding.node');
    });
    expect(r).toEqual({
      available: false,
      reason:
        'unavailable: install frida (native binding missing: Could not locate the bindings file. Tried:)',
    });
  });
});

describe('spawn gating on a device (frida stand-in)', () => {
  it('spawns suspended, loads and initialises the agent with a mapped clock, then resumes', async () => {
    const f = fakeFrida();
    const received: [unknown, AgentClock, string][] = [];
    const events: [string, Record<string, unknown>][] = [];
    const hooks = await startFridaHooks(options(f.frida, received, events));
    expect(f.calls).toEqual([
      'getDevice(SERIAL1)',
      'spawn(com.example.shop)',
      'attach(4242)',
      'childGating(4242)',
      'createScript(4242, AGENT)',
      'load(4242)',
      'init(4242, com.example.shop)',
      'resume(4242)',
      'spawnGating',
    ]);
    expect(hooks.pid).toBe(4242);
    // the message sent during load waited for the clock, then arrived with it
    expect(received.map(([m]) => (m as { payload: unknown }).payload === 'early')).toEqual([true, false]);
    expect(received[0]?.[1].offset).toBe(hooks.clock.offset);
    expect(events[0]).toEqual(['hook-attached', expect.objectContaining({ pid: 4242, mode: 'spawn' })]);

    // a child process (:push) is instrumented and resumed; another app's spawn is only resumed
    f.device.childAdded.emit({
      pid: 5000,
      parentPid: 4242,
      identifier: 'com.example.shop:push',
      path: null,
    } as never);
    f.device.spawnAdded.emit({ pid: 6000, identifier: 'com.other.app' });
    await new Promise((r) => setTimeout(r, 20));
    expect(f.calls).toContain('init(5000, com.example.shop:push)');
    expect(f.calls.indexOf('resume(5000)')).toBeGreaterThan(
      f.calls.indexOf('init(5000, com.example.shop:push)'),
    );
    expect(f.calls).toContain('resume(6000)');
    expect(f.calls).not.toContain('attach(6000)');

    await hooks.stop();
    expect(f.calls.slice(f.calls.indexOf('noSpawnGating'))).toEqual([
      'noSpawnGating',
      'stop(4242)',
      'unload(4242)',
      'stop(5000)',
      'unload(5000)',
      'detach(4242)',
      'detach(5000)',
    ]);
  });

  it('falls back to attaching to the running app when spawning fails', async () => {
    const f = fakeFrida({ spawnFails: true });
    const events: [string, Record<string, unknown>][] = [];
    const hooks = await startFridaHooks({ ...options(f.frida, [], events), reattach: false });
    expect(hooks.pid).toBe(777);
    expect(f.calls).not.toContain('resume(777)');
    expect(events.map(([t]) => t)).toEqual(['hook-attach-fallback', 'hook-attached']);
  });

  it('explains a client/server version mismatch', async () => {
    const f = fakeFrida({
      connectError: 'unable to communicate with remote frida-server; please ensure that major versions match',
    });
    await expect(startFridaHooks(options(f.frida, [], []))).rejects.toThrow(
      /^Failed to connect frida-server on SERIAL1: unable to communicate .*\. Run a frida-server whose major version matches the frida package \(17\.5\.1\) on the device\.$/,
    );
  });
});
