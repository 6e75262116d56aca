import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { Device } from '../../src/device/device.ts';
import { streamLogcat, type LogcatStream } from '../../src/device/ops/logcat.ts';
import { FaultDetector } from '../../src/device/parse/faults.ts';
import { parseBufferMark, parseLogcatLine } from '../../src/device/parse/logcat.ts';
import type { AppFaultData } from '../../src/evidence/types.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { setSideModel } from '../../src/sim/model/install.ts';
import { ensureApks } from '../sim/helpers.ts';

const PKG = 'com.appwarden.fixture.model';

function detect(lines: string[]): AppFaultData[] {
  const out: AppFaultData[] = [];
  const d = new FaultDetector((f) => out.push(f));
  for (const l of lines) d.push(parseLogcatLine(l) ?? l);
  d.flush();
  return out;
}

describe('logcat line parser', () => {
  const now = new Date(2026, 10, 28, 12, 0, 0);

  it('reads threadtime, epoch, year, time and brief layouts', () => {
    const tt = parseLogcatLine('11-28 01:22:33.123  1234  1250 I ActivityManager: Start proc 4000:x/u0a1', {
      now,
    });
    expect(tt).toMatchObject({ pid: 1234, tid: 1250, level: 'I', tag: 'ActivityManager' });
    expect(tt?.message).toBe('Start proc 4000:x/u0a1');
    expect(tt?.time).toBe(new Date(2026, 10, 28, 1, 22, 33, 123).getTime());

    const ep = parseLogcatLine('1795839709.930  4000  4019 E AndroidRuntime: FATAL EXCEPTION: main\r');
    expect(ep).toMatchObject({
      time: 1795839709930,
      pid: 4000,
      tid: 4019,
      level: 'E',
      tag: 'AndroidRuntime',
    });
    expect(ep?.message).toBe('FATAL EXCEPTION: main');

    const yr = parseLogcatLine('2025-12-31 23:59:59.999   612   612 W zygote64: msg', { now });
    expect(yr?.time).toBe(new Date(2025, 11, 31, 23, 59, 59, 999).getTime());

    expect(parseLogcatLine('11-28 01:22:33.123 W/Umeng   ( 4000): slow', { now })).toMatchObject({
      pid: 4000,
      tid: null,
      tag: 'Umeng',
      message: 'slow',
    });
    expect(parseLogcatLine('E/DEBUG   ( 5123): #00 pc 0001e5c  /x.so')).toMatchObject({
      time: null,
      pid: 5123,
      tag: 'DEBUG',
      message: '#00 pc 0001e5c  /x.so',
    });
    // Tags may contain blanks and colons before the separator; the message keeps its own colons.
    expect(
      parseLogcatLine('1795839709.000  1  1 I chatty  : uid=1000 system_server expire 3 lines')?.tag,
    ).toBe('chatty');
  });

  it('puts a December line read in January into last year', () => {
    const jan = new Date(2027, 0, 2, 10, 0, 0);
    expect(parseLogcatLine('12-31 23:00:00.000  1  1 I A: b', { now: jan })?.time).toBe(
      new Date(2026, 11, 31, 23, 0, 0).getTime(),
    );
  });

  it('recognises buffer marks and rejects other text', () => {
    expect(parseBufferMark('--------- beginning of crash')).toEqual({ buffer: 'crash' });
    expect(parseBufferMark('--------- switch to main')).toEqual({ buffer: 'main' });
    expect(parseLogcatLine('--------- beginning of crash')).toBeNull();
    expect(parseLogcatLine('logcat: Unexpected EOF!')).toBeNull();
  });
});

describe('crash and ANR detection', () => {
  it('assembles a Java crash with its cause chain, ignoring interleaved lines of other processes', () => {
    const faults = detect([
      '1795839709.930  4000  4000 E AndroidRuntime: FATAL EXCEPTION: main',
      '1795839709.930  4000  4000 E AndroidRuntime: Process: com.x:remote, PID: 4000',
      '1795839709.930  1410  1410 D StatusBar: unrelated',
      '1795839709.930  4000  4000 E AndroidRuntime: java.lang.RuntimeException: Unable to start activity',
      '1795839709.930  4000  4000 E AndroidRuntime: \tat android.app.ActivityThread.performLaunchActivity(ActivityThread.java:3449)',
      '1795839709.930  4000  4000 E AndroidRuntime: Caused by: java.lang.NullPointerException: x',
      '1795839709.930  4000  4000 E AndroidRuntime: \t... 11 more',
      '1795839709.931  4000  4000 I Process : Sending signal. PID: 4000 SIG: 9',
    ]);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({
      kind: 'crash',
      native: false,
      package: 'com.x',
      pid: 4000,
      deviceTime: 1795839709930,
      summary: 'java.lang.RuntimeException: Unable to start activity',
      stack: [
        'at android.app.ActivityThread.performLaunchActivity(ActivityThread.java:3449)',
        'Caused by: java.lang.NullPointerException: x',
        '... 11 more',
      ],
    });
    expect(faults[0]?.text.split('\n')).toHaveLength(6);
    expect(faults[0]?.text).not.toContain('StatusBar');
  });

  it("merges bionic's fatal-signal line with crash_dump's tombstone into one native crash", () => {
    const faults = detect([
      '1795839709.100  4000  4023 F libc    : Fatal signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0 in tid 4023 (RenderThread), pid 4000 (com.x)',
      '1795839709.150  4090  4090 F DEBUG   : *** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***',
      "1795839709.150  4090  4090 F DEBUG   : Build fingerprint: 'google/x/y:10/Q/1:user/release-keys'",
      '1795839709.150  4090  4090 F DEBUG   : pid: 4000, tid: 4023, name: RenderThread  >>> com.x <<<',
      '1795839709.150  4090  4090 F DEBUG   : signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0',
      '1795839709.150  4090  4090 F DEBUG   :     #00 pc 0000000000001e5c  /data/app/com.x-1/lib/arm64/libn.so',
      '1795839709.151  1120  1120 I tombstoned: received crash request for pid 4023',
    ]);
    expect(faults).toHaveLength(1);
    const f = faults[0] as AppFaultData;
    expect(f).toMatchObject({
      kind: 'crash',
      native: true,
      package: 'com.x',
      pid: 4000,
      deviceTime: 1795839709100,
    });
    expect(f.summary).toMatch(/^Fatal signal 11 \(SIGSEGV\)/);
    expect(f.stack).toEqual(['#00 pc 0000000000001e5c  /data/app/com.x-1/lib/arm64/libn.so']);
    expect(f.text).toContain('>>> com.x <<<');
    expect(f.text.split('\n')[0]).toContain('libc');
  });

  it('reads an ANR with its pid and reason', () => {
    const faults = detect([
      '1795839709.000  1124  1124 I ActivityManager: dumpStackTraces pids={4000}',
      '1795839709.000  1124  1124 E ActivityManager: ANR in com.x (com.x/.MainActivity)',
      '1795839709.000  1124  1124 E ActivityManager: PID: 4000',
      '1795839709.000  1124  1124 E ActivityManager: Reason: Input dispatching timed out',
      '1795839709.000  1124  1124 E ActivityManager: Load: 2.11 / 1.87 / 1.52',
      '1795839709.010  1124  1124 I ActivityManager: Killing 4000:com.x/u0a1 (adj 0): bg anr',
    ]);
    expect(faults).toEqual([
      expect.objectContaining({
        kind: 'anr',
        package: 'com.x',
        pid: 4000,
        summary: 'Input dispatching timed out',
      }),
    ]);
    expect(faults[0]?.text.split('\n')).toHaveLength(4);
  });
});

let sim: Sim;
let device: Device;
let apk: Buffer;

beforeAll(async () => {
  apk = fs.readFileSync(ensureApks().model);
  sim = await startSim({ seed: 'logcat-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
});

/** Installs the fixture app with a model and launches it. */
function launchWith(s: Sim, model: string): void {
  s.device.install(apk);
  setSideModel(s.device, PKG, `app: ${PKG}\n${model}`);
  s.device.startActivity(PKG);
}

async function firstFault(stream: LogcatStream): Promise<AppFaultData> {
  for await (const f of stream) return f;
  throw new Error('the stream ended without a fault');
}

describe('streamLogcat on a sim over the ADB wire', () => {
  it("reports the app's Java crash with its stack, and only the app's lines", async () => {
    const stream = await streamLogcat(device, { packages: [PKG] });
    const lines: string[] = [];
    stream.on('line', (l) => lines.push(`${l.pid} ${l.tag}: ${l.message}`));
    launchWith(
      sim,
      `on:
  launch:
    - log: about to fail
    - crash: {exception: java.lang.IllegalStateException, message: 'no token', from: ['com.x.Login.start(Login.java:42)', 'com.x.Main.onCreate(Main.java:7)']}
`,
    );
    const f = await firstFault(stream);
    const pid = sim.device.processList().find((p) => p.name === PKG)?.pid;
    expect(pid).toBeUndefined(); // the process died
    expect(f).toMatchObject({
      kind: 'crash',
      native: false,
      package: PKG,
      summary: 'java.lang.IllegalStateException: no token',
      stack: ['at com.x.Login.start(Login.java:42)', 'at com.x.Main.onCreate(Main.java:7)'],
    });
    expect(stream.pids.has(f.pid as number)).toBe(true);
    expect(f.deviceTime).toBeGreaterThan(Date.now() - 10_000);
    await stream.stop();
    expect(stream.ended).toBe(true);
    expect(lines).toContain(`${f.pid} model: about to fail`);
    // Filtered to the app: system_server's and SystemUI's lines are not among them.
    expect(lines.some((l) => l.startsWith('1124 ') || l.startsWith('1410 '))).toBe(false);
  });

  it('reports a native crash and an ANR, and leaves out faults from before it started', async () => {
    // A crash from before the stream started (an earlier session) must not be reported.
    launchWith(sim, 'on:\n  launch:\n    - crash: true\n');
    await new Promise((r) => setTimeout(r, 1100));
    const stream = await streamLogcat(device, { packages: [PKG] });
    launchWith(
      sim,
      `on:
  launch:
    - crash: {signal: SIGSEGV, thread: RenderThread, from: ['art::Thread::Run()', 'libnative.so!decode+12']}
`,
    );
    const native = await firstFault(stream);
    expect(native).toMatchObject({ kind: 'crash', native: true, package: PKG });
    expect(native.summary).toMatch(/Fatal signal 11 \(SIGSEGV\).*\(RenderThread\)/);
    expect(native.stack[0]).toMatch(/^#00 pc [0-9a-f]+ .*\(art::Thread::Run\(\)\)$/);

    launchWith(sim, 'on:\n  launch:\n    - anr: {after: 200ms}\n');
    await new Promise<void>((resolve) => stream.once('fault', () => resolve()));
    expect(stream.faults.map((f) => f.kind)).toEqual(['crash', 'anr']);
    expect(stream.faults[1]).toMatchObject({ package: PKG, pid: sim.device.pidOf(PKG) });
    expect(stream.faults[1]?.summary).toMatch(/^Input dispatching timed out/);
    await stream.stop();
    sim.device.forceStop(PKG);
  });

  it('ends with a reason when the device goes away, without throwing', async () => {
    const other = await startSim({ seed: 'logcat-lost' });
    const d = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: other.port });
    const stream = await streamLogcat(d, { packages: [PKG] });
    const ended = new Promise<string | null>((resolve) => stream.once('end', resolve));
    await other.stop();
    expect(await ended).toMatch(/logcat exited|the stream broke/);
    await stream.stop();
    await d.close();
  });
});

describe('streamLogcat through the real adb server', () => {
  const port = 17000 + (process.pid % 2000);
  const adb = (...args: string[]) =>
    execa('adb', ['-P', String(port), ...args], { timeout: 15_000, reject: false });

  afterAll(async () => {
    await adb('kill-server');
  });

  it('follows the sim through `adb` and catches the crash; `adb logcat -b crash` shows the same lines', async () => {
    const s = await startSim({ seed: 'logcat-adb' });
    try {
      expect((await adb('connect', s.serial)).stdout).toContain(`connected to ${s.serial}`);
      const d = await Device.connect('adb', {
        via: 'server',
        serial: s.serial,
        server: { host: '127.0.0.1', port },
      });
      const stream = await streamLogcat(d, { packages: [PKG] });
      launchWith(
        s,
        "on:\n  launch:\n    - crash: {exception: java.lang.OutOfMemoryError, message: 'Failed to allocate'}\n",
      );
      const f = await firstFault(stream);
      expect(f).toMatchObject({
        kind: 'crash',
        package: PKG,
        summary: 'java.lang.OutOfMemoryError: Failed to allocate',
      });
      await stream.stop();
      await d.close();

      const dump = await adb('-s', s.serial, 'logcat', '-d', '-b', 'crash');
      const parsed = dump.stdout
        .split('\n')
        .map((l) => parseLogcatLine(l))
        .filter((l) => l !== null);
      expect(dump.stdout.split('\n')[0]).toBe('--------- beginning of crash');
      expect(parsed.map((l) => l.message)).toContain(`Process: ${PKG}, PID: ${f.pid}`);
      expect(parsed.every((l) => l.tag === 'AndroidRuntime')).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
