import { describe, expect, it } from 'vitest';
import { DevicePool } from '../../src/farm/pool.ts';
import {
  runSchedule,
  StopSignal,
  type Executor,
  type Job,
  type SchedulerEvent,
} from '../../src/farm/scheduler.ts';
import type { DeviceTraits } from '../../src/farm/selectors.ts';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    });
  });

function devices(n: number, extra: Partial<DeviceTraits> = {}): DeviceTraits[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    kind: 'sim' as const,
    tags: [],
    sdk: 29,
    ...extra,
  }));
}

function jobs(n: number, ms: number, selector = {}): Job<{ ms: number }>[] {
  return Array.from({ length: n }, (_, i) => ({ id: `j${i}`, selector, estimateMs: ms, payload: { ms } }));
}

describe('scheduler', () => {
  it('runs jobs in parallel, one per device at a time, longest first', async () => {
    const pool = new DevicePool(devices(4), { quarantineAfter: 3 });
    const busy = new Set<string>();
    const order: string[] = [];
    let overlap = false;
    const exec: Executor<{ ms: number }> = async (job, { device }) => {
      if (busy.has(device.id)) overlap = true;
      busy.add(device.id);
      order.push(job.id);
      await sleep(job.payload.ms);
      busy.delete(device.id);
      return { kind: 'done', status: 'passed' };
    };
    const list = [...jobs(7, 60), { id: 'long', selector: {}, estimateMs: 150, payload: { ms: 150 } }];
    const t0 = Date.now();
    const records = await runSchedule(list, pool, exec, { retries: 1, jobTimeoutMs: 5_000 });
    const makespan = Date.now() - t0;
    expect(overlap).toBe(false);
    expect(order[0]).toBe('long');
    expect(records.every((r) => r.final === 'done')).toBe(true);
    // 8 jobs on 4 devices: ideal is max(150, (7*60+150)/4 ≈ 143) ms; serial would be 570 ms.
    expect(makespan).toBeLessThan(400);
  });

  it('retries an infrastructure failure on another device and never retries a scenario result', async () => {
    const pool = new DevicePool(devices(3), { quarantineAfter: 5 });
    const events: SchedulerEvent[] = [];
    const exec: Executor<{ ms: number }> = async (job, { device }) => {
      if (job.id === 'j0' && device.id === 'd0') return { kind: 'infra', error: new Error('device lost') };
      if (job.id === 'j1') return { kind: 'done', status: 'error', detail: 'step 3 failed' };
      return { kind: 'done', status: 'passed' };
    };
    const records = await runSchedule(
      [{ id: 'j0', selector: { id: 'd0' }, payload: { ms: 0 } }, ...jobs(3, 1).slice(1)],
      pool,
      exec,
      { retries: 2, jobTimeoutMs: 5_000, onEvent: (e) => events.push(e) },
    );
    const j0 = records.find((r) => r.job.id === 'j0');
    // j0 is pinned to d0: it is retried (there is no other match), fails each time, and gives up.
    expect(j0?.attempts.map((a) => a.device)).toEqual(['d0', 'd0', 'd0']);
    expect(j0?.final).toBe('failed');
    expect(j0?.reason).toMatch(/device lost/);
    const j1 = records.find((r) => r.job.id === 'j1');
    expect(j1?.attempts).toHaveLength(1);
    expect(j1?.final).toBe('done');
    expect(events.filter((e) => e.type === 'job-retry')).toHaveLength(2);
  });

  it('moves a job to another device after an infrastructure failure, and quarantines a failing device', async () => {
    const pool = new DevicePool(devices(2), { quarantineAfter: 2 });
    const events: SchedulerEvent[] = [];
    const ran: [string, string][] = [];
    const exec: Executor<{ ms: number }> = async (job, { device }) => {
      ran.push([job.id, device.id]);
      await sleep(5);
      if (device.id === 'd1') return { kind: 'infra', error: new Error('adb offline') };
      return { kind: 'done', status: 'passed' };
    };
    const records = await runSchedule(jobs(6, 10), pool, exec, {
      retries: 2,
      jobTimeoutMs: 5_000,
      onEvent: (e) => events.push(e),
    });
    expect(records.every((r) => r.final === 'done')).toBe(true);
    // Every job that failed on d1 ended on d0; d1 was quarantined after its second failure and then unused.
    expect(pool.quarantined()).toEqual([
      { id: 'd1', reason: expect.stringMatching(/2 consecutive.*adb offline/) },
    ]);
    expect(ran.filter(([, d]) => d === 'd1')).toHaveLength(2);
    expect(events.some((e) => e.type === 'device-quarantined' && e.device === 'd1')).toBe(true);
  });

  it('stops gracefully: running jobs finish, no new job starts, the rest are not-started', async () => {
    const pool = new DevicePool(devices(2), { quarantineAfter: 3 });
    const stop = new StopSignal();
    const exec: Executor<{ ms: number }> = async (job) => {
      if (job.id === 'j0') stop.graceful();
      await sleep(30);
      return { kind: 'done', status: 'passed' };
    };
    const records = await runSchedule(jobs(6, 30), pool, exec, { retries: 1, jobTimeoutMs: 5_000, stop });
    expect(records.filter((r) => r.final === 'done').map((r) => r.job.id)).toEqual(['j0', 'j1']);
    expect(records.filter((r) => r.final === 'not-started')).toHaveLength(4);
  });

  it('aborts running jobs on a hard stop and on a job timeout, with the reason', async () => {
    const pool = new DevicePool(devices(2), { quarantineAfter: 3 });
    const stop = new StopSignal();
    const reasons: string[] = [];
    const exec: Executor<{ ms: number }> = async (job, { signal }) => {
      if (job.id === 'j1') setTimeout(() => stop.abort('second Ctrl-C'), 20);
      try {
        await sleep(job.payload.ms, signal);
        return { kind: 'done', status: 'passed' };
      } catch (err) {
        reasons.push(`${job.id}: ${(err as Error).message}`);
        return { kind: 'done', status: 'aborted' };
      }
    };
    await runSchedule(
      [
        { id: 'j0', selector: {}, estimateMs: 2, payload: { ms: 10_000 } },
        { id: 'j1', selector: {}, estimateMs: 1, payload: { ms: 10_000 } },
      ],
      pool,
      exec,
      { retries: 0, jobTimeoutMs: 10, stop },
    );
    expect(reasons.sort()).toEqual(['j0: job timed out after 10 ms', 'j1: job timed out after 10 ms']);

    const pool2 = new DevicePool(devices(1), { quarantineAfter: 3 });
    const reasons2: string[] = [];
    const stop2 = new StopSignal();
    setTimeout(() => stop2.abort('second Ctrl-C'), 20);
    await runSchedule(
      jobs(2, 10_000),
      pool2,
      async (_job, { signal }) => {
        await sleep(10_000, signal).catch((err: Error) => reasons2.push(err.message));
        return { kind: 'done', status: 'aborted' };
      },
      { retries: 0, jobTimeoutMs: 60_000, stop: stop2 },
    );
    expect(reasons2).toEqual(['second Ctrl-C']);
  });

  it('fails a job that no device can ever serve, with the selector in the reason', async () => {
    const pool = new DevicePool(devices(2), { quarantineAfter: 3 });
    const records = await runSchedule(
      jobs(1, 1, { tags: ['rooted-pixel'] }),
      pool,
      async () => ({ kind: 'done', status: 'passed' }),
      {
        retries: 1,
        jobTimeoutMs: 1_000,
      },
    );
    expect(records[0]?.final).toBe('failed');
    expect(records[0]?.reason).toBe('no usable device matches tags=rooted-pixel');
  });
});
