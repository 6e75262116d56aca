import type { Command } from 'commander';
import { runDoctor } from '../../farm/doctor.ts';
import { CommandExit, type CliContext } from '../context.ts';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('Check this machine: Node, adb, Appium and drivers, Frida, the CA, the data folder')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      const checks = await runDoctor(ctx.dataDir());
      if (opts.json) {
        ctx.out(`${JSON.stringify(checks, null, 2)}\n`);
      } else {
        for (const c of checks) {
          const mark = c.ok ? 'OK     ' : c.optional ? 'MISSING' : 'FAIL   ';
          ctx.out(`${mark} ${c.name}: ${c.detail}\n`);
          if (!c.ok && c.fix) ctx.out(`        fix: ${c.fix}\n`);
        }
      }
      if (checks.some((c) => !c.ok && !c.optional)) throw new CommandExit(2);
    });
}
