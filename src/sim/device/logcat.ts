/** The sim's log buffer, printed in logcat's default `threadtime` format. */
export type LogLevel = 'V' | 'D' | 'I' | 'W' | 'E' | 'F';
export const LOG_LEVELS: readonly LogLevel[] = ['V', 'D', 'I', 'W', 'E', 'F'];

export interface LogEntry {
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

/** `11-28 01:22:33.123  1234  1250 I ActivityManager: Start proc …` (logcat -v threadtime). */
export function formatThreadtime(e: LogEntry): string {
  const d = new Date(e.time);
  const stamp = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${stamp} ${String(e.pid).padStart(5)} ${String(e.tid).padStart(5)} ${e.level} ${e.tag.padEnd(8)}: ${e.message}`;
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
