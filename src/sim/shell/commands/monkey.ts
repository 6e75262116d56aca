import { PackageFailure } from '../../device/packages.ts';
import type { ShellCommand } from '../types.ts';

/** `monkey -p PKG [-c CATEGORY] N`: the launcher-intent trick tooling uses to start an app by package. */
export const MONKEY: ShellCommand[] = [
  {
    name: 'monkey',
    run(ctx) {
      const args = ctx.argv.slice(1);
      const pkgs: string[] = [];
      for (let i = 0; i < args.length; i++) if (args[i] === '-p') pkgs.push(args[++i] ?? '');
      const count = Number(args.at(-1));
      if (pkgs.length === 0 || !Number.isInteger(count)) {
        ctx.err('usage: monkey [-p ALLOWED_PACKAGE [-p ALLOWED_PACKAGE] ...] [-c MAIN_CATEGORY ...] COUNT\n');
        return 1;
      }
      const pkg = pkgs.find((p) => ctx.device.packages.get(p)?.launchActivity);
      for (const p of pkgs) ctx.out(`  bash arg: -p\n  bash arg: ${p}\n`);
      if (!pkg) {
        ctx.out('** No activities found to run, monkey aborted.\n');
        return 251;
      }
      const began = Date.now();
      try {
        if (count > 0) ctx.device.startActivity(pkg);
      } catch (err) {
        if (!(err instanceof PackageFailure)) throw err;
        ctx.out('** No activities found to run, monkey aborted.\n');
        return 251;
      }
      ctx.out(
        `Events injected: ${count}\n## Network stats: elapsed time=${Date.now() - began}ms (0ms mobile, ${Date.now() - began}ms wifi, 0ms not connected)\n`,
      );
      return 0;
    },
  },
];
