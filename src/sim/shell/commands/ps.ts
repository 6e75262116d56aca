import type { ShellCommand } from '../types.ts';

/** toybox `ps -A` / `ps -A -o PID,NAME` basics and `pidof`. */
export const PS: ShellCommand[] = [
  {
    name: 'ps',
    run(ctx) {
      const procs = ctx.device.processList();
      const filter = ctx.argv
        .slice(1)
        .find((a) => !a.startsWith('-') && ctx.argv[ctx.argv.indexOf(a) - 1] !== '-o');
      ctx.out(
        'USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME                       \n',
      );
      for (const p of procs) {
        if (filter && p.name !== filter && String(p.pid) !== filter) continue;
        const vsz = p.pid < 600 ? 10_000_000 + p.pid : 14_000_000 + p.pid * 31;
        const rss = p.pid < 600 ? 4_000 + p.pid : 90_000 + p.pid * 7;
        ctx.out(
          `${p.user.padEnd(10)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(5)} ${String(vsz).padStart(7)} ${String(rss).padStart(6)} 0                   0 S ${p.name}\n`,
        );
      }
      return 0;
    },
  },
  {
    name: 'pidof',
    run(ctx) {
      const pids = ctx.argv
        .slice(1)
        .map((n) => ctx.device.pidOf(n))
        .filter((p): p is number => p !== undefined);
      if (pids.length === 0) return 1;
      ctx.out(`${pids.join(' ')}\n`);
      return 0;
    },
  },
];
