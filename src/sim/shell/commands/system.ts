import path from 'node:path/posix';
import { mountBind, mountsOf, mountTmpfs, unmount } from '../../mounts.ts';
import { powerOf } from '../../power.ts';
import type { CommandContext, ShellCommand } from '../types.ts';

/**
 * Commands for rebooting and for the CA placement of rooted devices: `reboot`, `mount`/`umount` (tmpfs and
 * bind), `nsenter --mount=/proc/PID/ns/mnt`, `cp`, `chcon`, `chown`. Mounts need root (`su`), as on Android.
 */

const isRoot = (ctx: CommandContext) => ctx.env.APPWARDEN_SU === '1';
/** The mount namespace a command runs in: the pid nsenter entered, or 0 for adbd's own. */
const namespace = (ctx: CommandContext) => Number(ctx.env.APPWARDEN_NS ?? 0);

function operands(argv: string[]): { flags: string; args: string[] } {
  const flags = argv
    .slice(1)
    .filter((a) => /^-[a-zA-Z]+$/.test(a))
    .join('');
  return { flags, args: argv.slice(1).filter((a) => !a.startsWith('-')) };
}

function mount(ctx: CommandContext): number {
  const argv = ctx.argv.slice(1);
  if (argv.length === 0) {
    for (const m of mountsOf(ctx.device))
      ctx.out(`${m.source} on ${m.target} type ${m.type === 'bind' ? 'none' : 'tmpfs'} (rw)\n`);
    return 0;
  }
  if (!isRoot(ctx)) {
    ctx.err('mount: Operation not permitted\n');
    return 1;
  }
  const bind = argv.includes('--bind') || (argv.includes('-o') && argv[argv.indexOf('-o') + 1] === 'bind');
  const typeAt = argv.indexOf('-t');
  const rest = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '-t' && argv[i - 1] !== '-o');
  const [source, target] = rest;
  if (!source || !target) {
    ctx.err('usage: mount [-t TYPE] [-o OPTS] [--bind] SOURCE TARGET\n');
    return 1;
  }
  if (ctx.device.fs.stat(target)?.kind !== 'dir') {
    ctx.err(`mount: '${target}'->'${source}': No such file or directory\n`);
    return 1;
  }
  if (bind) {
    if (ctx.device.fs.stat(source)?.kind !== 'dir') {
      ctx.err(`mount: '${source}': No such file or directory\n`);
      return 1;
    }
    mountBind(ctx.device, source, target, namespace(ctx));
    return 0;
  }
  if (typeAt >= 0 && argv[typeAt + 1] === 'tmpfs') {
    mountTmpfs(ctx.device, target, namespace(ctx));
    return 0;
  }
  ctx.err(`mount: unsupported mount of '${source}' on the sim\n`);
  return 1;
}

function umount(ctx: CommandContext): number {
  if (!isRoot(ctx)) {
    ctx.err('umount: Operation not permitted\n');
    return 1;
  }
  const { args } = operands(ctx.argv);
  let status = 0;
  for (const t of args) {
    if (!unmount(ctx.device, t, namespace(ctx))) {
      ctx.err(`umount: ${t}: Invalid argument\n`);
      status = 1;
    }
  }
  return status;
}

/** `nsenter --mount=/proc/PID/ns/mnt -- CMD…` or `nsenter -t PID -m -- CMD…`. */
async function nsenter(ctx: CommandContext): Promise<number> {
  const argv = ctx.argv.slice(1);
  const sep = argv.indexOf('--');
  const opts = sep >= 0 ? argv.slice(0, sep) : argv.filter((a) => a.startsWith('-'));
  const command = sep >= 0 ? argv.slice(sep + 1) : argv.filter((a) => !a.startsWith('-'));
  let pid: number | undefined;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i] as string;
    const m = /^--mount=\/proc\/(\d+)\/ns\/mnt$/.exec(o);
    if (m) pid = Number(m[1]);
    if (o === '-t' || o === '--target') pid = Number(opts[++i]);
  }
  if (pid === undefined || command.length === 0) {
    ctx.err('usage: nsenter --mount=/proc/PID/ns/mnt -- COMMAND...\n');
    return 1;
  }
  if (!isRoot(ctx)) {
    ctx.err(`nsenter: open /proc/${pid}/ns/mnt: Permission denied\n`);
    return 1;
  }
  if (!ctx.device.processList().some((p) => p.pid === pid)) {
    ctx.err(`nsenter: open /proc/${pid}/ns/mnt: No such file or directory\n`);
    return 1;
  }
  const name = (command[0] as string).replace(/^\/(system\/)?bin\//, '');
  return ctx.run([name, ...command.slice(1)], { APPWARDEN_NS: String(pid) });
}

function cp(ctx: CommandContext): number {
  const { flags, args } = operands(ctx.argv);
  const recursive = /[rRa]/.test(flags);
  const dest = args.pop();
  if (!dest || args.length === 0) {
    ctx.err('usage: cp [-afpr] SOURCE... DEST\n');
    return 1;
  }
  const fs = ctx.device.fs;
  const intoDir = fs.stat(dest)?.kind === 'dir';
  let status = 0;
  const copyFile = (from: string, to: string) => {
    const st = fs.stat(from);
    fs.write(to, Buffer.from(fs.read(from) ?? Buffer.alloc(0)), st ? st.mode & 0o7777 : 0o644);
  };
  for (const src of args) {
    const st = fs.stat(src);
    const to = intoDir ? `${dest}/${path.basename(src)}` : dest;
    if (!st) {
      ctx.err(`cp: ${src}: No such file or directory\n`);
      status = 1;
    } else if (st.kind === 'file') copyFile(src, to);
    else if (!recursive) {
      ctx.err(`cp: ${src}: Is a directory (not copied)\n`);
      status = 1;
    } else {
      fs.mkdirp(to);
      for (const e of fs.list(src) ?? [])
        if (e.stat.kind === 'file') copyFile(`${src}/${e.name}`, `${to}/${e.name}`);
    }
  }
  return status;
}

/** SELinux labels and owners are not modelled; the commands check that their operands exist. */
function relabel(ctx: CommandContext): number {
  const { args } = operands(ctx.argv);
  const files = args.slice(1);
  const missing = files.filter((f) => !ctx.device.fs.stat(f));
  for (const f of missing) ctx.err(`${ctx.argv[0]}: ${f}: No such file or directory\n`);
  return files.length === 0 || missing.length > 0 ? 1 : 0;
}

export const SYSTEM: ShellCommand[] = [
  {
    name: 'reboot',
    run(ctx) {
      const power = powerOf(ctx.device);
      if (!power) {
        ctx.err('reboot: not supported on this sim\n');
        return 1;
      }
      power.reboot(ctx.argv[1] ?? 'shell');
      return 0;
    },
  },
  { name: 'mount', run: mount },
  { name: 'umount', run: umount },
  { name: 'nsenter', run: nsenter },
  { name: 'cp', run: cp },
  { name: 'chcon', run: relabel },
  { name: 'chown', run: relabel },
];
