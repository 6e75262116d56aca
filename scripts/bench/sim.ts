/**
 * Sim benchmark (issue 4 "Performance"): boot time, 8 sims answering `getprop` over the ADB wire
 * concurrently, and installing a 1 MB APK over the protocol. Targets: boot < 300 ms, install < 200 ms.
 * Uses appwarden's minimal wire client (no adb binary), so it measures the sim, not adb.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdbWireClient } from '../../src/sim/adb/client.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { line, percentile, result, round, rssSampler } from './lib.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIMS = 8;
const ROUND_TRIPS = 50;
const BOOTS = 20;
const INSTALLS = 10;

function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

execFileSync(path.join(root, 'scripts/build-test-apks.sh'), ['big'], { stdio: 'inherit' });
const apk = fs.readFileSync(path.join(root, 'test/fixtures/apks/build/big.apk'));
const rss = rssSampler();

// Boot: construct device state + listen, until the port accepts connections.
const boots: number[] = [];
for (let i = 0; i < BOOTS; i++) {
  const t = performance.now();
  const s = await startSim({ seed: `boot-${i}` });
  boots.push(performance.now() - t);
  await s.stop();
}
const bootMs = median(boots);
line(`boot: median ${round(bootMs)} ms, max ${round(Math.max(...boots))} ms over ${BOOTS}`);

// 8 sims in one process, each with its own client doing 50 sequential getprop round-trips, all sims at once.
const sims: Sim[] = [];
for (let i = 0; i < SIMS; i++) sims.push(await startSim({ seed: `bench-${i}` }));
const clients = await Promise.all(sims.map((s) => AdbWireClient.connect(s.port)));
const latencies: number[] = [];
// CPU time is reported beside wall time: on a shared, loaded machine wall time mostly measures the neighbours.
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  clients.map(async (c, i) => {
    for (let k = 0; k < ROUND_TRIPS; k++) {
      const t = performance.now();
      const r = await c.shell('getprop ro.serialno');
      latencies.push(performance.now() - t);
      if (r.stdout.toString().trim() !== sims[i]!.device.identity.serial)
        throw new Error('wrong getprop answer');
    }
  }),
);
const wallMs = performance.now() - t0;
const cpu1 = process.cpuUsage(cpu0);
const cpuPerRoundTripMs = (cpu1.user + cpu1.system) / 1000 / (SIMS * ROUND_TRIPS);
latencies.sort((a, b) => a - b);
const total = SIMS * ROUND_TRIPS;
line(`getprop: ${round(cpuPerRoundTripMs, 3)} ms CPU per round-trip (client and sims, one process)`);
line(
  `getprop: ${total} round-trips on ${SIMS} sims in ${round(wallMs)} ms (${round((total / wallMs) * 1000, 0)}/s), p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms`,
);

// Install of a 1 MB APK, streamed as adb 29 does (exec:cmd package install -S SIZE).
const installs: number[] = [];
const icpu0 = process.cpuUsage();
for (let i = 0; i < INSTALLS; i++) {
  const t = performance.now();
  const out = await clients[0]!.install(apk);
  installs.push(performance.now() - t);
  if (out.trim() !== 'Success') throw new Error(`install failed: ${out}`);
}
const icpu = process.cpuUsage(icpu0);
const installCpuMs = (icpu.user + icpu.system) / 1000 / INSTALLS;
const installMs = median(installs);
line(`install: ${round(installCpuMs)} ms CPU per install (client and sim)`);
line(
  `install: ${round(apk.length / 1024 / 1024, 2)} MB APK, median ${round(installMs)} ms, max ${round(Math.max(...installs))} ms over ${INSTALLS}`,
);

for (const c of clients) c.close();
await Promise.all(sims.map((s) => s.stop()));
const peakRssMb = rss.stop();
line(`peak RSS ${peakRssMb} MB`);
result('sim', {
  bootMs: round(bootMs),
  bootMaxMs: round(Math.max(...boots)),
  installMs: round(installMs),
  apkMb: round(apk.length / 1024 / 1024, 2),
  sims: SIMS,
  getpropRoundTrips: total,
  getpropWallMs: round(wallMs),
  getpropP50Ms: round(percentile(latencies, 50)),
  getpropP95Ms: round(percentile(latencies, 95)),
  getpropCpuMsPerRoundTrip: round(cpuPerRoundTripMs, 3),
  installCpuMs: round(installCpuMs),
  loadAvg1m: round(os.loadavg()[0] ?? 0),
  peakRssMb,
  bootOk: bootMs < 300,
  installOk: installMs < 200,
});
