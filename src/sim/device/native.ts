import type { SimProcess } from './device.ts';

/**
 * Native daemons started from the sim's shell (a pushed frida-server) and the TCP ports they listen on,
 * which `/proc/net/tcp` shows as the kernel does.
 */
export interface NativeProcess extends SimProcess {
  /** The executable's path. */
  path: string;
  listen?: { host: string; port: number };
}

export class NativeProcesses {
  readonly #procs = new Map<number, NativeProcess>();

  constructor(private readonly allocatePid: () => number) {}

  start(p: Omit<NativeProcess, 'pid' | 'started'>): NativeProcess {
    const proc: NativeProcess = { ...p, pid: this.allocatePid(), started: Date.now() };
    this.#procs.set(proc.pid, proc);
    return proc;
  }

  get(pid: number): NativeProcess | undefined {
    return this.#procs.get(pid);
  }

  kill(pid: number): boolean {
    return this.#procs.delete(pid);
  }

  list(): NativeProcess[] {
    return [...this.#procs.values()];
  }

  /** Who listens on a port, if anyone. */
  listener(port: number): NativeProcess | undefined {
    return this.list().find((p) => p.listen?.port === port);
  }
}

/** Sockets a fresh handset always has listening (adbd in tcpip mode). */
const BASE_LISTENERS: { host: string; port: number; uid: number }[] = [
  { host: '0.0.0.0', port: 5555, uid: 2000 },
];

/** `0.0.0.0` → `00000000`, `127.0.0.1` → `0100007F`: the kernel prints IPv4 addresses little-endian. */
function hexAddress(host: string, port: number): string {
  const octets = host.split('.').map(Number);
  const ip = [...octets]
    .reverse()
    .map((o) => o.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  return `${ip}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `/proc/net/tcp`: one row per listening socket (state 0A = LISTEN). */
export function procNetTcp(procs: readonly NativeProcess[]): Buffer {
  const rows = [
    ...BASE_LISTENERS,
    ...procs
      .filter((p) => p.listen)
      .map((p) => ({ ...(p.listen as { host: string; port: number }), uid: p.uid })),
  ];
  const lines = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    ...rows.map(
      (r, i) =>
        `${String(i).padStart(4)}: ${hexAddress(r.host, r.port)} 00000000:0000 0A 00000000:00000000 00:00000000 00000000 ${String(r.uid).padStart(5)}        0 ${31_337 + i} 1 0000000000000000 100 0 0 10 0`,
    ),
  ];
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** `/proc/net/tcp6` with no IPv6 listeners: the header alone. */
export function procNetTcp6(): Buffer {
  return Buffer.from(
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n',
  );
}
