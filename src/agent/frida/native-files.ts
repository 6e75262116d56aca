/**
 * Native opens of identifier-bearing files (libc `open`/`openat`), which Java hooks cannot see: SDKs
 * with native code read /proc/net/arp and /sys/class/net/<if>/address directly. Frida-only.
 */
import { IDENTIFIER_FILES } from '../catalogue/keys.ts';
import type { AgentHandle } from '../core/agent.ts';

function matches(pattern: string, path: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );
  return re.test(path);
}

export function hookNativeFileOpens(agent: AgentHandle): string[] {
  const problems: string[] = [];
  for (const [name, pathArg] of [
    ['open', 0],
    ['openat', 1],
  ] as const) {
    let address: NativePointer;
    try {
      address = Module.getGlobalExportByName(name);
    } catch (err) {
      problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    Interceptor.attach(address, {
      onEnter(args) {
        // Opens made inside a counted Java call (FileInputStream.<init> → libcore → open) are already reported.
        if (agent.inJavaHook(String(this.threadId))) return;
        const path = args[pathArg]?.readCString() ?? null;
        if (path === null) return;
        const hit = IDENTIFIER_FILES.find((f) => matches(f.pattern, path));
        if (hit === undefined) return;
        const stack = Thread.backtrace(this.context, Backtracer.FUZZY)
          .slice(0, agent.params.maxFrames)
          .map((a) => DebugSymbol.fromAddress(a).toString());
        agent.record({
          api: `libc.${name}`,
          category: hit.rule.category,
          data: hit.rule.data,
          args: [path],
          ret: null,
          stack,
          thread: String(this.threadId),
        });
      },
    });
  }
  return problems;
}
