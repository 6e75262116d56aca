/**
 * One line of `logcat` output. Understood layouts (what `-v` gives, with or without the `year`/`epoch`
 * modifiers): `threadtime` (`11-28 01:22:33.123  1234  1250 I Tag: msg`), `threadtime` + `year`
 * (`2026-11-28 01:22:33.123 …`), `threadtime` + `epoch` (`1764292953.123  1234  1250 I Tag: msg`),
 * `time` (`11-28 01:22:33.123 I/Tag( 1234): msg`) and `brief` (`I/Tag( 1234): msg`).
 * Old adbd (legacy `shell:`) turns `\n` into `\r\n`: a trailing `\r` is dropped.
 */
export type LogcatLevel = 'V' | 'D' | 'I' | 'W' | 'E' | 'F' | 'A';

export interface LogcatLine {
  /** Device wall clock, epoch ms; null for `brief`. Month-day stamps take the year from `year`. */
  time: number | null;
  pid: number;
  tid: number | null;
  level: LogcatLevel;
  tag: string;
  message: string;
  /** The line as printed (without the line end). */
  raw: string;
}

/** `--------- beginning of crash`: logcat names the buffer the next lines come from. */
export interface LogcatBufferMark {
  buffer: string;
}

// Named groups, one parse for every layout: `epoch` or a month-day stamp (`year` optional) or no time.
const STAMP = String.raw`(?:(?<year>\d{4})-)?(?<mo>\d\d)-(?<d>\d\d) (?<h>\d\d):(?<mi>\d\d):(?<s>\d\d)\.(?<frac>\d{3,9})`;
const THREADTIME = new RegExp(
  String.raw`^${STAMP}\s+(?<pid>\d+)\s+(?<tid>\d+)\s+(?<level>[VDIWEFA])\s(?<tag>.*?)\s*: ?(?<msg>.*)$`,
);
const EPOCH =
  /^\s*(?<epoch>\d{9,11})\.(?<frac>\d{3,9})\s+(?<pid>\d+)\s+(?<tid>\d+)\s+(?<level>[VDIWEFA])\s(?<tag>.*?)\s*: ?(?<msg>.*)$/;
const TIME = new RegExp(
  String.raw`^${STAMP}\s+(?<level>[VDIWEFA])\/(?<tag>.*?)\(\s*(?<pid>\d+)\): ?(?<msg>.*)$`,
);
const BRIEF = /^(?<level>[VDIWEFA])\/(?<tag>.*?)\(\s*(?<pid>\d+)\): ?(?<msg>.*)$/;
const LAYOUTS = [EPOCH, THREADTIME, TIME, BRIEF];
const BUFFER_MARK = /^-{9} (?:beginning of|switch to) (\w+)/;

export interface ParseOptions {
  /** For stamps without a year (plain `threadtime`): default the host's current year, corrected at New Year. */
  now?: Date;
}

/**
 * Month-day stamps are device local time without a year; the host's time zone and year are assumed (a
 * device on another zone is shifted by that offset — use `-v epoch` where the time matters).
 */
function localStamp(g: Record<string, string | undefined>, now: Date): number {
  const [mo, d, h, mi, s] = [g.mo, g.d, g.h, g.mi, g.s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number(`${g.frac ?? '0'}00`.slice(0, 3));
  let y = g.year ? Number(g.year) : now.getFullYear();
  let t = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  // A December line read in January belongs to last year.
  if (!g.year && t - now.getTime() > 180 * 86_400_000) t = new Date(--y, mo - 1, d, h, mi, s, ms).getTime();
  return t;
}

function timeOf(g: Record<string, string | undefined>, now: Date): number | null {
  if (g.epoch) return Number(g.epoch) * 1000 + Number(`${g.frac}00`.slice(0, 3));
  return g.mo ? localStamp(g, now) : null;
}

export function parseLogcatLine(text: string, opts: ParseOptions = {}): LogcatLine | null {
  const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
  for (const layout of LAYOUTS) {
    const g = layout.exec(raw)?.groups;
    if (!g) continue;
    return {
      time: timeOf(g, opts.now ?? new Date()),
      pid: Number(g.pid),
      tid: g.tid === undefined ? null : Number(g.tid),
      level: g.level as LogcatLevel,
      tag: (g.tag as string).trimEnd(),
      message: g.msg as string,
      raw,
    };
  }
  return null;
}

export function parseBufferMark(text: string): LogcatBufferMark | null {
  const m = BUFFER_MARK.exec(text);
  return m ? { buffer: m[1] as string } : null;
}

/** Splits a byte stream into lines (UTF-8 safe across chunk borders); `end()` returns the unterminated rest. */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  #rest = '';

  push(chunk: Uint8Array): string[] {
    const text = this.#rest + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.#rest = lines.pop() ?? '';
    return lines;
  }

  end(): string[] {
    const rest = this.#rest + this.#decoder.decode();
    this.#rest = '';
    return rest ? [rest] : [];
  }
}
