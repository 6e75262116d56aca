import path from 'node:path/posix';
import { SimFs } from '../../device/fs.ts';
import type { CommandContext, ShellCommand } from '../types.ts';

/** The toybox/mksh basics tooling runs around the Android commands. */

const simple = (name: string, run: ShellCommand['run'], aliases?: string[]): ShellCommand => ({
  name,
  run,
  aliases,
});

function perm(mode: number, dir: boolean): string {
  const bits = ['r', 'w', 'x'];
  let s = dir ? 'd' : '-';
  for (let i = 8; i >= 0; i--) s += mode & (1 << i) ? bits[(8 - i) % 3] : '-';
  return s;
}

function ls(ctx: CommandContext): number {
  const flags = ctx.argv
    .slice(1)
    .filter((a) => a.startsWith('-'))
    .join('');
  const long = flags.includes('l');
  const targets = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  let status = 0;
  const many = targets.length > 1;
  for (const t of targets.length ? targets : ['/']) {
    const st = ctx.device.fs.stat(t);
    if (many && st?.kind === 'dir') ctx.out(`${t}:\n`);
    if (!st) {
      ctx.err(`ls: ${t}: No such file or directory\n`);
      status = 1;
      continue;
    }
    const rows = st.kind === 'dir' ? (ctx.device.fs.list(t) ?? []) : [{ name: t, stat: st }];
    for (const r of rows) {
      if (!long) ctx.out(`${r.name}\n`);
      else {
        const d = new Date(r.stat.mtime * 1000).toISOString().slice(0, 16).replace('T', ' ');
        ctx.out(
          `${perm(r.stat.mode, r.stat.kind === 'dir')} 1 shell shell ${String(r.stat.size).padStart(8)} ${d} ${r.name}\n`,
        );
      }
    }
  }
  return status;
}

async function grep(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const files: string[] = [];
  let invert = false;
  let ignoreCase = false;
  let onlyMatching = false;
  let count = false;
  let fixed = false;
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-e') patterns.push(args[++i] ?? '');
    else if (/^-[a-zA-Z]+$/.test(a)) {
      invert ||= a.includes('v');
      ignoreCase ||= a.includes('i');
      onlyMatching ||= a.includes('o');
      count ||= a.includes('c');
      fixed ||= a.includes('F');
    } else if (patterns.length === 0 && !args.includes('-e')) patterns.push(a);
    else files.push(a);
  }
  let input = '';
  if (files.length === 0) input = (await ctx.stdin.readAll()).toString('utf8');
  for (const f of files) {
    const data = ctx.device.fs.read(f);
    if (!data) {
      ctx.err(`grep: ${f}: No such file or directory\n`);
      return 2;
    }
    input += data.toString('utf8');
  }
  if (patterns.length === 0) {
    ctx.err('usage: grep [-EFciov] PATTERN\n');
    return 2;
  }
  const res = patterns.map(
    (p) => new RegExp(fixed ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p, ignoreCase ? 'gi' : 'g'),
  );
  let n = 0;
  for (const line of input.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '')) {
    const hits = res.flatMap((r) => [...line.matchAll(r)].map((m) => m[0]));
    if (hits.length > 0 === invert) continue;
    n++;
    if (count) continue;
    ctx.out(onlyMatching && !invert ? hits.map((h) => `${h}\n`).join('') : `${line}\n`);
  }
  if (count) ctx.out(`${n}\n`);
  return n > 0 ? 0 : 1;
}

/** toybox chmod: octal (`755`) or symbolic `[ugoa]*[+-=][rwx]+` modes. */
function chmodPerm(mode: string, current: number): number | null {
  if (/^[0-7]{3,4}$/.test(mode)) return parseInt(mode, 8);
  const m = /^([ugoa]*)([+=-])([rwx]+)$/.exec(mode);
  if (!m) return null;
  const who = m[1] || 'a';
  let bits = 0;
  for (const w of who === 'a' ? 'ugo' : who) {
    const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
    for (const r of m[3] as string) bits |= (r === 'r' ? 4 : r === 'w' ? 2 : 1) << shift;
  }
  if (m[2] === '+') return current | bits;
  if (m[2] === '-') return current & ~bits;
  return bits;
}

export const BUILTINS: ShellCommand[] = [
  simple('true', () => 0),
  simple('false', () => 1),
  simple('exit', (ctx) => Number(ctx.argv[1] ?? 0) & 0xff),
  simple('echo', (ctx) => {
    const args = ctx.argv.slice(1);
    const noNewline = args[0] === '-n';
    ctx.out(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
    return 0;
  }),
  simple('export', () => 0),
  simple('exec', (ctx) => (ctx.argv.length > 1 ? ctx.run(ctx.argv.slice(1)) : 0)),
  simple('cd', () => 0),
  simple('pwd', (ctx) => (ctx.out('/\n'), 0)),
  simple('id', (ctx) => {
    // Under `su` the command runs as root; otherwise as adbd's shell user.
    const root = ctx.env.APPWARDEN_SU === '1';
    if (ctx.argv[1] === '-u') ctx.out(root ? '0\n' : '2000\n');
    else if (root) ctx.out('uid=0(root) gid=0(root) groups=0(root) context=u:r:magisk:s0\n');
    else
      ctx.out(
        'uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),3003(inet) context=u:r:shell:s0\n',
      );
    return 0;
  }),
  simple('whoami', (ctx) => (ctx.out('shell\n'), 0)),
  simple('sleep', async (ctx) => {
    const ms = Math.min(60_000, Number(ctx.argv[1] ?? 0) * 1000);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Number.isFinite(ms) ? ms : 0);
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    return 0;
  }),
  simple(
    'uname',
    (ctx) => (
      ctx.out(ctx.argv.includes('-a') ? 'Linux localhost 4.14.117-perf #1 SMP PREEMPT aarch64\n' : 'Linux\n'),
      0
    ),
  ),
  simple(
    'date',
    (ctx) => (
      ctx.out(`${ctx.argv[1] === '+%s' ? Math.floor(Date.now() / 1000) : new Date().toString()}\n`),
      0
    ),
  ),
  simple('getenforce', (ctx) => (ctx.out('Enforcing\n'), 0)),
  simple('ls', ls),
  simple('cat', async (ctx) => {
    const files = ctx.argv.slice(1);
    if (files.length === 0) {
      ctx.out(await ctx.stdin.readAll());
      return 0;
    }
    let status = 0;
    for (const f of files) {
      const data = ctx.device.fs.read(f);
      if (data) ctx.out(data);
      else {
        ctx.err(`cat: ${f}: No such file or directory\n`);
        status = 1;
      }
    }
    return status;
  }),
  simple('mkdir', (ctx) => {
    for (const d of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) ctx.device.fs.mkdirp(d);
    return 0;
  }),
  simple('touch', (ctx) => {
    for (const f of ctx.argv.slice(1)) if (!ctx.device.fs.stat(f)) ctx.device.fs.write(f, Buffer.alloc(0));
    return 0;
  }),
  simple('chmod', (ctx) => {
    const [mode, ...files] = ctx.argv.slice(1).filter((a) => a !== '-R');
    let status = 0;
    for (const f of files) {
      const st = ctx.device.fs.stat(f);
      const perm = st ? chmodPerm(mode ?? '', st.mode & 0o7777) : null;
      if (!st) ctx.err(`chmod: ${f}: No such file or directory\n`);
      else if (perm === null) ctx.err(`chmod: bad mode '${mode ?? ''}'\n`);
      if (!st || perm === null) {
        status = 1;
        continue;
      }
      ctx.device.fs.chmod(f, perm);
    }
    return status;
  }),
  simple('kill', (ctx) => {
    const pids = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    let status = 0;
    for (const p of pids) {
      const proc = ctx.device.native.get(Number(p));
      if (proc && proc.uid === 0 && ctx.env.APPWARDEN_SU !== '1') {
        ctx.err(`kill: ${p}: Operation not permitted\n`);
        status = 1;
      } else if (!proc || !ctx.device.native.kill(proc.pid)) {
        // App processes die through am force-stop; system processes are not the shell's to kill.
        ctx.err(`kill: ${p}: No such process\n`);
        status = 1;
      }
    }
    return status;
  }),
  simple('rm', (ctx) => {
    const recursive = ctx.argv.some((a) => /^-[a-zA-Z]*[rR]/.test(a));
    const force = ctx.argv.some((a) => /^-[a-zA-Z]*f/.test(a));
    let status = 0;
    for (const f of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
      try {
        if (!ctx.device.fs.remove(f, recursive) && !force) {
          ctx.err(`rm: ${f}: No such file or directory\n`);
          status = 1;
        }
      } catch (e) {
        ctx.err(`rm: ${(e as Error).message}\n`);
        status = 1;
      }
    }
    return status;
  }),
  simple('mv', (ctx) => {
    const [from, to] = ctx.argv.slice(1);
    const data = from ? ctx.device.fs.read(from) : undefined;
    if (!from || !to || !data) {
      ctx.err(`mv: ${from ?? ''}: No such file or directory\n`);
      return 1;
    }
    const dest = ctx.device.fs.stat(to)?.kind === 'dir' ? path.join(to, path.basename(from)) : to;
    ctx.device.fs.write(SimFs.normalize(dest), data);
    ctx.device.fs.remove(from);
    return 0;
  }),
  simple('grep', grep, ['egrep']),
  simple('which', (ctx) => {
    const name = ctx.argv[1];
    if (!name) return 1;
    ctx.out(`/system/bin/${name}\n`);
    return 0;
  }),
];
