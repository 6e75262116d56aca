/**
 * The hook core: installs the catalogue's hooks through a Java bridge and reports each counted call.
 * It receives the bridge, `send` and the clock as arguments and touches no Frida global, so the sim
 * runs exactly this code over its stand-in bridge, and the Frida entry (../main.ts) over the real one.
 */
import { CATALOGUE, FAMILIES, mergeFamilies } from '../catalogue/index.ts';
import { apiName, type HookCategory, type HookRow } from '../catalogue/types.ts';
import {
  dispatcherOf,
  realScheduler,
  type ClockFn,
  type JavaBridge,
  type JavaMethod,
  type Scheduler,
  type SendFn,
} from './bridge.ts';
import { classify, type ClassifyContext } from './classify.ts';
import { Coalescer, type FloodStats } from './flood.ts';
import { AGENT_PROTOCOL, type AgentMessage, type ApiMessage, type HooksMessage } from './messages.ts';
import { parseAgentParams, type AgentParams } from './params.ts';
import { StackReader } from './stack.ts';
import { summarise, summariseArgs, truncate } from './summarise.ts';
import { installTlsBypass } from './tls.ts';

export interface AgentDeps {
  java: JavaBridge;
  send: SendFn;
  now: ClockFn;
  scheduler?: Scheduler;
  /** Whether the app is in the foreground; when absent the core tracks Activity.onResume/onPause. */
  foreground?: () => boolean | undefined;
  /**
   * Identity of the current OS thread (Frida: `Process.getCurrentThreadId()`), so native hooks can tell
   * they run inside a Java hook on the same thread. Default: the Java thread name.
   */
  threadKey?: () => string;
}

/** A call found outside the Java catalogue (e.g. a native `open` hooked by the Frida entry). */
export interface ExternalCall {
  api: string;
  category: HookCategory;
  data: string[];
  args: unknown[];
  ret: unknown;
  stack: string[];
  thread: string;
}

export interface AgentHandle {
  readonly params: AgentParams;
  /** The installation report as sent to the host; null until the bridge ran the installation. */
  readonly hooks: HooksMessage | null;
  flush(): void;
  /** Flushes, stops the timer and reverts every hook it installed. */
  stop(): void;
  stats(): FloodStats;
  /** Whether a counted Java hook is executing on the thread with this key (see AgentDeps.threadKey). */
  inJavaHook(threadKey: string): boolean;
  /** Reports a call seen by a non-Java hook through the same flood control. */
  record(call: ExternalCall): void;
}

/** Counts resumed activities; undefined until the first lifecycle call was seen. */
class ForegroundTracker {
  private resumed = 0;
  private seen = false;

  /** Hooks the lifecycle; returns the methods it replaced. */
  install(java: JavaBridge, onMissing: (reason: string) => void): JavaMethod[] {
    const replaced: JavaMethod[] = [];
    let activity;
    try {
      activity = java.use('android.app.Activity');
    } catch (err) {
      onMissing(err instanceof Error ? err.message : String(err));
      return replaced;
    }
    // Every Activity subclass must call super.onResume()/onPause() (SuperNotCalledException), so the
    // base class sees every transition.
    for (const [method, delta] of [
      ['onResume', 1],
      ['onPause', -1],
    ] as const) {
      const d = dispatcherOf(activity, method);
      if (d === undefined) continue;
      const transition = (): void => {
        this.seen = true;
        this.resumed = Math.max(0, this.resumed + delta);
      };
      for (const m of d.overloads) {
        m.implementation = function (this: unknown, ...args: unknown[]) {
          transition();
          return m.call(this, ...args);
        };
        replaced.push(m);
      }
    }
    return replaced;
  }

  get(): boolean | undefined {
    return this.seen ? this.resumed > 0 : undefined;
  }
}

function rowsFor(families: string[]): readonly HookRow[] {
  if (families.length === 0) return CATALOGUE;
  const picked: Record<string, HookRow[]> = {};
  for (const f of families) {
    const table = FAMILIES[f];
    if (table === undefined)
      throw new Error(
        `Failed to select hook families: unknown family ${f}. Known: ${Object.keys(FAMILIES).join(', ')}.`,
      );
    picked[f] = table;
  }
  return mergeFamilies(picked);
}

function message(err: unknown): string {
  return truncate(err instanceof Error ? err.message : String(err), 300);
}

export function startAgent(deps: AgentDeps, rawParams: unknown): AgentHandle {
  const params = parseAgentParams(rawParams);
  const { java, now } = deps;
  const send = (m: AgentMessage): void => deps.send(m);
  const coalescer = new Coalescer(send, params.flood);
  const stacks = new StackReader(java, params.maxFrames);
  const ctx: ClassifyContext = { appPackage: params.appPackage, watch: params.watch };
  const errorsReported = new Set<string>();
  // Calls made by a hooked method's own implementation (framework internals) are not the app's.
  const active = new Set<string>();

  const reportError = (where: string, err: unknown): void => {
    if (errorsReported.has(where)) return;
    errorsReported.add(where);
    send({ type: 'agent-error', v: AGENT_PROTOCOL, where, message: message(err), ts: now() });
  };

  const tracker = new ForegroundTracker();
  const foreground = deps.foreground ?? (() => tracker.get());

  const missing: HooksMessage['missing'] = [];
  const missingClasses = new Set<string>();
  let installed = 0;
  let hooks: HooksMessage | null = null;

  const replaced: JavaMethod[] = [];
  const hookRow = (row: HookRow, m: JavaMethod): void => {
    const api = apiName(row);
    replaced.push(m);
    m.implementation = function (this: unknown, ...args: unknown[]): unknown {
      let cls;
      try {
        cls = row.classify === undefined ? {} : classify(row.classify, args, ctx);
      } catch (err) {
        reportError(`classify ${api}`, err);
        cls = null;
      }
      if (cls === null) return m.call(this, ...args);

      let thread = '?';
      try {
        thread = stacks.threadName();
      } catch (err) {
        reportError(`thread ${api}`, err);
      }
      const key = deps.threadKey?.() ?? thread;
      // Nested in another counted call on this thread: the framework's own work, not the app's.
      if (active.has(key)) return m.call(this, ...args);

      let stack: string[] = [];
      let fg: boolean | undefined;
      try {
        stack = stacks.read();
        fg = foreground();
      } catch (err) {
        reportError(`stack ${api}`, err);
      }
      const ts = now();
      active.add(key);
      let ret: unknown;
      let threw: unknown;
      let failed = false;
      try {
        ret = m.call(this, ...args);
      } catch (err) {
        threw = err;
        failed = true;
      } finally {
        active.delete(key);
      }
      try {
        const msg: ApiMessage = {
          type: 'api',
          v: AGENT_PROTOCOL,
          api,
          category: cls.category ?? row.category,
          data: cls.data ?? row.data,
          args: summariseArgs(row.args, args),
          ret: failed ? null : summarise(row.ret ?? 'value', ret),
          stack,
          process: params.process,
          thread,
          ts,
        };
        if (fg !== undefined) msg.fg = fg;
        if (failed) msg.threw = message(threw);
        coalescer.hit(msg);
      } catch (err) {
        reportError(`report ${api}`, err);
      }
      if (failed) throw threw;
      return ret;
    };
  };

  java.perform(() => {
    for (const row of rowsFor(params.families)) {
      if (missingClasses.has(row.class)) continue;
      let wrapper;
      try {
        wrapper = java.use(row.class);
      } catch (err) {
        // Reported once per class: optional SDK classes (GMS, HMS, OkHttp…) are often absent.
        missingClasses.add(row.class);
        missing.push({ class: row.class, reason: message(err) });
        continue;
      }
      const dispatcher = dispatcherOf(wrapper, row.method);
      if (dispatcher === undefined) {
        missing.push({ class: row.class, method: row.method, reason: 'no such method on this device' });
        continue;
      }
      try {
        const overloads =
          row.overloads === undefined
            ? dispatcher.overloads
            : row.overloads.map((sig) => dispatcher.overload(...sig));
        for (const m of overloads) {
          hookRow(row, m);
          installed++;
        }
      } catch (err) {
        missing.push({ class: row.class, method: row.method, reason: message(err) });
      }
    }
    if (deps.foreground === undefined) {
      const lifecycle = tracker.install(java, (reason) =>
        missing.push({ class: 'android.app.Activity', method: 'onResume', reason }),
      );
      replaced.push(...lifecycle);
    }
    let tls: HooksMessage['tls'] = null;
    if (params.unpin) {
      const r = installTlsBypass(java, send, now);
      replaced.push(...r.methods);
      tls = { installed: r.methods.length, missing: r.missing.length };
    }
    // Under Frida's spawn gating perform() runs later (when the app's class loader exists), so the
    // report is sent from here, not after perform() returns.
    hooks = { type: 'hooks', v: AGENT_PROTOCOL, ts: now(), installed, missing, tls };
    send(hooks);
  });

  const timer = (deps.scheduler ?? realScheduler).every(params.flood.flushMs, () => coalescer.flush());
  return {
    params,
    get hooks() {
      return hooks;
    },
    flush: () => coalescer.flush(),
    stop() {
      timer.cancel();
      coalescer.flush();
      // Reverting is Frida's `implementation = null`; in the sim it frees the bridge for the next session.
      for (const m of replaced) m.implementation = null;
    },
    stats: () => ({ ...coalescer.stats }),
    inJavaHook: (threadKey) => active.has(threadKey),
    record(call) {
      const msg: ApiMessage = { type: 'api', v: AGENT_PROTOCOL, ...call, process: params.process, ts: now() };
      const fg = foreground();
      if (fg !== undefined) msg.fg = fg;
      coalescer.hit(msg);
    },
  };
}
