/** The sim's log buffer, printed in logcat's default `threadtime` format. */
export type LogLevel = 'V' | 'D' | 'I' | 'W' | 'E' | 'F';
export const LOG_LEVELS: readonly LogLevel[] = ['V', 'D', 'I', 'W', 'E', 'F'];

/** logd's buffers the sim keeps apart: `logcat -b` picks them, the default is main, system and crash. */
export const LOG_BUFFERS = ['main', 'system', 'crash', 'events', 'radio'] as const;
export type LogBufferName = (typeof LOG_BUFFERS)[number];
export const DEFAULT_LOG_BUFFERS: readonly LogBufferName[] = ['main', 'system', 'crash'];

export interface LogEntry {
  /** Which buffer the line went to (default main). */
  buffer?: LogBufferName;
  /** Epoch ms. */
  time: number;
  pid: number;
  tid: number;
  level: LogLevel;
  tag: string;
  message: string;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** How `logcat -v` prints: a layout plus the `epoch` / `year` modifiers. */
export interface LogFormat {
  layout: 'threadtime' | 'time' | 'brief';
  epoch: boolean;
  year: boolean;
}

export const THREADTIME: LogFormat = { layout: 'threadtime', epoch: false, year: false };

function stamp(time: number, f: LogFormat): string {
  if (f.epoch) return `${Math.floor(time / 1000)}.${pad(time % 1000, 3)}`;
  const d = new Date(time);
  const day = `${f.year ? `${d.getFullYear()}-` : ''}${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * One entry as logcat prints it, one output line per line of the message (each with the full header,
 * as logcat does): `11-28 01:22:33.123  1234  1250 I ActivityManager: Start proc …` (threadtime).
 */
export function formatEntry(e: LogEntry, f: LogFormat = THREADTIME): string {
  return e.message
    .split('\n')
    .map((m) => {
      if (f.layout === 'brief') return `${e.level}/${e.tag}(${String(e.pid).padStart(5)}): ${m}`;
      if (f.layout === 'time')
        return `${stamp(e.time, f)} ${e.level}/${e.tag}(${String(e.pid).padStart(5)}): ${m}`;
      return `${stamp(e.time, f)} ${String(e.pid).padStart(5)} ${String(e.tid).padStart(5)} ${e.level} ${e.tag.padEnd(8)}: ${m}`;
    })
    .join('\n');
}

/** `logcat -v threadtime` of one entry. */
export function formatThreadtime(e: LogEntry): string {
  return formatEntry(e, THREADTIME);
}

export class LogBuffer {
  private entries: LogEntry[] = [];
  private readonly listeners = new Set<(e: LogEntry) => void>();

  /** The main buffer of a real device holds 256 KB; we keep the newest `capacity` lines. */
  constructor(private readonly capacity = 20_000) {}

  add(e: LogEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const l of this.listeners) l(e);
  }

  all(): readonly LogEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }

  /** How many `logcat` readers are following the log right now. */
  get followers(): number {
    return this.listeners.size;
  }

  /** Calls `listener` for every new line until the returned function is called. */
  follow(listener: (e: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
