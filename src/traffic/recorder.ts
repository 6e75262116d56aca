import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Identity } from '../config/identity.ts';
import { describeError } from '../errors.ts';
import { log } from '../log.ts';
import type { DecodeLimits } from './decode.ts';
import {
  analyseExchange,
  type AnalysisJob,
  type AnalysisResult,
  type AnalysisTools,
} from './flow-analysis.ts';

export type RecorderRequest =
  | { kind: 'session'; key: number; identity: Identity | null; dataDir: string; limits: DecodeLimits }
  | { kind: 'forget'; key: number }
  | { kind: 'jobs'; jobs: { id: number; key: number; job: AnalysisJob }[] };

export type RecorderReply =
  | { kind: 'ready' }
  | { kind: 'boot-failed'; reason: string }
  | { kind: 'results'; results: ({ id: number; result: AnalysisResult } | { id: number; error: string })[] };

/** Where the analysis of one session's exchanges runs. */
export interface Analyser {
  /** Analyses `job`; `done` runs on the event loop, maybe synchronously. */
  submit(job: AnalysisJob, done: (result: AnalysisResult) => void): void;
  /** Resolves once every job submitted so far has called `done`. */
  drain(): Promise<void>;
  close(): void;
}

/** Analysis on the event loop: for custom matchers (functions cannot cross threads) and as fallback. */
export function inlineAnalyser(tools: () => AnalysisTools): Analyser {
  return {
    submit: (job, done) => done(analyseExchange(job, tools())),
    drain: () => Promise.resolve(),
    close: () => undefined,
  };
}

/** Jobs are sent to the thread at most this long after the first of them is queued, or once this many wait. */
const SEND_DELAY_MS = 10;
const SEND_BATCH = 64;

/** How long stop() waits for the recording thread before analysing what is left on the event loop. */
const DRAIN_WAIT_MS = 2000;

interface Pending {
  key: number;
  job: AnalysisJob;
  done: (result: AnalysisResult) => void;
}

/**
 * One recording thread per process, shared by every capture listener: each registers its session
 * (identity, blob folder, decode limits) and hands finished exchanges over in batches. On the proxy
 * benchmark, moving this analysis (hashing, decoding, matching, writing blob files) here took the
 * event loop from ~0.8 to ~0.6 ms of CPU per request.
 *
 * The thread runs TypeScript through tsx's API, registered inside it (module hooks of the main thread
 * do not reach workers in Node 20). If it cannot start or dies, pending and later jobs are analysed on
 * the event loop instead: slower, never lost.
 */
class RecordingThread {
  private worker: Worker | undefined;
  private ready = false;
  private broken = false;
  private nextKey = 1;
  private nextId = 1;
  private readonly sessions = new Map<number, { msg: RecorderRequest; fallback: () => AnalysisTools }>();
  private readonly pending = new Map<number, Pending>();
  private readonly outstanding = new Map<number, number>();
  private readonly drainWaiters = new Map<number, (() => void)[]>();
  private readyWaiters: ((ok: boolean) => void)[] = [];
  private outbox: RecorderRequest[] = [];
  private jobs: { id: number; key: number; job: AnalysisJob }[] = [];
  private timer: NodeJS.Timeout | undefined;

  register(
    info: { identity: Identity | null; dataDir: string; limits: DecodeLimits },
    fallback: () => AnalysisTools,
  ): number {
    const key = this.nextKey++;
    const msg: RecorderRequest = { kind: 'session', key, ...info };
    this.sessions.set(key, { msg, fallback });
    if (!this.broken) {
      this.start();
      this.outbox.push(msg);
      this.schedule();
    }
    return key;
  }

  forget(key: number): void {
    this.sessions.delete(key);
    if (this.worker) {
      this.outbox.push({ kind: 'forget', key });
      this.schedule();
    }
  }

  submit(key: number, job: AnalysisJob, done: (result: AnalysisResult) => void): void {
    if (this.broken) return this.runHere({ key, job, done });
    const id = this.nextId++;
    this.pending.set(id, { key, job, done });
    this.outstanding.set(key, (this.outstanding.get(key) ?? 0) + 1);
    this.jobs.push({ id, key, job });
    this.schedule();
  }

  /** Resolves true once the thread runs, false if it cannot (then the event loop does the work). */
  whenReady(): Promise<boolean> {
    if (this.ready || this.broken) return Promise.resolve(this.ready);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private wakeReadyWaiters(): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w(this.ready);
  }

  async drain(key: number): Promise<void> {
    if ((this.outstanding.get(key) ?? 0) === 0) return;
    // A thread still booting (tsx compiles the matcher first) must not hold up a stop.
    if (!this.ready) return this.takeBack((p) => p.key === key);
    this.sendNow();
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const list = this.drainWaiters.get(key) ?? [];
      list.push(resolve);
      this.drainWaiters.set(key, list);
      timer = setTimeout(() => {
        log.warn({ key }, 'recording thread slow to answer; analysing the rest on the event loop');
        this.takeBack((p) => p.key === key);
      }, DRAIN_WAIT_MS);
    });
    clearTimeout(timer);
  }

  private start(): void {
    if (this.worker || this.broken) return;
    let tsxApi: string;
    try {
      const require = createRequire(import.meta.url);
      tsxApi = pathToFileURL(
        require.resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs'),
      ).href;
    } catch (err) {
      this.fail(`tsx is not available to load the recording thread (${describeError(err)})`);
      return;
    }
    const entry = new URL('./record-worker.ts', import.meta.url).href;
    // Plain JavaScript bootstrap: registers tsx in the worker, then loads the TypeScript entry.
    const boot = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        const { register } = await import(workerData.tsxApi);
        register();
        await import(workerData.entry);
      })().catch((err) => parentPort.postMessage({ kind: 'boot-failed', reason: String((err && err.stack) || err) }));
    `;
    const worker = new Worker(boot, { eval: true, workerData: { tsxApi, entry } });
    worker.on('message', (msg: RecorderReply) => this.onMessage(msg));
    worker.on('error', (err) => this.fail(`recording thread crashed: ${describeError(err)}`));
    worker.on('exit', (code) => this.fail(`recording thread exited (code ${code})`));
    // Never keeps the process alive; capture listeners drain it in stop(). After the listeners: adding a
    // 'message' listener refs the worker's port again (Node 20), so an earlier unref() would be undone.
    worker.unref();
    this.worker = worker;
  }

  private onMessage(msg: RecorderReply): void {
    if (msg.kind === 'ready') {
      this.ready = true;
      log.debug('recording thread ready');
      this.wakeReadyWaiters();
      return;
    }
    if (msg.kind === 'boot-failed') {
      this.fail(`recording thread failed to start: ${msg.reason}`);
      return;
    }
    for (const r of msg.results) {
      const p = this.pending.get(r.id);
      if (!p) continue; // analysed on the event loop meanwhile (drain timeout)
      if ('error' in r) {
        log.warn({ err: r.error }, 'recording thread failed on a flow; analysing it on the event loop');
        this.settle(r.id, p, () => this.analyseHere(p));
      } else {
        this.settle(r.id, p, () => r.result);
      }
    }
  }

  private settle(id: number, p: Pending, result: () => AnalysisResult): void {
    this.pending.delete(id);
    try {
      p.done(result());
    } catch (err) {
      // Analysing it on the event loop failed too (e.g. the disk is full): the flow is lost, loudly.
      log.error({ err: describeError(err), url: p.job.url }, 'failed to record a flow');
    } finally {
      const left = (this.outstanding.get(p.key) ?? 1) - 1;
      if (left > 0) this.outstanding.set(p.key, left);
      else {
        this.outstanding.delete(p.key);
        const waiters = this.drainWaiters.get(p.key);
        this.drainWaiters.delete(p.key);
        for (const w of waiters ?? []) w();
      }
    }
  }

  private analyseHere(p: Pending): AnalysisResult {
    const s = this.sessions.get(p.key);
    if (!s) throw new Error(`no capture session ${p.key} for a pending flow`);
    return analyseExchange(p.job, s.fallback());
  }

  private runHere(p: Pending): void {
    p.done(this.analyseHere(p));
  }

  /** Analyses pending jobs on the event loop now (their answers from the thread, if any, are ignored). */
  private takeBack(which: (p: Pending) => boolean): void {
    this.jobs = this.jobs.filter((j) => {
      const p = this.pending.get(j.id);
      return !(p && which(p));
    });
    for (const [id, p] of [...this.pending]) {
      if (which(p)) this.settle(id, p, () => this.analyseHere(p));
    }
  }

  private fail(reason: string): void {
    if (this.broken) return;
    this.broken = true;
    this.ready = false;
    log.warn({ reason }, 'flows are analysed on the event loop from now on');
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
    this.outbox = [];
    this.jobs = [];
    this.takeBack(() => true);
    this.wakeReadyWaiters();
  }

  /**
   * Sends what is queued after a short delay rather than at once: every message wakes the thread, and
   * on a busy host the woken thread tends to preempt the event loop. Recording latency is invisible to
   * the app; a flush or stop() sends at once (`sendNow`).
   */
  private schedule(): void {
    if (this.jobs.length >= SEND_BATCH) return this.sendNow();
    if (this.timer) return;
    this.timer = setTimeout(() => this.sendNow(), SEND_DELAY_MS);
  }

  private sendNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const worker = this.worker;
    if (!worker) return;
    for (const msg of this.outbox) worker.postMessage(msg);
    this.outbox = [];
    if (this.jobs.length > 0) {
      worker.postMessage({ kind: 'jobs', jobs: this.jobs } satisfies RecorderRequest);
      this.jobs = [];
    }
  }
}

let thread: RecordingThread | undefined;

/** Analysis of one session's exchanges on the shared recording thread. */
export function threadAnalyser(
  info: { identity: Identity | null; dataDir: string; limits: DecodeLimits },
  fallback: () => AnalysisTools,
): Analyser {
  thread ??= new RecordingThread();
  const t = thread;
  const key = t.register(info, fallback);
  return {
    submit: (job, done) => t.submit(key, job, done),
    drain: () => t.drain(key),
    close: () => t.forget(key),
  };
}

/** Resolves true once the recording thread runs (false if it cannot); for benchmarks and tests. */
export function recordingThreadReady(): Promise<boolean> {
  return thread ? thread.whenReady() : Promise.resolve(false);
}
