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

const THREADTIME =
  /^(?:(\d{4})-)?(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3,9})\s+(\d+)\s+(\d+)\s+([VDIWEFA])\s(.*?)\s*: ?(.*)$/;
const EPOCH = /^\s*(\d{9,11})\.(\d{3,9})\s+(\d+)\s+(\d+)\s+([VDIWEFA])\s(.*?)\s*: ?(.*)$/;
const TIME =
  /^(?:(\d{4})-)?(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3,9})\s+([VDIWEFA])\/(.*?)\(\s*(\d+)\): ?(.*)$/;
const BRIEF = /^([VDIWEFA])\/(.*?)\(\s*(\d+)\): ?(.*)$/;
const BUFFER_MARK = /^-{9} (?:beginning of|switch to) (\w+)/;

export interface ParseOptions {
  /** For stamps without a year (plain `threadtime`): default the host's current year, corrected at New Year. */
  now?: Date;
}

/**
 * Month-day stamps are device local time without a year; the host's time zone and year are assumed (a
 * device on another zone is shifted by that offset — use `-v epoch` where the time matters).
 */
function localStamp(year: string | undefined, parts: string[], now: Date): number {
  const [mo, d, h, mi, s] = parts.slice(0, 5).map(Number) as [number, number, number, number, number];
  const ms = Number(`${parts[5] ?? '0'}00`.slice(0, 3));
  let y = year ? Number(year) : now.getFullYear();
  let t = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  // A December line read in January belongs to last year.
  if (!year && t - now.getTime() > 180 * 86_400_000) t = new Date(--y, mo - 1, d, h, mi, s, ms).getTime();
  return t;
}

export function parseLogcatLine(text: string, opts: ParseOptions = {}): LogcatLine | null {
  const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
  const now = opts.now ?? new Date();
  let m = EPOCH.exec(raw);
  if (m) {
    return {
      time: Number(m[1]) * 1000 + Number(`${m[2]}00`.slice(0, 3)),
      pid: Number(m[3]),
      tid: Number(m[4]),
      level: m[5] as LogcatLevel,
      tag: m[6] as string,
      message: m[7] as string,
      raw,
    };
  }
  m = THREADTIME.exec(raw);
  if (m) {
    return {
      time: localStamp(m[1], m.slice(2, 8) as string[], now),
      pid: Number(m[8]),
      tid: Number(m[9]),
      level: m[10] as LogcatLevel,
      tag: m[11] as string,
      message: m[12] as string,
      raw,
    };
  }
  m = TIME.exec(raw);
  if (m) {
    return {
      time: localStamp(m[1], m.slice(2, 8) as string[], now),
      pid: Number(m[10]),
      tid: null,
      level: m[8] as LogcatLevel,
      tag: (m[9] as string).trimEnd(),
      message: m[11] as string,
      raw,
    };
  }
  m = BRIEF.exec(raw);
  if (m) {
    return {
      time: null,
      pid: Number(m[3]),
      tid: null,
      level: m[1] as LogcatLevel,
      tag: (m[2] as string).trimEnd(),
      message: m[4] as string,
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
