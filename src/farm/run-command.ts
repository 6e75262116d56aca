import path from 'node:path';
import {
  analyzeSession,
  resolveRules,
  type EngineOptions,
  type SessionAnalysis,
} from '../analysis/engine.ts';
import { loadConfigFile, parseConfigText } from '../config/load.ts';
import type { SuiteFile } from '../config/suite.ts';
import { openStore } from '../evidence/store.ts';
import { UsageError } from '../errors.ts';
import { childLog } from '../log.ts';
import { diffRuns, type RunDiff } from '../report/diff.ts';
import { writeReport } from '../report/index.ts';
import { startAppiumServer, type AppiumServer } from '../ui/appium-server.ts';
import { createScenarioRunner } from '../ui/runner.ts';
import { executeRun, type RunEvent, type RunResult } from './run.ts';
import { StopSignal } from './scheduler.ts';
import { knownRuleParams } from '../analysis/known-rules.ts';
import { runAnalysisSettings, type RunAnalysisSettings } from '../analysis/run-settings.ts';

const log = childLog({ part: 'run-command' });

const SEVERITY_ORDER = ['C', 'H', 'M', 'L'] as const;

export interface RunCommandOptions {
  dataDir: string;
  devicesFile: string;
  suiteFile?: string;
  /** Shorthand for a one-target, one-scenario suite. */
  app?: string;
  scenario?: string;
  category?: string;
  resume?: string;
  rulesFile?: string;
  /** Where the HTML report goes (default: <data>/reports/<run>.html). */
  reportFile?: string;
  junitFile?: string;
  /** A previous run to compare findings with (new, fixed, unchanged). */
  compare?: string;
  /** Drive the UI through Appium (default) or over plain ADB. */
  appium?: boolean;
  onEvent: (e: RunEvent) => void;
  /** Notified of Ctrl-C handling, for the CLI to print. */
  onSignal?: (message: string) => void;
}

export interface RunCommandResult {
  run: string;
  status: RunResult['status'];
  analyses: SessionAnalysis[];
  reportFile: string | null;
  junitFile: string | null;
  /** DESIGN.md exit codes: 0 clean, 1 findings at/above failOn, 2 infrastructure/usage; 130 interrupted. */
  exitCode: number;
  failOn: (typeof SEVERITY_ORDER)[number];
  /** Findings new or fixed since `compare`, when asked. */
  diff: RunDiff | null;
  /** What each session of the run tested, by session id (for tables people read). */
  sessions: Record<string, { target: string; scenario: string; device: string }>;
}

function adHocSuite(
  app: string,
  scenario: string,
  category: string | undefined,
): { file: string; value: SuiteFile } {
  const isApk = /\.(apk|xapk)$/i.test(app);
  const file = path.resolve('adhoc-suite.yaml');
  const target = isApk ? { apk: path.resolve(app) } : { package: app };
  const text = JSON.stringify({
    name: `${path.basename(app)} × ${path.basename(scenario)}`,
    targets: [{ ...target, ...(category ? { category } : {}) }],
    scenarios: [path.resolve(scenario)],
  });
  return { file, value: parseConfigText(text, file, 'suite') };
}

/** The analysis settings kept with an earlier run (see src/analysis/run-settings.ts). */
async function storedSettings(dataDir: string, run: string): Promise<RunAnalysisSettings | undefined> {
  const store = openStore({ dataDir });
  try {
    return runAnalysisSettings(store.getRun(run));
  } finally {
    await store.close();
  }
}

/**
 * `appwarden run`: a suite on the farm, then analysis of every session, the HTML report (and JUnit),
 * and an exit code. Ctrl-C once: no new jobs, running sessions finish; twice: they are aborted. Either
 * way the devices are restored before it returns.
 */
export async function runCommand(opts: RunCommandOptions): Promise<RunCommandResult> {
  const devices = loadConfigFile(opts.devicesFile, 'devices');
  let suite: { file: string; value: SuiteFile } | undefined;
  if (opts.suiteFile)
    suite = { file: path.resolve(opts.suiteFile), value: loadConfigFile(opts.suiteFile, 'suite') };
  else if (opts.app && opts.scenario) suite = adHocSuite(opts.app, opts.scenario, opts.category);
  else if (!opts.resume)
    throw new UsageError(
      'Failed to start a run: give --suite FILE, or --app APK --scenario FILE, or --resume RUN.',
    );

  // A resumed run is judged as it was started (its settings are in its meta) unless told otherwise.
  const stored = opts.resume && !opts.rulesFile ? await storedSettings(opts.dataDir, opts.resume) : undefined;
  const rulesFile = opts.rulesFile ?? suite?.value.rules;
  const settings = rulesFile
    ? loadConfigFile(rulesFile, 'rules', { knownRules: knownRuleParams() })
    : undefined;
  const failOn = suite?.value.failOn ?? stored?.failOn ?? 'H';
  const source = rulesFile ?? stored?.rulesFile;
  const engine: EngineOptions = {
    rules: settings?.rules ?? stored?.rules ?? {},
    failOn,
    ...(source ? { source } : {}),
  };
  // Settings are checked before any device is touched.
  resolveRules(engine);
  if (suite) for (const s of suite.value.scenarios) createScenarioRunner(s.file, s.params);

  const stop = new StopSignal();
  let signals = 0;
  const onSignal = (name: string) => {
    signals++;
    if (signals === 1) {
      stop.graceful();
      opts.onSignal?.(`${name}: no new jobs; running sessions finish (press Ctrl-C again to abort them)`);
    } else {
      stop.abort(`aborted by ${name}`);
      opts.onSignal?.(`${name} again: aborting running sessions; restoring devices`);
    }
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const store = openStore({ dataDir: opts.dataDir });
  if (opts.compare && !store.getRun(opts.compare)) {
    await store.close();
    throw new UsageError(`Failed to compare with ${opts.compare}: no such run in ${opts.dataDir}.`);
  }
  let appium: AppiumServer | null = null;
  try {
    if (opts.appium !== false) {
      appium = await startAppiumServer({
        home: path.join(opts.dataDir, 'appium'),
        logFile: path.join(opts.dataDir, 'appium.log'),
      });
    }
    const endpoint = appium ? { hostname: appium.hostname, port: appium.port } : undefined;
    const result = await executeRun({
      store,
      dataDir: opts.dataDir,
      devices,
      ...(suite ? { suite } : {}),
      ...(opts.resume ? { resume: opts.resume } : {}),
      scenarioRunner: (s) => createScenarioRunner(s.file, s.params, endpoint ? { appium: endpoint } : {}),
      stop,
      onEvent: opts.onEvent,
      meta: { analysis: { rules: engine.rules, failOn, ...(source ? { rulesFile: source } : {}) } },
    });

    const analyses: SessionAnalysis[] = [];
    const sessions: RunCommandResult['sessions'] = {};
    for (const s of store.listSessions({ run: result.run })) {
      sessions[s.id] = { target: s.target, scenario: s.scenario, device: s.device };
      try {
        analyses.push(analyzeSession(store, s.id, engine));
      } catch (err) {
        // A failing analysis of one session must not hide the others' results.
        log.error({ session: s.id, err }, 'analysis failed');
      }
    }
    await store.flush();
    const reportFile = writeReport(
      store,
      result.run,
      'html',
      opts.reportFile ?? path.join(opts.dataDir, 'reports', `${result.run}.html`),
    ).path;
    const junitFile = opts.junitFile ? writeReport(store, result.run, 'junit', opts.junitFile).path : null;

    const threshold = SEVERITY_ORDER.indexOf(failOn);
    const failing = analyses.some((a) =>
      a.findings.some((f) => f.status === 'violation' && SEVERITY_ORDER.indexOf(f.severity) <= threshold),
    );
    const diff = opts.compare ? diffRuns(store, opts.compare, result.run) : null;
    const exitCode = stop.stopping ? 130 : result.status === 'error' ? 2 : failing ? 1 : 0;
    return {
      run: result.run,
      status: result.status,
      analyses,
      reportFile,
      junitFile,
      exitCode,
      failOn,
      diff,
      sessions,
    };
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await appium?.stop();
    await store.close();
  }
}
