import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { createProgress } from '../../farm/progress.ts';
import { runCommand, type RunCommandOptions, type RunCommandResult } from '../../farm/run-command.ts';
import { CommandExit, type CliContext } from '../context.ts';
import { renderRunDiff } from './diff.ts';

/** Where appwarden itself is installed: the demo's suite and farm ship with it. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEMO_SUITE = path.join(PACKAGE_ROOT, 'scenarios/suites/demo.yaml');
export const DEMO_DEVICES = path.join(PACKAGE_ROOT, 'devices.yaml');

interface RunFlags {
  suite?: string;
  app?: string;
  scenario?: string;
  category?: string;
  resume?: string;
  devices: string;
  rules?: string;
  report?: string;
  junit?: string;
  compare?: string;
  appium: boolean;
}

/** The findings verdict, kept apart from whether the infrastructure ran every session. */
export function verdict(r: {
  analyses: readonly { findings: readonly { status: string; severity: string }[] }[];
  failOn: string;
}): string {
  const by = new Map<string, number>();
  let affected = 0;
  for (const a of r.analyses) {
    const v = a.findings.filter((f) => f.status === 'violation');
    if (v.length > 0) affected += 1;
    for (const f of v) by.set(f.severity, (by.get(f.severity) ?? 0) + 1);
  }
  const total = [...by.values()].reduce((x, y) => x + y, 0);
  if (total === 0) return 'no violations';
  const parts = ['C', 'H', 'M', 'L'].filter((s) => by.has(s)).map((s) => `${by.get(s)} ${s}`);
  return `${total} violation(s) (${parts.join(', ')}) in ${affected} session(s), failing at ${r.failOn} or above`;
}

/** What `run` prints at the end: the verdict, a table of sessions by app and scenario, the report paths. */
export function renderRunSummary(
  r: Pick<
    RunCommandResult,
    'run' | 'status' | 'analyses' | 'sessions' | 'failOn' | 'reportFile' | 'junitFile'
  >,
): string {
  const table = new Table({
    head: ['app', 'scenario', 'status', 'findings', 'rules'],
    style: { head: [], border: [] },
    colWidths: [34, 24, 10, 10, 46],
    wordWrap: true,
  });
  // Grouped by app then scenario, as a lab reads them; the session id stays findable in the report.
  const rows = r.analyses.map((a) => ({ a, s: r.sessions[a.session] }));
  rows.sort(
    (x, y) =>
      (x.s?.target ?? '').localeCompare(y.s?.target ?? '') ||
      (x.s?.scenario ?? '').localeCompare(y.s?.scenario ?? '') ||
      x.a.session.localeCompare(y.a.session),
  );
  for (const { a, s } of rows) {
    const rules = [
      ...new Set(a.findings.filter((f) => f.status === 'violation').map((f) => `${f.rule} (${f.severity})`)),
    ];
    table.push([
      s ? `${s.target}\n${a.session}` : a.session,
      s?.scenario ?? '',
      a.sessionStatus,
      String(a.violations),
      rules.join(', '),
    ]);
  }
  const lines = [
    `run ${r.run}: ${verdict(r)}; infrastructure ${r.status} (${r.analyses.length} session(s))`,
    table.toString(),
  ];
  if (r.reportFile) lines.push(`report: ${r.reportFile}`);
  if (r.junitFile) lines.push(`junit: ${r.junitFile}`);
  return `${lines.join('\n')}\n`;
}

async function execute(ctx: CliContext, flags: RunFlags): Promise<void> {
  const progress = createProgress(process.stderr, (line) => ctx.err(line));
  const opts: RunCommandOptions = {
    dataDir: ctx.dataDir(),
    devicesFile: flags.devices,
    ...(flags.suite ? { suiteFile: flags.suite } : {}),
    ...(flags.app ? { app: flags.app } : {}),
    ...(flags.scenario ? { scenario: flags.scenario } : {}),
    ...(flags.category ? { category: flags.category } : {}),
    ...(flags.resume ? { resume: flags.resume } : {}),
    ...(flags.rules ? { rulesFile: flags.rules } : {}),
    ...(flags.report ? { reportFile: flags.report } : {}),
    ...(flags.junit ? { junitFile: flags.junit } : {}),
    ...(flags.compare ? { compare: flags.compare } : {}),
    appium: flags.appium,
    onEvent: (e) => progress.event(e),
    onSignal: (m) => ctx.err(`appwarden: ${m}`),
  };
  let result: RunCommandResult;
  try {
    result = await runCommand(opts);
  } finally {
    await progress.close();
  }
  ctx.out(renderRunSummary(result));
  if (result.diff) ctx.out(renderRunDiff(result.diff));
  if (result.exitCode !== 0) throw new CommandExit(result.exitCode);
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run a suite (or --app/--scenario) on the device farm and report findings')
    .option('--suite <file>', 'suite file: targets × scenarios × device selectors')
    .option('--app <apk|package>', 'one app (APK file or installed package) instead of a suite')
    .option('--scenario <file>', 'the scenario to run with --app')
    .option('--category <category>', 'app category (RULES.md R8) with --app')
    .option('--resume <run>', 'continue an interrupted run with its unfinished jobs')
    .option('--devices <file>', 'devices file', 'devices.yaml')
    .option('--rules <file>', 'rules settings file (overrides the suite’s)')
    .option('--report <file>', 'HTML report path (default: <data>/reports/<run>.html)')
    .option('--junit <file>', 'also write a JUnit report for CI')
    .option('--compare <run>', 'print findings new or fixed since this earlier run')
    .option('--no-appium', 'drive the UI over plain ADB instead of the Appium server')
    .action((flags: RunFlags) => execute(ctx, flags));

  program
    .command('demo')
    .description('Run the demo suite on the built-in simulated farm')
    .option('--report <file>', 'HTML report path (default: <data>/reports/<run>.html)')
    .option('--no-appium', 'drive the UI over plain ADB instead of the Appium server')
    .action((flags: { report?: string; appium: boolean }) =>
      execute(ctx, {
        suite: DEMO_SUITE,
        devices: DEMO_DEVICES,
        appium: flags.appium,
        ...(flags.report ? { report: flags.report } : {}),
      }),
    );
}
