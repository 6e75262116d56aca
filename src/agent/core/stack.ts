/**
 * Java stacks through the bridge: `new Throwable().getStackTrace()` in the hooked thread. The top frame
 * is the hooked method itself (shown by ART as a native method once Frida replaced it).
 */
import type { JavaBridge, JavaClassWrapper, JavaStackFrame } from './bridge.ts';

export function formatFrame(f: JavaStackFrame): string {
  const file = f.getFileName();
  const line = f.getLineNumber();
  const where =
    line === -2 ? 'Native Method' : file === null ? 'Unknown Source' : line >= 0 ? `${file}:${line}` : file;
  return `${f.getClassName()}.${f.getMethodName()}(${where})`;
}

export class StackReader {
  private throwable: JavaClassWrapper | null = null;
  private thread: JavaClassWrapper | null = null;

  constructor(
    private readonly java: JavaBridge,
    private readonly maxFrames: number,
  ) {}

  read(): string[] {
    this.throwable ??= this.java.use('java.lang.Throwable');
    const trace = (this.throwable.$new() as { getStackTrace(): ArrayLike<JavaStackFrame> }).getStackTrace();
    const out: string[] = [];
    for (let i = 0; i < Math.min(trace.length, this.maxFrames); i++) {
      const f = trace[i];
      if (f !== undefined) out.push(formatFrame(f));
    }
    if (trace.length > this.maxFrames) out.push(`…[+${trace.length - this.maxFrames} frames]`);
    return out;
  }

  threadName(): string {
    this.thread ??= this.java.use('java.lang.Thread');
    const current = (this.thread as unknown as { currentThread(): { getName(): unknown } }).currentThread();
    return String(current.getName());
  }
}
