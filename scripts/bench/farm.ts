/**
 * `npm run bench -- farm`: 64 jobs of varied length on 8 sims. Each job talks to its sim over the ADB
 * daemon protocol (a shell call) and then holds the device for its length. Prints device utilisation,
 * makespan ÷ the ideal lower bound (max(longest job, total work ÷ devices)) and the scheduler's overhead
 * per job (time from a device's release to its next job's start).
 */
import { Device } from '../../src/device/device.ts';
import { DevicePool } from '../../src/farm/pool.ts';
import { runSchedule, type Job, type SchedulerEvent } from '../../src/farm/scheduler.ts';
import { startSim } from '../../src/sim/index.ts';
import { line, result, round } from './lib.ts';

const SIMS = 8;
const JOBS = 64;

// Deterministic varied lengths, 50–800 ms.
let x = 12345;
const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const lengths = Array.from({ length: JOBS }, () => Math.round(50 + rand() * 750));

const sims = await Promise.all(Array.from({ length: SIMS }, (_, i) => startSim({ seed: `bench-farm-${i}` })));
const handles = new Map<string, Device>();
for (const [i, sim] of sims.entries()) {
  handles.set(`sim${i}`, await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port }));
}
const pool = new DevicePool(
  sims.map((_, i) => ({ id: `sim${i}`, kind: 'sim' as const, tags: [] })),
  { quarantineAfter: 3 },
);
const jobs: Job<{ ms: number }>[] = lengths.map((ms, i) => ({
  id: `job${i}`,
  selector: {},
  estimateMs: ms,
  payload: { ms },
}));

const busyMs = new Map<string, number>();
const lastEnd = new Map<string, number>();
const gaps: number[] = [];
const onEvent = (e: SchedulerEvent) => {
  const now = performance.now();
  if (e.type === 'job-start') {
    const prev = lastEnd.get(e.device);
    if (prev !== undefined) gaps.push(now - prev);
  } else if (e.type === 'job-end') {
    lastEnd.set(e.device, now);
    busyMs.set(e.device, (busyMs.get(e.device) ?? 0) + e.ms);
  }
};

const t0 = performance.now();
const records = await runSchedule(
  jobs,
  pool,
  async (job, { device }) => {
    const started = performance.now();
    await (handles.get(device.id) as Device).shell(['getprop', 'ro.serialno']);
    const left = job.payload.ms - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    return { kind: 'done', status: 'passed' };
  },
  { retries: 0, jobTimeoutMs: 60_000, onEvent },
);
const makespan = performance.now() - t0;

for (const d of handles.values()) await d.close();
await Promise.all(sims.map((s) => s.stop()));

const total = lengths.reduce((a, b) => a + b, 0);
const bound = Math.max(Math.max(...lengths), total / SIMS);
const utilisation = [...busyMs.values()].reduce((a, b) => a + b, 0) / (SIMS * makespan);
const overhead = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0;
const done = records.filter((r) => r.final === 'done').length;

line(`jobs: ${done}/${JOBS} done on ${SIMS} sims; total work ${total} ms`);
line(
  `makespan: ${round(makespan)} ms; lower bound ${round(bound)} ms; ratio ${round(makespan / bound, 3)} (target <= 1.15)`,
);
line(`device utilisation: ${round(utilisation, 3)} (target >= 0.9)`);
line(`scheduler overhead per job: ${round(overhead, 3)} ms (target < 20)`);
result('farm', {
  jobs: JOBS,
  sims: SIMS,
  makespanMs: round(makespan),
  lowerBoundMs: round(bound),
  ratio: round(makespan / bound, 3),
  utilisation: round(utilisation, 3),
  overheadMsPerJob: round(overhead, 3),
  target: 'ratio<=1.15 utilisation>=0.9 overhead<20ms',
});
