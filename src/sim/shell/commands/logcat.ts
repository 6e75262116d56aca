import {
  DEFAULT_LOG_BUFFERS,
  formatEntry,
  LOG_BUFFERS,
  LOG_LEVELS,
  THREADTIME,
  type LogBufferName,
  type LogEntry,
  type LogFormat,
  type LogLevel,
} from '../../device/logcat.ts';
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

/** `-v` arguments: a layout (threadtime, time, brief) and modifiers (epoch, year); others are ignored. */
function applyFormat(f: LogFormat, arg: string): LogFormat {
  const next = { ...f };
  for (const word of arg.split(/[,\s]+/)) {
    if (word === 'threadtime' || word === 'time' || word === 'brief') next.layout = word;
    else if (word === 'epoch') next.epoch = true;
    else if (word === 'year') next.year = true;
  }
  return next;
}

/**
 * `-t`/`-T` take a count or a time: `sssss.mmm` (epoch), `YYYY-MM-DD hh:mm:ss.mmm` or `MM-DD hh:mm:ss.mmm`
 * (device local time).
 */
function parseSince(arg: string): { count: number } | { time: number } | null {
  if (/^\d+$/.test(arg)) return { count: Number(arg) };
  if (/^\d+\.\d+$/.test(arg)) return { time: Math.round(Number(arg) * 1000) };
  const m = /^(?:(\d{4})-)?(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?$/.exec(arg);
  if (!m) return null;
  const year = m[1] ? Number(m[1]) : new Date().getFullYear();
  const [mo, d, h, mi, sec] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  return { time: new Date(year, mo - 1, d, h, mi, sec, Number((m[7] ?? '0').padEnd(3, '0'))).getTime() };
}

export const LOGCAT: ShellCommand[] = [
  {
    name: 'logcat',
    async run(ctx) {
      const args = ctx.argv.slice(1);
      let dump = false;
      let max: number | undefined;
      let since: number | undefined;
      let pid: number | undefined;
      let grepRe: RegExp | undefined;
      let format = THREADTIME;
      const buffers = new Set<LogBufferName>();
      const specs: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i] as string;
        if (a === '-c') {
          ctx.device.logs.clear();
          return 0;
        } else if (a === '-d') dump = true;
        else if (a === '-t' || a === '-T' || a === '-m') {
          const value = args[++i] ?? '';
          const from = a === '-m' ? { count: Number(value) } : parseSince(value);
          if (!from) {
            ctx.err(`logcat: invalid time or count '${value}' for ${a}\n`);
            return 1;
          }
          if ('count' in from) max = from.count;
          else since = from.time;
          if (a === '-t') dump = true;
        } else if (a.startsWith('--pid=')) pid = Number(a.slice(6));
        else if (a === '--pid') pid = Number(args[++i]);
        else if (a === '-e' || a.startsWith('--regex='))
          grepRe = new RegExp(a === '-e' ? (args[++i] ?? '') : a.slice(8));
        else if (a === '-v') format = applyFormat(format, args[++i] ?? '');
        else if (a.startsWith('-v')) format = applyFormat(format, a.slice(2));
        else if (a === '-b' || (a.startsWith('-b') && a.length > 2)) {
          const value = a === '-b' ? (args[++i] ?? '') : a.slice(2);
          for (const b of value.split(',')) {
            if (b === 'all' || b === 'default') {
              for (const x of b === 'all' ? LOG_BUFFERS : DEFAULT_LOG_BUFFERS) buffers.add(x);
            } else if ((LOG_BUFFERS as readonly string[]).includes(b)) buffers.add(b as LogBufferName);
            else {
              ctx.err(`logcat: unknown buffer '${b}'\n`);
              return 1;
            }
          }
        } else if (a === '-s') specs.push('*:S');
        else if (!a.startsWith('-')) specs.push(a);
      }
      const wanted: ReadonlySet<LogBufferName> = buffers.size ? buffers : new Set(DEFAULT_LOG_BUFFERS);
      const envTags = (ctx.env.ANDROID_LOG_TAGS ?? '').replace(/'/g, '').trim();
      const accept = makeFilter(specs.length ? specs : envTags ? envTags.split(/\s+/) : []);
      const matches = (e: LogEntry): boolean =>
        wanted.has(e.buffer ?? 'main') &&
        accept(e) &&
        (pid === undefined || e.pid === pid) &&
        (since === undefined || e.time >= since) &&
        (!grepRe || grepRe.test(e.message));
      // logcat names the buffer before the first line it prints from it, and again when it switches. The sim
      // does so when buffers were asked for with -b, keeping plain `logcat -d` output to log lines only.
      let current: LogBufferName | null = null;
      const print = (e: LogEntry): string => {
        const b = e.buffer ?? 'main';
        const mark =
          b === current || buffers.size === 0
            ? ''
            : `--------- ${current === null ? 'beginning of' : 'switch to'} ${b}\n`;
        current = b;
        return `${mark}${formatEntry(e, format)}\n`;
      };
      let lines = ctx.device.logs.all().filter(matches);
      if (max !== undefined && Number.isFinite(max)) lines = lines.slice(-max);
      ctx.out(lines.map(print).join(''));
      if (dump) return 0;
      // Without -d logcat follows the log until the reader goes away (adb's Ctrl-C closes the stream).
      await new Promise<void>((resolve) => {
        const stop = ctx.device.logs.follow((e) => {
          if (matches(e)) ctx.out(print(e));
        });
        ctx.signal.addEventListener('abort', () => (stop(), resolve()), { once: true });
      });
      return 0;
    },
  },
];
