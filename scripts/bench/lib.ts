import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
/** Shared helpers for benchmarks: figures go to stdout, the last line is one JSON object. */

export function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Prints the closing JSON line; call exactly once, last. */
export function result(bench: string, figures: Record<string, number | string | boolean | null>): void {
  process.stdout.write(`${JSON.stringify({ bench, ...figures })}\n`);
}

export function rssMb(): number {
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
}

/** Samples RSS every `everyMs` until stopped; returns the peak in MB. */
export function rssSampler(everyMs = 50): { stop(): number } {
  let peak = rssMb();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMb());
    },
  };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/**
 * Writes the analyze benchmark's synthetic session of `events` events into `dir`, in a child process
 * (`analyze.ts --write`), so the caller's RSS stays its own. Exits 2 if the writer fails.
 */
export function writeSyntheticSession(dir: string, events: number): void {
  const w0 = Date.now();
  const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'analyze.ts');
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', writer, '--write', dir, '--events', String(events)],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (child.status !== 0) {
    process.stderr.write(
      `Failed to write the synthetic session: the writer exited with ${child.status ?? child.signal}.\n`,
    );
    process.exit(2);
  }
  line(`wrote ${events} events in ${round((Date.now() - w0) / 1000, 1)} s (child process)`);
}
