import { Listr } from 'listr2';
import { describeError } from '../errors.ts';
import type { RunEvent } from './run.ts';

/** Shows a run's progress: a live view per device on a terminal, plain lines in CI logs. */
export interface Progress {
  event(e: RunEvent): void;
  close(): Promise<void>;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function outcomeText(e: Extract<RunEvent, { type: 'job-end' }>): string {
  return e.outcome.kind === 'done'
    ? `${e.outcome.status}${e.outcome.detail ? ` (${e.outcome.detail})` : ''}`
    : `infrastructure failure: ${describeError(e.outcome.error)}`;
}

function rebootText(e: { ms: number; error?: string }): string {
  return e.error === undefined
    ? `rebooted (rebootEvery) in ${seconds(e.ms)}`
    : `reboot (rebootEvery) failed after ${seconds(e.ms)}: ${e.error}`;
}

/** One line per event, each prefixed with the time since the run started. */
export function plainProgress(write: (line: string) => void): Progress {
  const t0 = Date.now();
  const at = () => `[${seconds(Date.now() - t0).padStart(7)}]`;
  return {
    event(e) {
      switch (e.type) {
        case 'run-start':
          write(
            `${at()} run ${e.run}: ${e.jobs} job(s) on ${e.devices.length} device(s)${e.resumed ? ' (resumed)' : ''}`,
          );
          break;
        case 'job-start':
          write(`${at()} ${e.device} ${e.job}: start${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`);
          break;
        case 'job-status':
          write(`${at()} ${e.device} ${e.job}: ${e.text}`);
          break;
        case 'job-end':
          write(`${at()} ${e.device} ${e.job}: ${outcomeText(e)} after ${seconds(e.ms)}`);
          break;
        case 'job-retry':
          write(`${at()} ${e.job}: retrying on another device after ${e.after} failed: ${e.reason}`);
          break;
        case 'job-unschedulable':
          write(`${at()} ${e.job}: cannot run: ${e.reason}`);
          break;
        case 'device-quarantined':
          write(`${at()} ${e.device}: quarantined for the rest of the run: ${e.reason}`);
          break;
        case 'device-reboot':
          write(`${at()} ${e.device}: ${rebootText(e)}`);
          break;
      }
    },
    async close() {},
  };
}

interface Lane {
  title: string;
  since: number;
  done: () => void;
}

/** A live view on a TTY (listr2): one line per device with its job, what it is doing, and for how long. */
export function ttyProgress(): Progress {
  const lanes = new Map<string, Lane>();
  let list: Promise<unknown> | null = null;
  const setters = new Map<string, (title: string) => void>();
  const render = (device: string) => {
    const lane = lanes.get(device);
    if (lane) setters.get(device)?.(`${device}: ${lane.title} · ${seconds(Date.now() - lane.since)}`);
  };
  const ticker = setInterval(() => {
    for (const d of lanes.keys()) render(d);
  }, 500);
  ticker.unref();
  return {
    event(e) {
      if (e.type === 'run-start') {
        const tasks = e.devices.map((device) => {
          const lane: Lane = { title: 'idle', since: Date.now(), done: () => undefined };
          lanes.set(device, lane);
          return {
            title: `${device}: idle`,
            task: (_ctx: unknown, task: { title: string }) =>
              new Promise<void>((resolve) => {
                setters.set(device, (title) => {
                  task.title = title;
                });
                lane.done = resolve;
              }),
          };
        });
        list = new Listr(tasks, {
          concurrent: true,
          exitOnError: false,
          rendererOptions: { lazy: false },
        }).run();
        return;
      }
      const device = 'device' in e ? e.device : null;
      const lane = device ? lanes.get(device) : undefined;
      if (!lane || !device) return;
      if (e.type === 'job-start') {
        lane.title = `${e.job} starting`;
        lane.since = Date.now();
      } else if (e.type === 'job-status') {
        lane.title = `${e.job} ${e.text}`;
      } else if (e.type === 'job-end') {
        lane.title = `idle (last: ${e.job} ${outcomeText(e)})`;
        lane.since = Date.now();
      } else if (e.type === 'device-quarantined') {
        lane.title = `quarantined: ${e.reason}`;
      } else if (e.type === 'device-reboot') {
        lane.title = `idle (${rebootText(e)})`;
        lane.since = Date.now();
      }
      render(device);
    },
    async close() {
      clearInterval(ticker);
      for (const lane of lanes.values()) lane.done();
      await list;
    },
  };
}

export function createProgress(stream: NodeJS.WriteStream, write: (line: string) => void): Progress {
  return stream.isTTY && !process.env.CI ? ttyProgress() : plainProgress(write);
}
