import type { CommandContext } from './types.ts';

/**
 * Executables pushed to a sim (`adb push frida-server /data/local/tmp/`) cannot run native code, so a sim
 * binary is a small text file that names what it stands for: `APPWARDEN-SIM-BINARY <name> <version>`.
 * Running its path runs the behaviour registered here; any other file fails the way a wrong binary does.
 */
export const SIM_BINARY_MAGIC = 'APPWARDEN-SIM-BINARY';

export interface SimBinary {
  name: string;
  run(ctx: CommandContext, version: string, path: string): Promise<number> | number;
}

/** The bytes of a stand-in binary to push to a sim, e.g. `simBinary('frida-server', '17.2.11')`. */
export function simBinary(name: string, version: string): Buffer {
  return Buffer.from(`${SIM_BINARY_MAGIC} ${name} ${version}\n`);
}

export const FRIDA_DEFAULT_PORT = 27042;

function parseListen(value: string | undefined): { host: string; port: number } | null {
  const m = /^(?:(\d+\.\d+\.\d+\.\d+)(?::(\d+))?|:(\d+))$/.exec(value ?? '');
  if (!m) return null;
  return { host: m[1] ?? '0.0.0.0', port: Number(m[2] ?? m[3] ?? FRIDA_DEFAULT_PORT) };
}

/** frida-server's command line: `--version`, `-D` (daemonise), `-l ADDR[:PORT]`; root is needed to start. */
const FRIDA_SERVER: SimBinary = {
  name: 'frida-server',
  async run(ctx, version, path) {
    const args = ctx.argv.slice(1);
    if (args.includes('--version')) {
      ctx.out(`${version}\n`);
      return 0;
    }
    let listen = { host: '0.0.0.0', port: FRIDA_DEFAULT_PORT };
    const l = args.findIndex((a) => a === '-l' || a === '--listen' || a.startsWith('--listen='));
    if (l >= 0) {
      const arg = args[l] as string;
      const parsed = parseListen(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[l + 1]);
      if (!parsed) {
        ctx.err(`Unable to parse listen address\n`);
        return 1;
      }
      listen = parsed;
    }
    const root = ctx.env.APPWARDEN_SU === '1';
    if (!root) {
      // What frida-server prints when started as the shell user on an enforcing device.
      ctx.err(
        'Unable to load SELinux policy from the kernel: Failed to open file “/sys/fs/selinux/policy”: Permission denied\n',
      );
      return 1;
    }
    const device = ctx.device;
    if (device.native.listener(listen.port)) {
      ctx.err(
        `Unable to start: Error binding to address ${listen.host}:${listen.port}: Address already in use\n`,
      );
      return 1;
    }
    const proc = device.native.start({ ppid: 1, uid: 0, user: 'root', name: 'frida-server', path, listen });
    if (args.includes('-D') || args.includes('--daemonize')) return 0;
    // In the foreground it serves until the shell goes away.
    await new Promise<void>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    device.native.kill(proc.pid);
    return 0;
  },
};

const BINARIES: ReadonlyMap<string, SimBinary> = new Map([[FRIDA_SERVER.name, FRIDA_SERVER]]);

/**
 * Runs the file at argv[0] (a path). Exit codes and messages follow mksh: 127 not found, 126 not
 * executable (mode or format).
 */
export async function runPath(ctx: CommandContext): Promise<number> {
  const path = ctx.argv[0] as string;
  const st = ctx.device.fs.stat(path);
  if (!st) {
    ctx.err(`/system/bin/sh: ${path}: No such file or directory\n`);
    return 127;
  }
  if (st.kind === 'dir' || (st.mode & 0o111) === 0) {
    ctx.err(`/system/bin/sh: ${path}: can't execute: Permission denied\n`);
    return 126;
  }
  const head = (ctx.device.fs.read(path) ?? Buffer.alloc(0)).subarray(0, 200).toString('latin1');
  const m = new RegExp(`^${SIM_BINARY_MAGIC} (\\S+) (\\S+)`).exec(head);
  const binary = m ? BINARIES.get(m[1] as string) : undefined;
  if (!m || !binary) {
    const kind = head.startsWith('\x7fELF')
      ? 'ELF file (the sim runs no native code)'
      : 'unknown file format';
    ctx.err(`/system/bin/sh: ${path}: not executable: ${kind}\n`);
    return 126;
  }
  return binary.run(ctx, m[2] as string, path);
}
