/**
 * `npm run bench -- proxy`: 2,000 HTTPS requests (keep-alive, 1 KB up, 10 KB down, 16 concurrent)
 * direct, through appwarden's capture (matching + storage on) and through mitmdump writing a flow
 * file. Each proxy and the upstream server run in their own process, as they do in use.
 * Prints req/s and p50/p99 latency added over direct (with 16 in flight, and one request at a time),
 * each proxy's CPU time per request (from /proc), and the capture process's event-loop delay; last
 * line is the JSON result. A bare TLS relay (CONNECT, TLS terminated and re-originated, plaintext piped
 * through untouched) runs too: the floor under any intercepting proxy on this machine.
 * BENCH_ONLY=appwarden[,tls-relay,mitmdump] runs only those (and direct), BENCH_THREADS=1 splits CPU
 * by thread, BENCH_CPU_PROF=DIR writes a CPU profile of the capture process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProxyTunnelAgent } from '../../test/traffic/helpers.ts';
import { line, percentile, result, round } from './lib.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
/**
 * Requests each mode serves before measuring starts: a capture proxy runs for hours, and V8 compiles
 * its hot paths during its first thousand or so requests (on this bench, CPU per request falls by
 * about a third over them), which a 2,000-request measurement would otherwise largely consist of.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
/** Requests sent one at a time, for the latency a proxy adds when nothing queues behind anything. */
const IDLE_REQUESTS = Number(process.env.BENCH_IDLE_REQUESTS ?? 200);
const ROUNDS = 4;
const CONCURRENCY = 16;
const UP_BYTES = 1024;
const DOWN_BYTES = 10 * 1024;
const IMEI = '867530912345678';
const here = fileURLToPath(import.meta.url);
const role = process.argv[process.argv.indexOf('--role') + 1];

// ---------------------------------------------------------------- child roles

async function upstreamRole(dir: string): Promise<void> {
  const key = fs.readFileSync(path.join(dir, 'upstream.key'));
  const cert = fs.readFileSync(path.join(dir, 'upstream.pem'));
  const down = Buffer.alloc(DOWN_BYTES, 'x');
  const server = https.createServer({ key, cert, keepAlive: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': down.length });
      res.end(down);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => announce((server.address() as net.AddressInfo).port));
}

async function captureRole(dir: string): Promise<void> {
  const { openStore } = await import('../../src/evidence/store.ts');
  const { startCapture } = await import('../../src/traffic/proxy.ts');
  const { identitySchema } = await import('../../src/config/identity.ts');
  const dataDir = path.join(dir, 'appwarden-data');
  const store = openStore({ dataDir });
  store.createRun({ id: 'bench' });
  store.createSession({
    id: 'bench-s1',
    run: 'bench',
    target: 'bench',
    scenario: 'bench',
    device: 'bench',
    deviceKind: 'sim',
    capabilities: [],
  });
  const identity = identitySchema.parse({
    imei: [IMEI, '359881234567890'],
    imsi: ['460001234567890'],
    iccid: ['89860012345678901234'],
    androidId: '9774d56d682e549c',
    serial: 'R58M12ABCDE',
    wifiMac: '02:00:00:44:55:66',
    bluetoothMac: 'ac:37:43:11:22:33',
    phoneNumber: ['+8613812345678'],
    adId: '38400000-8cf0-11bd-b23e-10b96e40000d',
    oaid: 'f1e2d3c4-b5a6-4789-9abc-def012345678',
    email: ['tester.one@example.com'],
    location: { lat: 31.230416, lon: 121.473701 },
    contacts: [{ name: 'Canary Contact', phone: '+8613900001111' }],
    deviceName: 'appwarden-test-phone',
  });
  const proxy = await startCapture({
    session: 'bench-s1',
    writer: store.writer,
    dataDir,
    identity,
    upstreamCa: fs.readFileSync(path.join(dir, 'upstream.pem'), 'utf8'),
  });
  // Event-loop stalls (a synchronous commit, a checkpoint's fsync) show here, not in CPU figures.
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('SIGTERM', () => {
    delay.disable();
    const ms = (ns: number) => round(ns / 1e6, 1);
    process.stderr.write(
      `appwarden event-loop delay: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms\n`,
    );
    void proxy.stop().then(() => {
      const flows = store.counts('bench-s1');
      process.stderr.write(`appwarden stored: ${JSON.stringify(flows)}\n`);
      store.close();
      process.exit(0);
    });
  });
  // The recording thread compiles the matcher when it starts (seconds under tsx): a start-up cost,
  // not a per-request one, so measuring begins once it runs.
  const { recordingThreadReady } = await import('../../src/traffic/recorder.ts');
  if (!(await recordingThreadReady()))
    process.stderr.write('recording thread unavailable: analysing on the event loop\n');
  announce(proxy.port);
}

/**
 * The floor any TLS-intercepting proxy stands on: CONNECT, TLS terminated towards the client, a TLS
 * connection to the upstream, and the plaintext piped through untouched (no HTTP parsing, no
 * recording). What it adds is what two TLS hops and a third process cost on this machine.
 */
async function relayRole(dir: string): Promise<void> {
  const tls = await import('node:tls');
  const key = fs.readFileSync(path.join(dir, 'upstream.key'));
  const cert = fs.readFileSync(path.join(dir, 'upstream.pem'));
  const context = tls.createSecureContext({ key, cert });
  const server = net.createServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const target = /^CONNECT ([^:\s]+):(\d+) /.exec(head.toString('latin1'));
      if (!target) return socket.destroy();
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const client = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
      const upstream = tls.connect({ host: target[1], port: Number(target[2]), ca: cert });
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1', () => announce((server.address() as net.AddressInfo).port));
}

function announce(port: number): void {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

// ---------------------------------------------------------------- driver

function startChild(args: string[], cmd = process.execPath): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /\{"port":(\d+)\}/.exec(buf);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`)));
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${ms} ms`);
}

function body(i: number): Buffer {
  // Varied bodies (so blobs do not all deduplicate), an identifier in every fourth one.
  const head = i % 4 === 0 ? `{"imei":"${IMEI}","i":${i},"pad":"` : `{"event":"tick","i":${i},"pad":"`;
  return Buffer.from(head.padEnd(UP_BYTES - 2, 'p') + '"}');
}

interface Mode {
  label: string;
  agent: https.Agent;
  /** The proxy's process (none for direct): its CPU time is read from /proc around each round. */
  pid: number | undefined;
  lat: number[];
  /** Latencies of requests sent one at a time (nothing queued behind anything). */
  idleLat: number[];
  secs: number;
  done: number;
  cpuMs: number;
  mainCpuMs: number;
}

function mode(label: string, agent: https.Agent, pid?: number): Mode {
  return { label, agent, pid, lat: [], idleLat: [], secs: 0, done: 0, cpuMs: 0, mainCpuMs: 0 };
}

/**
 * user + system CPU time in ms (Linux /proc; clock ticks of 10 ms) of a process (all its threads), or
 * with `mainThread` of its main thread only (the event loop, which a proxy cannot spread over cores).
 */
function cpuMsOf(pid: number | undefined, mainThread = false, ofProcess?: number): number {
  if (pid === undefined) return 0;
  try {
    const file = ofProcess
      ? `/proc/${ofProcess}/task/${pid}/stat`
      : mainThread
        ? `/proc/${pid}/task/${pid}/stat`
        : `/proc/${pid}/stat`;
    const stat = fs.readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch (err) {
    line(`(no CPU figures: ${(err as Error).message})`);
    return 0;
  }
}

/** Sends `count` requests with CONCURRENCY in flight; records latencies unless warming up. */
async function batch(
  m: Mode,
  port: number,
  count: number,
  warmup = false,
  concurrency = CONCURRENCY,
): Promise<void> {
  const one = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const payload = body(i);
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/collect?i=${i}`,
          agent: m.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          let n = 0;
          res.on('data', (d: Buffer) => (n += d.length));
          res.on('end', () =>
            n === DOWN_BYTES
              ? resolve(performance.now() - t0)
              : reject(new Error(`${m.label}: got ${n} bytes`)),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  let next = 0;
  const start = performance.now();
  const threads0 = process.env.BENCH_THREADS && !warmup ? threadCpu(m.pid) : undefined;
  const cpu0 = cpuMsOf(m.pid);
  const main0 = cpuMsOf(m.pid, true);
  const idle = concurrency === 1;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = m.done + next++;
        const ms = await one(i);
        if (warmup) continue;
        if (idle) m.idleLat.push(ms);
        else m.lat.push(ms);
      }
    }),
  );
  if (!warmup && !idle) {
    m.secs += (performance.now() - start) / 1000;
    m.done += count;
    m.cpuMs += cpuMsOf(m.pid) - cpu0;
    m.mainCpuMs += cpuMsOf(m.pid, true) - main0;
    if (threads0) {
      const parts = [...threadCpu(m.pid)]
        .map(([name, ms]) => [name, ms - (threads0.get(name) ?? 0)] as const)
        .filter(([, ms]) => ms > 0)
        .map(([name, ms]) => `${name} ${ms}`);
      line(`  ${m.label} CPU ms by thread over ${count} requests: ${parts.join(', ')}`);
    }
  }
}

/** CPU ms per thread name (`node`, `libuv-worker`, `V8Worker`, …) of a process, for BENCH_THREADS=1. */
function threadCpu(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (pid === undefined) return out;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const name = Number(tid) === pid ? 'main' : comm === 'node' ? `thread ${tid}` : comm;
      out.set(name, (out.get(name) ?? 0) + cpuMsOf(Number(tid), false, pid));
    } catch (err) {
      // The thread ended between the listing and the read.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}

interface Summary {
  reqPerSec: number;
  p50: number;
  p99: number;
  idleP50: number;
  idleP99: number;
  cpuMsPerReq: number;
  mainCpuMsPerReq: number;
}

function summary(m: Mode): Summary {
  const lat = [...m.lat].sort((a, b) => a - b);
  const idleLat = [...m.idleLat].sort((a, b) => a - b);
  const r = {
    reqPerSec: m.done / m.secs,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    idleP50: percentile(idleLat, 50),
    idleP99: percentile(idleLat, 99),
    cpuMsPerReq: m.cpuMs / m.done,
    mainCpuMsPerReq: m.mainCpuMs / m.done,
  };
  const cpu =
    m.pid === undefined
      ? ''
      : `   proxy CPU ${round(r.cpuMsPerReq, 3)} ms/req (main thread ${round(r.mainCpuMsPerReq, 3)})`;
  line(
    `${m.label.padEnd(10)} ${round(r.reqPerSec, 0).toString().padStart(6)} req/s   p50 ${round(r.p50)} ms   p99 ${round(r.p99)} ms   one at a time: p50 ${round(r.idleP50)} ms p99 ${round(r.idleP99)} ms${cpu}`,
  );
  return r;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-bench-proxy-'));
  const children: ChildProcess[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          path.join(dir, 'upstream.key'),
          '-out',
          path.join(dir, 'upstream.pem'),
        ],
        { stdio: 'ignore' },
      );
      p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`openssl exited ${code}`))));
    });
    const upstreamCa = fs.readFileSync(path.join(dir, 'upstream.pem'), 'utf8');
    const tsx = ['--import', 'tsx', here, '--dir', dir, '--role'];
    const upstream = await startChild([...tsx, 'upstream']);
    children.push(upstream.child);
    line(
      `${REQUESTS} HTTPS POSTs, ${UP_BYTES} B up / ${DOWN_BYTES} B down, keep-alive, ${CONCURRENCY} concurrent in ${ROUNDS} interleaved rounds (after ${WARMUP} warm-up requests each)`,
    );

    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the capture process there.
    const prof = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]
      : [];
    const relay = await startChild([...tsx, 'relay']);
    children.push(relay.child);
    const capture = await startChild([...prof, ...tsx, 'capture']);
    children.push(capture.child);
    const farmCa = fs.readFileSync(path.join(dir, 'appwarden-data', 'ca', 'certs', 'ca.pem'), 'utf8');

    const mitmPort = await freePort();
    const confdir = path.join(dir, 'mitmproxy');
    const mitm = spawn(
      'mitmdump',
      [
        '-q',
        '-w',
        path.join(dir, 'flows.mitm'),
        '--listen-host',
        '127.0.0.1',
        '--listen-port',
        String(mitmPort),
        '--set',
        `confdir=${confdir}`,
        '--ssl-insecure',
      ],
      { stdio: 'ignore' },
    );
    children.push(mitm);
    await waitForPort(mitmPort, 30_000);
    const mitmCa = fs.readFileSync(path.join(confdir, 'mitmproxy-ca-cert.pem'), 'utf8');

    const opts = { keepAlive: true, maxSockets: CONCURRENCY };
    const modes = [
      mode('direct', new https.Agent({ ...opts, ca: upstreamCa })),
      mode('appwarden', new ProxyTunnelAgent(capture.port, { ...opts, ca: farmCa }), capture.child.pid),
      mode('tls-relay', new ProxyTunnelAgent(relay.port, { ...opts, ca: upstreamCa }), relay.child.pid),
      mode('mitmdump', new ProxyTunnelAgent(mitmPort, { ...opts, ca: mitmCa }), mitm.pid),
    ] as const;
    // BENCH_ONLY (profiling): the modes it does not name send nothing.
    const only = process.env.BENCH_ONLY;
    const active = modes.filter((m) => !only || m.label === 'direct' || only.split(',').includes(m.label));
    for (const m of active) await batch(m, upstream.port, WARMUP, true);
    // Interleaved rounds: on a shared machine the load drifts, and each mode should see the same drift.
    const per = Math.ceil(REQUESTS / ROUNDS);
    const idlePer = Math.ceil(IDLE_REQUESTS / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      for (const m of active) await batch(m, upstream.port, Math.min(per, REQUESTS - m.done));
      for (const m of active) await batch(m, upstream.port, idlePer, false, 1);
    }
    const [direct, mine, floor, theirs] = modes.map(summary) as [Summary, Summary, Summary, Summary];
    for (const m of modes) m.agent.destroy();
    capture.child.kill('SIGTERM');
    await new Promise((r) => capture.child.once('exit', r));

    const added = (r: Summary) => ({
      p50: r.p50 - direct.p50,
      p99: r.p99 - direct.p99,
      idleP50: r.idleP50 - direct.idleP50,
      idleP99: r.idleP99 - direct.idleP99,
    });
    line(
      `added latency under load (${CONCURRENCY} in flight)  appwarden p50 ${round(added(mine).p50)} ms p99 ${round(added(mine).p99)} ms   mitmdump p50 ${round(added(theirs).p50)} ms p99 ${round(added(theirs).p99)} ms`,
    );
    line(
      `added latency one at a time         appwarden p50 ${round(added(mine).idleP50)} ms p99 ${round(added(mine).idleP99)} ms   mitmdump p50 ${round(added(theirs).idleP50)} ms p99 ${round(added(theirs).idleP99)} ms`,
    );
    line(
      `added latency of a bare TLS relay   under load p50 ${round(added(floor).p50)} ms p99 ${round(added(floor).p99)} ms   one at a time p50 ${round(added(floor).idleP50)} ms`,
    );
    const ratio = mine.reqPerSec / theirs.reqPerSec;
    line(
      `appwarden ÷ mitmdump throughput: ${round(ratio)} (target ≥ 2); p50 added ${round(added(mine).p50)} ms (target ≤ 3)`,
    );
    result('proxy', {
      reqPerSec: round(mine.reqPerSec, 1),
      mitmdumpReqPerSec: round(theirs.reqPerSec, 1),
      directReqPerSec: round(direct.reqPerSec, 1),
      p50AddedMs: round(added(mine).p50),
      p99AddedMs: round(added(mine).p99),
      ratio: round(ratio),
      // Beyond the keys: latency added to a request sent alone, and CPU per request (a figure
      // the host's load hardly moves, unlike req/s on a shared machine).
      p50AddedOneAtATimeMs: round(added(mine).idleP50),
      p99AddedOneAtATimeMs: round(added(mine).idleP99),
      cpuMsPerReq: round(mine.cpuMsPerReq, 3),
      mainThreadCpuMsPerReq: round(mine.mainCpuMsPerReq, 3),
      mitmdumpCpuMsPerReq: round(theirs.cpuMsPerReq, 3),
      tlsRelayP50AddedMs: round(added(floor).p50),
      tlsRelayCpuMsPerReq: round(floor.cpuMsPerReq, 3),
    });
  } finally {
    // Wait for every child to be gone before removing the folder they write into.
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await gone;
      }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const dirArg = process.argv[process.argv.indexOf('--dir') + 1] ?? '';
if (role === 'upstream') await upstreamRole(dirArg);
else if (role === 'capture') await captureRole(dirArg);
else if (role === 'relay') await relayRole(dirArg);
else await main();
