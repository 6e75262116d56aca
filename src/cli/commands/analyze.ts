import type { Command } from 'commander';
import Table from 'cli-table3';
import { analyzeStored, isSeverity, type SessionAnalysis } from '../../analysis/engine.ts';
import { UsageError } from '../../errors.ts';
import { CommandExit, type CliContext } from '../context.ts';

export function registerAnalyze(program: Command, ctx: CliContext): void {
  program
    .command('analyze')
    .description('Re-run the rules on a stored session or run (exit 0 clean, 1 findings, 2 error)')
    .argument('<id>', 'session or run id')
    .option('--rules <file>', 'rules settings file (YAML): disable rules, change params and severities')
    .option('--fail-on <severity>', 'lowest severity that fails: C, H, M or L', 'L')
    .option('--json', 'print the findings as JSON')
    .action(async (id: string, opts: { rules?: string; failOn: string; json?: boolean }) => {
      const failOn = opts.failOn.toUpperCase();
      if (!isSeverity(failOn)) {
        throw new UsageError(`Failed to parse --fail-on ${opts.failOn}: expected C, H, M or L.`);
      }
      const results = await analyzeStored({ dataDir: ctx.dataDir(), id, rulesFile: opts.rules, failOn });
      if (opts.json) ctx.out(`${JSON.stringify({ formatVersion: 1, failOn, sessions: results }, null, 2)}\n`);
      else for (const r of results) ctx.out(render(r));
      if (results.some((r) => r.status === 'findings')) throw new CommandExit(1);
    });
}

function render(r: SessionAnalysis): string {
  const head = `session ${r.session}: ${r.status} (${r.violations} violation${r.violations === 1 ? '' : 's'}, ${r.notEvaluated} not evaluated)\n`;
  if (r.findings.length === 0) return `${head}\n`;
  const table = new Table({
    head: ['rule', 'sev', 'status', 'finding', 'evidence'],
    colWidths: [20, 5, 15, 70, 16],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const f of r.findings) {
    const ev = f.evidence.length > 4 ? `${f.evidence.slice(0, 4).join(',')},…` : f.evidence.join(',');
    table.push([f.rule, f.status === 'violation' ? f.severity : '-', f.status, f.explanation, ev]);
  }
  return `${head}${table.toString()}\n\n`;
}
