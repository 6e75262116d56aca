import { formatThreadtime, LOG_LEVELS, type LogEntry, type LogLevel } from '../../device/logcat.ts';
import type { ShellCommand } from '../types.ts';

interface Filter {
  tag: string;
  level: LogLevel | 'S';
}

/** logcat filterspecs `TAG:LEVEL` (`*:S` silences the rest); also `ANDROID_LOG_TAGS` as adb sets it. */
function makeFilter(specs: string[]): (e: LogEntry) => boolean {
  const filters: Filter[] = specs.map((s) => {
    const [tag = '*', level = 'V'] = s.split(':');
    return { tag, level: level.toUpperCase() as LogLevel | 'S' };
  });
  if (filters.length === 0) return () => true;
  const rank = (l: LogLevel | 'S'): number => (l === 'S' ? 99 : LOG_LEVELS.indexOf(l));
  return (e) => {
    const f = filters.find((x) => x.tag === e.tag) ??
      filters.find((x) => x.tag === '*') ?? { tag: '*', level: 'V' };
    return rank(e.level) >= rank(f.level);
  };
}

export const LOGCAT: ShellCommand[] = [
  {
    name: 'logcat',
    async run(ctx) {
      const args = ctx.argv.slice(1);
      let dump = false;
      let max: number | undefined;
      let pid: number | undefined;
      let grepRe: RegExp | undefined;
      const specs: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i] as string;
        if (a === '-c') {
          ctx.device.logs.clear();
          return 0;
        } else if (a === '-d') dump = true;
        else if (a === '-t' || a === '-T' || a === '-m') {
          max = Number(args[++i]);
          if (a === '-t') dump = true;
        } else if (a.startsWith('--pid=')) pid = Number(a.slice(6));
        else if (a === '--pid') pid = Number(args[++i]);
        else if (a === '-e' || a.startsWith('--regex='))
          grepRe = new RegExp(a === '-e' ? (args[++i] ?? '') : a.slice(8));
        else if (a === '-v' || a === '-b') i++;
        else if (a === '-s') specs.push('*:S');
        else if (!a.startsWith('-')) specs.push(a);
      }
      const envTags = (ctx.env.ANDROID_LOG_TAGS ?? '').replace(/'/g, '').trim();
      const accept = makeFilter(specs.length ? specs : envTags ? envTags.split(/\s+/) : []);
      const matches = (e: LogEntry): boolean =>
        accept(e) && (pid === undefined || e.pid === pid) && (!grepRe || grepRe.test(e.message));
      let lines = ctx.device.logs.all().filter(matches);
      if (max !== undefined && Number.isFinite(max)) lines = lines.slice(-max);
      ctx.out(lines.map((e) => `${formatThreadtime(e)}\n`).join(''));
      if (dump) return 0;
      // Without -d logcat follows the log until the reader goes away (adb's Ctrl-C closes the stream).
      await new Promise<void>((resolve) => {
        const stop = ctx.device.logs.follow((e) => {
          if (matches(e)) ctx.out(`${formatThreadtime(e)}\n`);
        });
        ctx.signal.addEventListener('abort', () => (stop(), resolve()), { once: true });
      });
      return 0;
    },
  },
];
