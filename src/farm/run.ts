import fs from 'node:fs';
import { DEFAULT_REBOOT_TIMEOUT_S, type DevicesFile } from '../config/devices.ts';
import type { SuiteFile, SuiteTarget } from '../config/suite.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import { newId } from '../evidence/store.ts';
import type { RunStatus } from '../evidence/types.ts';
import { AppwardenError, UsageError } from '../errors.ts';
import { childLog } from '../log.ts';
import { isXapk, xapkPackageName } from '../device/xapk.ts';
import { readApk } from '../sim/apk/manifest.ts';
import { Farm, type FarmDevice } from './farm.ts';
import { planHooks, type HooksPlan } from './hooks.ts';
import { DevicePool } from './pool.ts';
import { ResourceScope } from './resources.ts';
import { runSchedule, type Job, type JobRecord, type SchedulerEvent, type StopSignal } from './scheduler.ts';
import { matches, type DeviceSelector } from './selectors.ts';
import { runSession, type ScenarioRunner } from './session.ts';

const log = childLog({ part: 'run' });

/** One job of a run: a target × a scenario × a device selector (issue 6). Stored with the run for --resume. */
export interface RunJob {
  id: string;
  target: { name: string; apks: string[]; pkg: string; category: string | null; firstParty: string[] };
  scenario: { file: string; params: Record<string, string | number | boolean> };
  selector: DeviceSelector;
}

/** Turns a scenario file (+ params) into the runner that plays it; the journeys part provides it. */
export type ScenarioRunnerFactory = (scenario: RunJob['scenario']) => ScenarioRunner;

export interface RunOptions {
  store: EvidenceStore;
  dataDir: string;
  devices: DevicesFile;
  /** A new run from a suite, or the id of an interrupted run to continue. */
  suite?: { file: string; value: SuiteFile };
  resume?: string;
  scenarioRunner: ScenarioRunnerFactory;
  stop: StopSignal;
  onEvent?: (e: RunEvent) => void;
  /** Extra upstream CA certificates for the capture proxy (test servers). */
  upstreamCa?: string | string[];
  /** Decide hooks per device (default: planHooks — in-process on sims, Frida elsewhere); tests may turn them off. */
  planHooks?: (device: FarmDevice) => Promise<HooksPlan | undefined>;
  /** Called once the farm is up (progress displays list its devices; tests reach its sims). */
  onFarm?: (farm: Farm) => void;
  /** Kept in a new run's meta beside its jobs (e.g. the analysis settings it is judged with). */
  meta?: Record<string, unknown>;
}

export type RunEvent =
  | SchedulerEvent
  | { type: 'run-start'; run: string; jobs: number; resumed: boolean; devices: string[] }
  | { type: 'job-status'; job: string; device: string; text: string };

export interface RunResult {
  run: string;
  status: RunStatus;
  records: JobRecord<RunJob>[];
  /** Sessions this invocation created, in job order. */
  sessions: string[];
}

async function packageOf(target: SuiteTarget, apks: string[]): Promise<string> {
  if (target.package) return target.package;
  const first = apks[0] as string;
  if (isXapk(first)) {
    try {
      return await xapkPackageName(first);
    } catch (err) {
      throw new UsageError(`Failed to read target ${first}: ${(err as Error).message}`, { cause: err });
    }
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(first);
  } catch (err) {
    throw new UsageError(`Failed to read target ${first}: ${(err as Error).message}.`, { cause: err });
  }
  try {
    return readApk(bytes).packageName;
  } catch (err) {
    throw new UsageError(`Failed to read target ${first}: not a valid APK (${(err as Error).message}).`, {
      cause: err,
    });
  }
}

/** Jobs = targets × scenarios × device selectors, in that order. */
export async function planJobs(suite: SuiteFile): Promise<RunJob[]> {
  const jobs: RunJob[] = [];
  for (const [ti, target] of suite.targets.entries()) {
    const apks = target.apk === undefined ? [] : Array.isArray(target.apk) ? target.apk : [target.apk];
    const pkg = await packageOf(target, apks);
    for (const [si, scenario] of suite.scenarios.entries()) {
      for (const [di, selector] of suite.devices.entries()) {
        jobs.push({
          id: `t${ti + 1}-s${si + 1}-d${di + 1}`,
          target: {
            name: target.name ?? pkg,
            apks,
            pkg,
            category: target.category ?? null,
            firstParty: target.firstParty,
          },
          scenario: { file: scenario.file, params: scenario.params },
          selector: {
            ...(selector.name !== undefined ? { id: selector.name } : {}),
            ...(selector.kind !== undefined ? { kind: selector.kind } : {}),
            ...(selector.tags !== undefined ? { tags: selector.tags } : {}),
            ...(selector.sdk !== undefined ? { sdk: selector.sdk } : {}),
            ...(selector.abi !== undefined ? { abi: selector.abi } : {}),
            ...(selector.root !== undefined ? { root: selector.root } : {}),
          },
        });
      }
    }
  }
  return jobs;
}

/** Jobs of a stored run that have no session that ran to a result (aborted and never-started ones). */
export function unfinishedJobs(store: EvidenceStore, run: string): RunJob[] {
  const stored = store.getRun(run);
  if (!stored) throw new UsageError(`Failed to resume ${run}: no such run in this data folder.`);
  const jobs = (stored.meta as { jobs?: RunJob[] }).jobs;
  if (!Array.isArray(jobs))
    throw new UsageError(`Failed to resume ${run}: the run has no job list (not started by 'run').`);
  const finished = new Set<string>();
  for (const s of store.listSessions({ run })) {
    const job = (s.meta as { job?: string }).job;
    const outcome = (s.meta as { outcome?: string }).outcome;
    if (
      job &&
      s.status !== 'aborted' &&
      s.status !== 'running' &&
      s.status !== 'incomplete' &&
      outcome !== 'infra'
    ) {
      finished.add(job);
    }
  }
  return jobs.filter((j) => !finished.has(j.id));
}

/**
 * A run: plan (or resume) the jobs, bring up the farm, schedule sessions across devices in parallel, and
 * release everything — devices' proxy settings above all — however the run ends.
 */
export async function executeRun(opts: RunOptions): Promise<RunResult> {
  const { store } = opts;
  let run: string;
  let jobs: RunJob[];
  if (opts.resume) {
    run = opts.resume;
    jobs = unfinishedJobs(store, run);
  } else if (opts.suite) {
    jobs = await planJobs(opts.suite.value);
    run = newId('run');
    store.createRun({
      id: run,
      suite: opts.suite.file,
      meta: { ...opts.meta, jobs, suite: opts.suite.value.name },
    });
  } else {
    throw new UsageError('Failed to start a run: give a suite (--suite) or a run to resume (--resume).');
  }

  const scope = new ResourceScope(`run ${run}`);
  const sessions: string[] = [];
  let records: JobRecord<RunJob>[] = [];
  try {
    const farm = await Farm.open(opts.devices, scope, undefined, {
      // Boot only the emulators some job could run on.
      boot: (d) => jobs.some((j) => matches(d, j.selector)),
    });
    opts.onFarm?.(farm);
    opts.onEvent?.({
      type: 'run-start',
      run,
      jobs: jobs.length,
      resumed: opts.resume !== undefined,
      devices: farm.usable().map((d) => d.id),
    });
    const pool = new DevicePool(farm.usable(), { quarantineAfter: opts.devices.farm.quarantineAfter });
    const scheduled: Job<RunJob>[] = jobs.map((j) => ({ id: j.id, selector: j.selector, payload: j }));
    records = await runSchedule(
      scheduled,
      pool,
      async (job, ctx) => {
        const session = newId('session');
        sessions.push(session);
        const farmDevice = farm.get(ctx.device.id);
        const hooks = await (opts.planHooks ?? planHooks)(farmDevice);
        const device = await farm.connect(ctx.device.id);
        try {
          const outcome = await runSession({
            run,
            session,
            target: {
              apks: job.payload.target.apks,
              pkg: job.payload.target.pkg,
              ...(job.payload.target.category ? { category: job.payload.target.category } : {}),
              firstPartyDomains: job.payload.target.firstParty,
            },
            scenario: opts.scenarioRunner(job.payload.scenario),
            deviceName: farmDevice.name,
            deviceKind: farmDevice.config.kind,
            device,
            store,
            dataDir: opts.dataDir,
            signal: ctx.signal,
            jobId: job.id,
            onStatus: (text) =>
              opts.onEvent?.({ type: 'job-status', job: job.id, device: ctx.device.id, text }),
            ...(opts.upstreamCa !== undefined ? { upstreamCa: opts.upstreamCa } : {}),
            ...(hooks ? { hooks } : {}),
          });
          return outcome;
        } finally {
          await device
            .close()
            .catch((err: unknown) => log.debug({ err }, 'closing the device connection failed'));
        }
      },
      {
        retries: opts.devices.farm.retries,
        jobTimeoutMs: opts.devices.farm.jobTimeout * 1000,
        stop: opts.stop,
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
        reboot: {
          every: opts.devices.farm.rebootEvery,
          run: async (d, signal) =>
            void (await farm.reboot(
              d.id,
              (opts.devices.farm.rebootTimeout ?? DEFAULT_REBOOT_TIMEOUT_S) * 1000,
              signal,
            )),
        },
      },
    );
  } finally {
    const failures = await scope.releaseAll();
    for (const f of failures) log.warn({ run, err: f.message }, 'cleanup after the run failed');
  }
  const status: RunStatus = opts.stop.stopping
    ? opts.stop.hard.aborted
      ? 'aborted'
      : 'incomplete'
    : records.some((r) => r.final === 'failed')
      ? 'error'
      : 'passed';
  store.finishRun(run, status);
  if (jobs.length === 0 && opts.resume) {
    throw new AppwardenError(`Nothing to resume in ${run}: every job already ran to a result.`);
  }
  return { run, status, records, sessions };
}
