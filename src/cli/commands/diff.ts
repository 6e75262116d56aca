import type { Command } from 'commander';
import Table from 'cli-table3';
import { openStore, storeExists } from '../../evidence/store.ts';
import { UsageError } from '../../errors.ts';
import { diffRuns, type DiffEntry, type RunDiff } from '../../report/diff.ts';
import { CommandExit, type CliContext } from '../context.ts';

export function registerDiff(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description('Compare the findings of two runs: new, fixed, unchanged (exit 1 when B has new findings)')
    .argument('<runA>', 'the earlier run')
    .argument('<runB>', 'the later run')
    .option('--json', 'print the comparison as JSON')
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      const dataDir = ctx.dataDir();
      if (!storeExists(dataDir)) {
        throw new UsageError(
          `Failed to open the evidence store: ${dataDir} has none. Pass --data or run a suite first.`,
        );
      }
      const store = openStore({ dataDir });
      let diff: RunDiff;
      try {
        diff = diffRuns(store, a, b);
      } finally {
        await store.close();
      }
      if (opts.json) ctx.out(`${JSON.stringify({ formatVersion: 1, ...diff }, null, 2)}\n`);
      else ctx.out(renderRunDiff(diff));
      if (diff.new.length > 0) throw new CommandExit(1);
    });
}

/** The diff as a table for people (also printed by `run --compare`). */
export function renderRunDiff(d: RunDiff): string {
  const head = `${d.a} → ${d.b}: ${d.new.length} new, ${d.fixed.length} fixed, ${d.unchanged.length} unchanged\n`;
  const rows: [string, DiffEntry][] = [
    ...d.new.map((e): [string, DiffEntry] => ['new', e]),
    ...d.fixed.map((e): [string, DiffEntry] => ['fixed', e]),
    ...d.unchanged.map((e): [string, DiffEntry] => ['unchanged', e]),
  ];
  let text = head;
  if (rows.length > 0) {
    const table = new Table({
      head: ['change', 'target', 'scenario', 'rule', 'sev', 'finding'],
      colWidths: [11, 24, 20, 18, 5, 60],
      wordWrap: true,
      style: { head: [], border: [] },
    });
    for (const [change, e] of rows)
      table.push([change, e.target, e.scenario, e.rule, e.severity, e.explanation]);
    text += `${table.toString()}\n`;
  }
  for (const e of d.notEvaluatedNow)
    text += `not evaluated in ${d.b} (was in ${d.a}): ${e.rule} on ${e.target} / ${e.scenario}\n`;
  for (const e of d.evaluatedAgain)
    text += `evaluated again in ${d.b}: ${e.rule} on ${e.target} / ${e.scenario}\n`;
  return text;
}
