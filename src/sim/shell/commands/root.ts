import type { ShellCommand } from '../types.ts';

/**
 * `su` as Magisk/userdebug builds offer it: `su 0 CMD…`, `su root CMD…` or `su -c 'CMD…'` run the command
 * as root — only on a sim configured `root: true`; elsewhere `su` does not exist, as on a user build.
 * `df` answers with the layout toybox prints.
 */
export const ROOT: ShellCommand[] = [
  {
    name: 'su',
    async run(ctx) {
      if (!ctx.device.rooted) {
        ctx.err('/system/bin/sh: su: inaccessible or not found\n');
        return 127;
      }
      let args = ctx.argv.slice(1);
      if (args[0] === '0' || args[0] === 'root') args = args.slice(1);
      // `su -c 'cmd args'`: the sim splits the command on blanks (no nested shell syntax).
      if (args[0] === '-c') args = args.slice(1).join(' ').trim().split(/\s+/);
      if (args.length === 0 || args[0] === '') return 0;
      return ctx.run(args, { APPWARDEN_SU: '1' });
    },
  },
  {
    name: 'df',
    run(ctx) {
      const rows: [string, number, number, string][] = [
        ['/dev/block/dm-0', 2_998_764, 2_957_416, '/'],
        ['tmpfs', 1_898_212, 1_024, '/dev'],
        ['/dev/block/dm-5', 52_428_800, 9_876_544, '/data'],
      ];
      const wanted = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
      ctx.out('Filesystem      1K-blocks    Used Available Use% Mounted on\n');
      for (const [fs, size, used, mount] of rows) {
        if (wanted.length > 0 && !wanted.includes(mount)) continue;
        const avail = size - used;
        const pct = `${Math.ceil((used / size) * 100)}%`;
        ctx.out(
          `${fs.padEnd(15)} ${String(size).padStart(9)} ${String(used).padStart(7)} ${String(avail).padStart(9)} ${pct.padStart(4)} ${mount}\n`,
        );
      }
      return 0;
    },
  },
];
