/**
 * `npm run bench -- analyze [--events N] [--data DIR]`
 *
 * A synthetic session of N events (default 1M: ~88% API calls, ~10% flows, ~2% markers and UI events) is
 * written to a real store by a child process (so this process's RSS is the analysis alone), then analysed
 * end to end: load the read model, phases, correlation, all rules, replaceFindings, status.
 * Prints the time of each stage (load, phases, correlation, rules, store) and the CPU time beside the wall
 * time (the machine may be shared). Baseline: a full scan of the same events' rows in the same run
 * (`SELECT sum(length(data))` over the session, which reads every row as a count-style scan must).
 * ratio = analysis ÷ scan. Peak RSS is the process's high-water mark (the analysis is synchronous).
 *
 * Targets (issue 9): ≤ 5 s and ≤ 500 MB peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeSession, type StageTimings } from '../../src/analysis/engine.ts';
import { openStore, storeExists } from '../../src/evidence/store.ts';
import type { ApiCallData } from '../../src/evidence/types.ts';
import { line, result, round, rssMb, writeSyntheticSession } from './lib.ts';

const TARGET = { seconds: 5, peakRssMb: 500 };
const SESSION = 'bench-analyze';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v <= 0) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
  return v;
}

const EVENTS = flag('events', 1_000_000);

/** SDK and app stacks as a real session has them: a handful of call sites, repeated. */
const STACKS = [
  [
    'android.telephony.TelephonyManager.getImei(Native Method)',
    'com.umeng.commonsdk.internal.utils.a.b(a.java:12)',
    'com.example.app.App.onCreate(App.java:20)',
  ],
  [
    'android.provider.Settings$Secure.getString(Settings.java:1)',
    'cn.jpush.android.service.a.c(a.java:40)',
    'com.example.app.App.onCreate(App.java:21)',
  ],
  [
    'android.location.LocationManager.getLastKnownLocation(Native Method)',
    'com.baidu.location.LocationClient.start(Unknown Source)',
    'com.example.app.MapActivity.onResume(MapActivity.java:55)',
  ],
  [
    'android.net.wifi.WifiInfo.getMacAddress(Native Method)',
    'com.example.app.net.Api.headers(Api.java:77)',
    'com.example.app.net.Api.call(Api.java:30)',
  ],
  [
    'android.content.ClipboardManager.hasPrimaryClip(Native Method)',
    'com.example.app.ui.Search.onResume(Search.java:12)',
  ],
];
const CALLS: Omit<ApiCallData, 'stack'>[] = [
  {
    api: 'android.telephony.TelephonyManager.getImei',
    category: 'device-id',
    data: ['imei'],
    args: [],
    ret: '867530900000001',
    sdk: null,
    process: 'com.example.app',
    thread: 'main',
    fg: true,
  },
  {
    api: 'android.provider.Settings$Secure.getString',
    category: 'device-id',
    data: ['androidId'],
    args: ['android_id'],
    ret: '9774d56d682e549c',
    sdk: null,
    process: 'com.example.app',
    thread: 'pool-1',
    fg: true,
  },
  {
    api: 'android.location.LocationManager.getLastKnownLocation',
    category: 'location',
    data: ['location'],
    args: ['gps'],
    ret: { lat: 31.2, lon: 121.5 },
    sdk: null,
    process: 'com.example.app',
    thread: 'loc',
    fg: false,
  },
  {
    api: 'android.net.wifi.WifiInfo.getMacAddress',
    category: 'network-id',
    data: ['wifiMac'],
    args: [],
    ret: '02:00:00:00:00:00',
    sdk: null,
    process: 'com.example.app',
    thread: 'main',
    fg: true,
  },
  {
    api: 'android.content.ClipboardManager.hasPrimaryClip',
    category: 'clipboard',
    data: [],
    args: [],
    ret: true,
    sdk: null,
    process: 'com.example.app',
    thread: 'main',
    fg: true,
  },
];
const HOSTS = [
  'alog.umeng.com',
  'api.example.com',
  'stats.jpush.cn',
  'api.map.baidu.com',
  'cdn.example.com',
  'log.ads.pangle.io',
];
const MATCH_TYPES = ['imei', 'androidId', 'location', 'wifiMac'];
const MARKERS = ['TAP', 'TAP', 'TAP', 'BG', 'FG', 'PERM_PROMPT', 'PERM_DENIED'];

/** Child mode: write the synthetic session into `dir` and exit. */
async function write(dir: string): Promise<void> {
  const store = openStore({ dataDir: dir });
  store.createRun({ id: 'bench-run' });
  store.createSession({
    id: SESSION,
    run: 'bench-run',
    target: 'com.example.app',
    scenario: 'bench',
    device: 'sim-bench',
    deviceKind: 'sim',
    capabilities: ['frida'],
    meta: { package: 'com.example.app', category: 'news', firstPartyDomains: ['example.com'] },
  });
  const w = store.writer;
  const S = SESSION;
  const wall = 1_700_000_000_000;
  w.appendEvent({ session: S, t: 0, wall, source: 'journey', type: 'marker', data: { name: 'LAUNCH' } });
  w.appendEvent({
    session: S,
    t: 300,
    wall,
    source: 'journey',
    type: 'marker',
    data: { name: 'POLICY_SHOWN' },
  });
  // 1M events over ~2.8 h of session time (10 ms apart), consent half-way.
  for (let i = 2; i < EVENTS; i++) {
    const t = i * 10;
    if (i === Math.floor(EVENTS / 2)) {
      w.appendEvent({
        session: S,
        t,
        wall,
        source: 'journey',
        type: 'marker',
        data: { name: 'POLICY_ACCEPTED' },
      });
    } else if (i % 50 === 0) {
      const name = MARKERS[(i / 50) % MARKERS.length] as string;
      const arg = name.startsWith('PERM') ? 'android.permission.CAMERA' : 'Button';
      w.appendEvent({
        session: S,
        t,
        wall,
        source: 'journey',
        type: 'marker',
        data: { name, arg, detail: { text: arg } },
      });
    } else if (i % 10 === 0) {
      const host = HOSTS[(i / 10) % HOSTS.length] as string;
      const matches =
        i % 30 === 0
          ? [
              {
                type: MATCH_TYPES[(i / 30) % MATCH_TYPES.length] as string,
                encoding: 'md5-hex',
                where: 'body' as const,
                path: '$.d',
              },
            ]
          : [];
      w.appendFlow({
        session: S,
        t,
        wall,
        method: 'POST',
        url: `https://${host}/v1/collect?seq=${i}`,
        host,
        port: 443,
        scheme: 'https',
        status: 200,
        requestHeaders: [
          ['content-type', 'application/json'],
          ['user-agent', 'okhttp/4.9.3'],
        ],
        responseHeaders: [['content-type', 'application/json']],
        requestBody: null,
        responseBody: null,
        timing: { total: 42 },
        tls: 'intercepted',
        matches,
      });
    } else {
      const k = i % CALLS.length;
      w.appendApiCall(
        S,
        t,
        { ...(CALLS[k] as Omit<ApiCallData, 'stack'>), stack: STACKS[k] as string[] },
        wall,
      );
    }
    if (i % 20_000 === 0) await w.flush();
  }
  await w.flush();
  // A finished session, as after a run: analysis then sets passed/findings.
  store.finishSession(SESSION, 'passed');
  await store.close();
}

async function measure(dir: string): Promise<void> {
  const store = openStore({ dataDir: dir });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = rssMb();
  // Baseline: SQLite reads every event row of the session once (no JS objects made).
  let s0 = process.hrtime.bigint();
  const scan = store.db
    .prepare('SELECT count(*) AS n, sum(length(data)) AS bytes FROM events WHERE sk = ?')
    .get(store.sk(SESSION)) as {
    n: number;
    bytes: number;
  };
  const scanSeconds = Number(process.hrtime.bigint() - s0) / 1e9;
  line(
    `events ${scan.n}, ${round(scan.bytes / 1e6, 1)} MB of event JSON; baseline scan ${round(scanSeconds, 3)} s`,
  );

  const timings: StageTimings = {};
  const cpu0 = process.cpuUsage();
  s0 = process.hrtime.bigint();
  const out = analyzeSession(store, SESSION, { timings });
  const seconds = Number(process.hrtime.bigint() - s0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // The analysis is synchronous, so a sampling timer would never fire during it: the kernel's high-water
  // mark is the honest peak (the writer ran in a child process, so it is this process's analysis alone).
  const peak = round(process.resourceUsage().maxRSS / 1024, 1);
  const ms = (k: keyof StageTimings): string => `${Math.round(timings[k] ?? 0)} ms`;
  line(
    `stages: load ${ms('load')}, phases ${ms('phases')}, correlation ${ms('correlation')}, rules ${ms('rules')}, store ${ms('store')}`,
  );
  line(
    `analysis ${round(seconds, 2)} s (target ≤ ${TARGET.seconds} s; ${round(cpuSeconds, 2)} s CPU, load average ${round(os.loadavg()[0] ?? 0, 1)} on ${os.cpus().length} cores), peak RSS ${peak} MB (target ≤ ${TARGET.peakRssMb} MB; ${base} MB before)`,
  );
  line(`ratio to the baseline scan: ${round(seconds / scanSeconds, 1)}×`);
  line(
    `findings: ${out.violations} violations, ${out.notEvaluated} not evaluated; status ${out.sessionStatus}`,
  );
  for (const f of out.findings.filter((x) => x.status === 'violation').slice(0, 8))
    line(`  ${f.rule} ${f.severity}: ${f.explanation}`);
  await store.close();
  line(`within targets: ${seconds <= TARGET.seconds && peak <= TARGET.peakRssMb ? 'yes' : 'no'}`);
  const sec = (k: keyof StageTimings): number => round((timings[k] ?? 0) / 1000, 3);
  result('analyze', {
    seconds: round(seconds, 3),
    cpuSeconds: round(cpuSeconds, 3),
    peakRssMb: peak,
    events: scan.n,
    scanSeconds: round(scanSeconds, 3),
    ratio: round(seconds / scanSeconds, 1),
    loadSeconds: sec('load'),
    phasesSeconds: sec('phases'),
    correlationSeconds: sec('correlation'),
    rulesSeconds: sec('rules'),
    storeSeconds: sec('store'),
  });
}

const writeAt = process.argv.indexOf('--write');
const keepAt = process.argv.indexOf('--data');
if (writeAt >= 0) {
  await write(process.argv[writeAt + 1] as string);
} else if (keepAt >= 0) {
  // `--data DIR`: reuse the session written there by an earlier run (writing it the first time), so that
  // repeated measurements skip the minute of writing. The folder is kept.
  const dir = path.resolve(process.argv[keepAt + 1] ?? '');
  if (!storeExists(dir)) writeSyntheticSession(dir, EVENTS);
  else line(`reusing the session in ${dir}`);
  await measure(dir);
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-bench-analyze-'));
  try {
    writeSyntheticSession(dir, EVENTS);
    await measure(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
