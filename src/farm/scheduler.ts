import type { SessionStatus } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { childLog } from '../log.ts';
import type { DevicePool } from './pool.ts';
import { describeSelector, type DeviceSelector, type DeviceTraits } from './selectors.ts';

const log = childLog({ part: 'scheduler' });

export interface Job<P = unknown> {
  id: string;
  selector: DeviceSelector;
  /** Expected duration (from the scenario or a previous run); longer jobs start first. */
  estimateMs?: number;
  payload: P;
}

/**
 * What running a job on a device came to. Scenario outcomes (`done`, whatever the session status) are
 * results and never retried; `infra` failures (device lost, install failed for infrastructure reasons,
 * Appium/Frida/proxy failed to start) are retried on another matching device.
 */
export type JobOutcome =
  | { kind: 'done'; status: SessionStatus; session?: string; detail?: string }
  | { kind: 'infra'; error: Error; session?: string };

export interface JobContext {
  device: DeviceTraits;
  attempt: number;
  /** Aborted on a hard stop (second Ctrl-C) or when the job times out; `signal.reason` says which. */
  signal: AbortSignal;
}

export type Executor<P> = (job: Job<P>, ctx: JobContext) => Promise<JobOutcome>;

export interface Attempt {
  device: string;
  startedAt: number;
  endedAt: number;
  outcome: JobOutcome;
}

export interface JobRecord<P = unknown> {
  job: Job<P>;
  attempts: Attempt[];
  /** done: ran to a result; failed: infrastructure gave out; not-started: stopped before it ran. */
  final: 'done' | 'failed' | 'not-started';
  reason?: string;
}

export type SchedulerEvent =
  | { type: 'job-start'; job: string; device: string; attempt: number }
  | { type: 'job-end'; job: string; device: string; outcome: JobOutcome; ms: number }
  | { type: 'job-retry'; job: string; after: string; reason: string }
  | { type: 'job-unschedulable'; job: string; reason: string }
  | { type: 'device-quarantined'; device: string; reason: string }
  /** A device rebooted between jobs (`rebootEvery`); `error` when it did not come back. */
  | { type: 'device-reboot'; device: string; ms: number; error?: string };

export interface ScheduleOptions {
  /** Extra attempts after an infrastructure failure. */
  retries: number;
  jobTimeoutMs: number;
  stop?: StopSignal;
  onEvent?: (e: SchedulerEvent) => void;
  /**
   * Reboot a device before its next job once `every` jobs (attempts, retries included) ran on it since it
   * last booted. A device that does not come back (`run` throws) is quarantined and the job waits for
   * another device.
   */
  reboot?: { every: number; run: (device: DeviceTraits, signal: AbortSignal) => Promise<void> };
}

/**
 * Two-stage stop, as Ctrl-C works on a run: `graceful()` starts no new jobs and lets running ones finish;
 * `abort()` also aborts the running ones (their sessions end `aborted`).
 */
export class StopSignal {
  #graceful = false;
  readonly #hard = new AbortController();
  #listeners: (() => void)[] = [];

  get stopping(): boolean {
    return this.#graceful;
  }

  get hard(): AbortSignal {
    return this.#hard.signal;
  }

  graceful(): void {
    this.#graceful = true;
    for (const l of this.#listeners) l();
  }

  abort(reason = 'aborted by the user'): void {
    this.#graceful = true;
    this.#hard.abort(new Error(reason));
    for (const l of this.#listeners) l();
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }
}

function byEstimate<P>(a: Job<P>, b: Job<P>): number {
  return (b.estimateMs ?? 0) - (a.estimateMs ?? 0);
}

/**
 * Runs jobs in parallel across the pool: longest expected job first onto any free matching device (LPT,
 * within 4/3 of the optimal makespan for independent jobs), retrying infrastructure failures elsewhere.
 */
export async function runSchedule<P>(
  jobs: readonly Job<P>[],
  pool: DevicePool,
  execute: Executor<P>,
  opts: ScheduleOptions,
): Promise<JobRecord<P>[]> {
  const stop = opts.stop ?? new StopSignal();
  const emit = opts.onEvent ?? (() => undefined);
  const records = new Map<string, JobRecord<P>>();
  const failedOn = new Map<string, Set<string>>();
  for (const job of jobs) {
    if (records.has(job.id)) throw new Error(`Failed to schedule: job id '${job.id}' appears twice.`);
    records.set(job.id, { job, attempts: [], final: 'not-started' });
    failedOn.set(job.id, new Set());
  }
  let queue = [...jobs].sort(byEstimate);
  const running = new Set<Promise<void>>();
  let wake: () => void = () => undefined;
  const nudge = () => wake();
  const unsubscribe = pool.onChange(nudge);
  stop.onChange(nudge);
  const knownQuarantined = new Set<string>();

  const reportQuarantines = () => {
    for (const q of pool.quarantined()) {
      if (!knownQuarantined.has(q.id)) {
        knownQuarantined.add(q.id);
        emit({ type: 'device-quarantined', device: q.id, reason: q.reason });
      }
    }
  };

  /** Reboots a device whose turn has come; false when it did not come back (it is quarantined then). */
  const rebootBetweenJobs = async (device: DeviceTraits): Promise<boolean> => {
    const reboot = opts.reboot;
    if (!reboot) return true;
    const t0 = Date.now();
    try {
      await reboot.run(device, stop.hard);
      pool.rebooted(device.id);
      emit({ type: 'device-reboot', device: device.id, ms: Date.now() - t0 });
      return true;
    } catch (err) {
      const error = describeError(err);
      if (stop.hard.aborted) {
        // A hard stop ended the wait, not the device: it is left to finish booting on its own.
        emit({ type: 'device-reboot', device: device.id, ms: Date.now() - t0, error });
        return true;
      }
      log.warn({ device: device.id, err: error }, 'device did not come back from a reboot');
      emit({ type: 'device-reboot', device: device.id, ms: Date.now() - t0, error });
      pool.quarantine(device.id, `did not come back from a reboot: ${error}`);
      reportQuarantines();
      return false;
    }
  };

  const start = (job: Job<P>, device: DeviceTraits) => {
    const rebootFirst = opts.reboot !== undefined && pool.rebootDue(device.id, opts.reboot.every);
    const tracked = (async () => {
      if (rebootFirst) {
        if (!(await rebootBetweenJobs(device))) {
          // Not an attempt of the job: it goes back to the queue for another device.
          queue.push(job);
          queue.sort(byEstimate);
          return;
        }
        if (stop.stopping) {
          // Stopped while the device rebooted: the job does not start (and stays for --resume).
          pool.release(device.id, 'unused');
          return;
        }
      }
      await runAttempt(job, device);
    })().finally(() => {
      running.delete(tracked);
      nudge();
    });
    running.add(tracked);
  };

  const runAttempt = async (job: Job<P>, device: DeviceTraits): Promise<void> => {
    const record = records.get(job.id) as JobRecord<P>;
    const attempt = record.attempts.length + 1;
    const controller = new AbortController();
    const onHard = () => controller.abort(stop.hard.reason);
    stop.hard.addEventListener('abort', onHard, { once: true });
    const timer = setTimeout(
      () => controller.abort(new Error(`job timed out after ${opts.jobTimeoutMs} ms`)),
      opts.jobTimeoutMs,
    );
    const startedAt = Date.now();
    emit({ type: 'job-start', job: job.id, device: device.id, attempt });
    let outcome: JobOutcome;
    try {
      outcome = await execute(job, { device, attempt, signal: controller.signal });
    } catch (err) {
      // An executor that throws has failed in the infrastructure, not in the scenario.
      outcome = { kind: 'infra', error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      clearTimeout(timer);
      stop.hard.removeEventListener('abort', onHard);
    }
    const endedAt = Date.now();
    record.attempts.push({ device: device.id, startedAt, endedAt, outcome });
    emit({ type: 'job-end', job: job.id, device: device.id, outcome, ms: endedAt - startedAt });
    if (outcome.kind === 'done') {
      record.final = 'done';
      delete record.reason;
      pool.release(device.id, 'ok');
    } else {
      const reason = describeError(outcome.error);
      record.final = 'failed';
      record.reason = reason;
      (failedOn.get(job.id) as Set<string>).add(device.id);
      pool.release(device.id, 'infra-failure', reason);
      if (record.attempts.length <= opts.retries && !stop.stopping) {
        emit({ type: 'job-retry', job: job.id, after: device.id, reason });
        log.info({ job: job.id, device: device.id, reason }, 'retrying after an infrastructure failure');
        queue.push(job);
        queue.sort(byEstimate);
      }
    }
    reportQuarantines();
  };

  try {
    for (;;) {
      if (!stop.stopping) {
        const waiting: Job<P>[] = [];
        for (const job of queue) {
          const failed = failedOn.get(job.id) as Set<string>;
          // Prefer a device this job has not failed on; fall back to those only when nothing else matches.
          const elsewhere = pool.candidates(job.selector, failed).length > 0;
          const device = pool.tryLease(job.selector, elsewhere ? failed : new Set());
          if (device) {
            start(job, device);
            continue;
          }
          if (pool.candidates(job.selector).length === 0) {
            const record = records.get(job.id) as JobRecord<P>;
            const reason = `no usable device matches ${describeSelector(job.selector)}${
              pool.quarantined().length > 0 ? ' (some are quarantined)' : ''
            }`;
            record.final = 'failed';
            record.reason = record.reason ? `${record.reason}; then ${reason}` : reason;
            emit({ type: 'job-unschedulable', job: job.id, reason });
            continue;
          }
          waiting.push(job);
        }
        queue = waiting;
      }
      if (running.size === 0 && (queue.length === 0 || stop.stopping)) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    unsubscribe();
  }
  return [...records.values()];
}
