import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { startSims, untilInterrupted } from '../../sim/index.ts';
import type { CliContext } from '../context.ts';

function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`Failed to parse ${name}: '${value}' is not a whole number from ${min} to ${max}.`);
  }
  return n;
}

export function registerSim(program: Command, ctx: CliContext): void {
  const sim = program.command('sim').description('Start simulated handsets for exploring with adb');
  sim
    .command('start')
    .description('Start N simulated handsets, print their serials (127.0.0.1:PORT) and run until Ctrl-C')
    .option('--count <n>', 'how many sims to start (1-64)', '1')
    .option('--seed <seed>', 'base seed: the same seed gives the same identities (default: random)')
    .option('--port <port>', 'port of the first sim, the next ones count up (default: free ports)', '0')
    .action(async (opts: { count: string; seed?: string; port: string }) => {
      const sims = await startSims({
        count: intOption('--count', opts.count, 1, 64),
        seed: opts.seed,
        port: intOption('--port', opts.port, 0, 65535),
      });
      for (const s of sims) ctx.out(`${s.serial}\n`);
      await untilInterrupted();
      await Promise.all(sims.map((s) => s.stop()));
    });
}
