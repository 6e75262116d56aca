/**
 * What Android logs when an app crashes or stops responding, as AOSP writes it (RuntimeInit's
 * uncaught-exception handler, bionic's fatal-signal handler + crash_dump/debuggerd, ActivityManager's
 * AppErrors). The sim writes these so logcat readers meet the real layouts.
 */

export interface CrashSpec {
  /** Java exception class, e.g. `java.lang.NullPointerException`. */
  exception: string;
  message?: string;
  /** Frames innermost first (`com.x.Main.onCreate(Main.java:12)`). */
  frames: string[];
  thread?: string;
  /** Native crash: the signal instead of an exception. */
  signal?: NativeSignal;
}

export const NATIVE_SIGNALS = ['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE'] as const;
export type NativeSignal = (typeof NATIVE_SIGNALS)[number];

const SIGNAL_INFO: Record<NativeSignal, { no: number; code: string }> = {
  SIGSEGV: { no: 11, code: 'code 1 (SEGV_MAPERR), fault addr 0x0' },
  SIGABRT: { no: 6, code: 'code -1 (SI_QUEUE), fault addr --------' },
  SIGBUS: { no: 7, code: 'code 1 (BUS_ADRALN), fault addr 0x7b1f' },
  SIGILL: { no: 4, code: 'code 1 (ILL_ILLOPC), fault addr 0x7b1e5c' },
  SIGFPE: { no: 8, code: 'code 1 (FPE_INTDIV), fault addr 0x7b1e5c' },
};

/** The AndroidRuntime message (one log entry, printed as one line per text line). */
export function javaCrashMessage(pkg: string, pid: number, spec: CrashSpec): string {
  const head = spec.message ? `${spec.exception}: ${spec.message}` : spec.exception;
  return [
    `FATAL EXCEPTION: ${spec.thread ?? 'main'}`,
    `Process: ${pkg}, PID: ${pid}`,
    head,
    ...spec.frames.map((f) => `\tat ${f}`),
  ].join('\n');
}

/** bionic's one-line report from the crashing process. */
export function fatalSignalMessage(pkg: string, pid: number, tid: number, spec: CrashSpec): string {
  const sig = spec.signal ?? 'SIGSEGV';
  const { no, code } = SIGNAL_INFO[sig];
  return `Fatal signal ${no} (${sig}), ${code} in tid ${tid} (${spec.thread ?? 'main'}), pid ${pid} (${pkg})`;
}

/** crash_dump's tombstone summary, one log entry per line as debuggerd writes them. */
export function tombstoneLines(
  pkg: string,
  pid: number,
  tid: number,
  fingerprint: string,
  spec: CrashSpec,
): string[] {
  const sig = spec.signal ?? 'SIGSEGV';
  const { no, code } = SIGNAL_INFO[sig];
  const lib = `/data/app/${pkg}-1/lib/arm64/libnative.so`;
  return [
    '*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
    `Build fingerprint: '${fingerprint}'`,
    "Revision: '0'",
    "ABI: 'arm64'",
    `pid: ${pid}, tid: ${tid}, name: ${spec.thread ?? 'main'}  >>> ${pkg} <<<`,
    `signal ${no} (${sig}), ${code}`,
    ...(spec.message ? [`Abort message: '${spec.message}'`] : []),
    'backtrace:',
    ...spec.frames.map(
      (f, i) =>
        `    #${String(i).padStart(2, '0')} pc 000000000000${(0x1e5c + i * 0x40).toString(16)}  ${lib} (${f})`,
    ),
  ];
}

/** ActivityManager's ANR report (AppErrors / ProcessErrorStateRecord). */
export function anrMessage(pkg: string, activity: string, pid: number, reason: string): string {
  return [
    `ANR in ${pkg} (${pkg}/${activity})`,
    `PID: ${pid}`,
    `Reason: ${reason}`,
    'Parent: null',
    'Load: 2.11 / 1.87 / 1.52',
    'CPU usage from 0ms to 5012ms later:',
    `  96% ${pid}/${pkg}: 94% user + 2% kernel`,
  ].join('\n');
}
