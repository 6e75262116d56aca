/**
 * The stand-in for frida-java-bridge that the sim's app models call through, so the *real* hook core
 * (src/agent/core) installs its hooks and sees calls exactly as on a device.
 *
 * It implements exactly the subset documented in src/agent/core/bridge.ts, over a registry of
 * simulated Java classes:
 * - `available`, `perform(fn)` (runs fn at once), `use(name)` (throws like a missing class on ART)
 * - class wrappers whose members are dispatchers with `overloads` / `overload(...types)`; each overload
 *   is callable (runs the original) and has `argumentTypes`, `returnType`, writable `implementation`
 * - `$new()` of the built-ins `java.lang.Throwable` (its `getStackTrace()` is the hooked method's frame
 *   on top of the model's caller frames), `java.util.ArrayList`; `java.lang.Thread.currentThread()
 *   .getName()` is the calling model's thread
 * Not implemented (the core must not use them): fields, `$init` chaining, `registerClass`,
 * `enumerateLoadedClasses`, `choose`, `cast`, `retain`, class loaders.
 *
 * App models call `invoke(className, method, args, callerFrames)`; the call goes through any installed
 * `implementation`, so hooks see the model's caller frames (e.g. `com.umeng.commonsdk.UMConfigure.init`).
 */
import type {
  JavaBridge,
  JavaClassWrapper,
  JavaMethod,
  JavaMethodDispatcher,
  JavaStackFrame,
  JavaType,
} from '../../agent/core/bridge.ts';

/** A caller frame as a model writes it: `'com.umeng.x.Y.init(Y.java:12)'` or an object. */
export type CallerFrame =
  string | { className: string; methodName: string; fileName?: string | null; lineNumber?: number };

export type SimMethodImpl = (this: unknown, ...args: unknown[]) => unknown;

export interface SimMethodSpec {
  impl: SimMethodImpl;
  /** Argument type lists, one per overload (all run `impl`); default: one overload of `impl.length` Objects. */
  overloads?: string[][];
  returnType?: string;
}

export interface SimClassOptions {
  /** Abstract classes or interfaces this class implements: invoking those names dispatches here. */
  implements?: string[];
}

export interface InvokeOptions {
  /** Thread name the call runs on (default `main`). */
  thread?: string;
  /** `this` for the call (default: the class wrapper, as for a static method). */
  receiver?: unknown;
}

interface Frame extends JavaStackFrame {
  readonly text: string;
}

function makeFrame(
  className: string,
  methodName: string,
  fileName: string | null,
  lineNumber: number,
): Frame {
  return {
    text: `${className}.${methodName}`,
    getClassName: () => className,
    getMethodName: () => methodName,
    getFileName: () => fileName,
    getLineNumber: () => lineNumber,
  };
}

const FRAME_TEXT = /^(?:at\s+)?([\w$.]+)\.([\w$<>]+)\((.*)\)$/;

// Models repeat the same few caller frames; parsing each once keeps invoke() cheap in loops.
const parsedFrames = new Map<string, Frame>();
const MAX_PARSED_FRAMES = 10_000;

export function parseFrame(frame: CallerFrame): Frame {
  if (typeof frame === 'string') {
    let parsed = parsedFrames.get(frame);
    if (parsed === undefined) {
      parsed = parseFrameText(frame);
      if (parsedFrames.size >= MAX_PARSED_FRAMES) parsedFrames.clear();
      parsedFrames.set(frame, parsed);
    }
    return parsed;
  }
  return makeFrame(frame.className, frame.methodName, frame.fileName ?? null, frame.lineNumber ?? -1);
}

function parseFrameText(frame: string): Frame {
  const m = FRAME_TEXT.exec(frame.trim());
  if (m === null) {
    // A bare `pkg.Class.method` is accepted too.
    const dot = frame.lastIndexOf('.');
    return makeFrame(frame.slice(0, dot), frame.slice(dot + 1), null, -1);
  }
  const [, cls = '', method = '', where = ''] = m;
  if (where === 'Native Method') return makeFrame(cls, method, null, -2);
  const colon = where.lastIndexOf(':');
  if (colon === -1) return makeFrame(cls, method, where === 'Unknown Source' ? null : where, -1);
  return makeFrame(cls, method, where.slice(0, colon), Number(where.slice(colon + 1)));
}

interface Context {
  frames: Frame[];
  thread: string;
}

function type(className: string): JavaType {
  return { name: className, className };
}

class SimMethod {
  readonly method: JavaMethod;
  constructor(
    readonly className: string,
    readonly name: string,
    argumentTypes: string[],
    returnType: string,
    original: SimMethodImpl,
  ) {
    const fn = function (this: unknown, ...args: unknown[]): unknown {
      return original.apply(this, args);
    } as JavaMethod;
    fn.implementation = null;
    fn.argumentTypes = argumentTypes.map(type);
    fn.returnType = type(returnType);
    this.method = fn;
  }
}

class SimClass {
  readonly methods = new Map<string, SimMethod[]>();
  readonly wrapper: JavaClassWrapper;

  constructor(
    readonly name: string,
    methods: Record<string, SimMethodImpl | SimMethodSpec>,
    newInstance: (...args: unknown[]) => unknown,
  ) {
    const wrapper: Record<string, unknown> = { $className: name, $new: newInstance };
    for (const [method, def] of Object.entries(methods)) {
      const spec: SimMethodSpec = typeof def === 'function' ? { impl: def } : def;
      const sigs = spec.overloads ?? [Array.from({ length: spec.impl.length }, () => 'java.lang.Object')];
      const overloads = sigs.map(
        (sig) => new SimMethod(name, method, sig, spec.returnType ?? 'java.lang.Object', spec.impl),
      );
      this.methods.set(method, overloads);
      const dispatcher: JavaMethodDispatcher & { (...args: unknown[]): unknown } = Object.assign(
        (...args: unknown[]): unknown => pick(name, method, overloads, args).method(...args),
        {
          overloads: overloads.map((o) => o.method),
          overload(...argTypes: string[]): JavaMethod {
            const found = overloads.find(
              (o) => o.method.argumentTypes.map((t) => t.className).join(',') === argTypes.join(','),
            );
            if (found === undefined)
              throw new Error(
                `${name}.${method}(): specified argument types do not match any of: ${sigs.map((s) => `(${s.join(', ')})`).join(' ')}`,
              );
            return found.method;
          },
        },
      );
      wrapper[method] = dispatcher;
    }
    this.wrapper = wrapper as JavaClassWrapper;
  }
}

function pick(cls: string, method: string, overloads: SimMethod[], args: unknown[]): SimMethod {
  const byArity = overloads.filter((o) => o.method.argumentTypes.length === args.length);
  const chosen = byArity[0] ?? (overloads.length === 1 ? overloads[0] : undefined);
  if (chosen === undefined)
    throw new Error(`java.lang.NoSuchMethodError: ${cls}.${method} with ${args.length} argument(s)`);
  return chosen;
}

export class StandInBridge implements JavaBridge {
  readonly available = true;
  private readonly classes = new Map<string, SimClass>();
  private readonly implementedBy = new Map<string, string>();
  private readonly contexts: Context[] = [];

  constructor() {
    this.registerBuiltins();
  }

  /** Adds (or replaces) a simulated class. Method values are implementations or specs with overloads. */
  registerClass(
    name: string,
    methods: Record<string, SimMethodImpl | SimMethodSpec>,
    options: SimClassOptions = {},
  ): void {
    const cls = new SimClass(name, methods, () => {
      throw new Error(`java.lang.InstantiationException: ${name} cannot be instantiated in the sim`);
    });
    this.classes.set(name, cls);
    for (const iface of options.implements ?? []) this.implementedBy.set(iface, name);
  }

  hasClass(name: string): boolean {
    return this.classes.has(name) || this.implementedBy.has(name);
  }

  perform(fn: () => void): void {
    fn();
  }

  use(className: string): JavaClassWrapper {
    const cls = this.classes.get(className);
    if (cls === undefined) {
      throw new Error(
        `java.lang.ClassNotFoundException: Didn't find class "${className}" on path: DexPathList[sim]`,
      );
    }
    return cls.wrapper;
  }

  /**
   * Calls a simulated Java method as app code would: through any hook installed on it, with
   * `callerFrames` (innermost first) as the stack below the method. A call made from inside another
   * simulated method defaults to that method's stack.
   */
  invoke(
    className: string,
    method: string,
    args: unknown[] = [],
    callerFrames?: CallerFrame[],
    options: InvokeOptions = {},
  ): unknown {
    const target = this.classes.get(className) ?? this.classes.get(this.implementedBy.get(className) ?? '');
    if (target === undefined)
      throw new Error(
        `java.lang.ClassNotFoundException: Didn't find class "${className}" on path: DexPathList[sim]`,
      );
    const overloads = target.methods.get(method);
    if (overloads === undefined)
      throw new Error(`java.lang.NoSuchMethodError: no method ${method} in ${target.name}`);
    const chosen = pick(target.name, method, overloads, args);
    const outer = this.contexts.at(-1);
    const below = callerFrames === undefined ? (outer?.frames ?? []) : callerFrames.map(parseFrame);
    const hooked = chosen.method.implementation !== null;
    const top = makeFrame(
      target.name,
      method === '$init' ? '<init>' : method,
      hooked ? null : `${target.name.split('.').pop() ?? 'Sim'}.java`,
      hooked ? -2 : -1,
    );
    this.contexts.push({ frames: [top, ...below], thread: options.thread ?? outer?.thread ?? 'main' });
    try {
      const receiver = options.receiver ?? target.wrapper;
      const impl = chosen.method.implementation;
      return impl === null ? chosen.method.apply(receiver, args) : impl.apply(receiver, args);
    } finally {
      this.contexts.pop();
    }
  }

  private current(): Context {
    return this.contexts.at(-1) ?? { frames: [], thread: 'main' };
  }

  private registerBuiltins(): void {
    const throwable = new SimClass('java.lang.Throwable', {}, () => {
      const frames = [...this.current().frames];
      return { getStackTrace: (): JavaStackFrame[] => frames, $className: 'java.lang.Throwable' };
    });
    this.classes.set(throwable.name, throwable);
    const thread = new SimClass(
      'java.lang.Thread',
      {
        currentThread: () => {
          const name = this.current().thread;
          return { getName: () => name, $className: 'java.lang.Thread' };
        },
      },
      () => {
        throw new Error('java.lang.UnsupportedOperationException: new Thread() in the sim');
      },
    );
    this.classes.set(thread.name, thread);
    const arrayList = new SimClass('java.util.ArrayList', {}, () => {
      const items: unknown[] = [];
      return {
        $className: 'java.util.ArrayList',
        size: () => items.length,
        get: (i: number) => items[i],
        add: (x: unknown) => items.push(x) > 0,
        toArray: () => [...items],
      };
    });
    this.classes.set(arrayList.name, arrayList);
  }
}
