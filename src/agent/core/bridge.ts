/**
 * The subset of frida-java-bridge that the hook core may use — and all that the sim's stand-in bridge
 * (src/sim/bridge) implements. Keep it small: anything added here must be added to the stand-in too.
 *
 * Used members:
 * - `Java.available`, `Java.perform(fn)`
 * - `Java.use(className)` → a class wrapper; throws when the class is not loaded/known
 * - `wrapper[method]` → a dispatcher with `.overloads` (each a callable `Method` with `argumentTypes`,
 *   `returnType` and a writable `implementation`), `.overload(...argTypes)`; constructors are `$init`
 * - inside an `implementation`, `this` is the receiver (the class wrapper for static methods), and
 *   calling `method.call(this, ...args)` runs the original; assigning `implementation = null` reverts
 * - `Java.use('java.lang.Throwable').$new().getStackTrace()` → array-like of frames with
 *   `getClassName() / getMethodName() / getFileName() / getLineNumber()`
 * - `Java.use('java.lang.Thread').currentThread().getName()`
 */

export interface JavaType {
  className?: string | undefined;
  name: string;
}

export interface JavaMethod {
  (...args: unknown[]): unknown;
  implementation: ((this: unknown, ...args: unknown[]) => unknown) | null;
  argumentTypes: JavaType[];
  returnType: JavaType;
}

export interface JavaMethodDispatcher {
  overloads: JavaMethod[];
  overload(...argTypes: string[]): JavaMethod;
}

/** A class wrapper: members are method dispatchers (or fields, which the core does not use). */
export interface JavaClassWrapper {
  [member: string]: unknown;
  $new(...args: unknown[]): unknown;
}

export interface JavaStackFrame {
  getClassName(): string;
  getMethodName(): string;
  getFileName(): string | null;
  getLineNumber(): number;
}

export interface JavaBridge {
  readonly available: boolean;
  perform(fn: () => void): void;
  use(className: string): JavaClassWrapper;
}

/** Where messages go: Frida's `send`, or the sim host's collector. */
export type SendFn = (message: unknown) => void;

/** Milliseconds on the agent's clock (device wall clock under Frida; the session clock in the sim). */
export type ClockFn = () => number;

/** Timer scheduling, injected so tests (and the sim) control flushing. */
export interface Scheduler {
  every(ms: number, fn: () => void): { cancel(): void };
}

/** The real timers; available both in Node and in Frida's GumJS runtime. */
export const realScheduler: Scheduler = {
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return { cancel: () => clearInterval(timer) };
  },
};

/** `wrapper[method]` as a dispatcher, or undefined when the class has no such member. */
export function dispatcherOf(wrapper: JavaClassWrapper, method: string): JavaMethodDispatcher | undefined {
  const member = wrapper[method] as Partial<JavaMethodDispatcher> | undefined;
  if (member === undefined || member === null || !Array.isArray(member.overloads)) return undefined;
  return member as JavaMethodDispatcher;
}
