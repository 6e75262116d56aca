import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdbWireClient } from '../../src/sim/adb/client.ts';
import { A_CNXN, A_OPEN, A_VERSION, encodeMessage } from '../../src/sim/adb/message.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';
import { ensureApks } from './helpers.ts';

let sims: Sim[] = [];
let apks: ReturnType<typeof ensureApks>;

beforeAll(async () => {
  apks = ensureApks();
  sims = await Promise.all([startSim({ seed: 'one' }), startSim({ seed: 'two' })]);
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

describe('sim over the wire (own client)', () => {
  it('boots fast, each sim on its own port with its own identity', async () => {
    const t = performance.now();
    const extra = await startSim();
    const ms = performance.now() - t;
    await extra.stop();
    expect(ms).toBeLessThan(300);
    const [a, b] = sims as [Sim, Sim];
    expect(a.port).not.toBe(b.port);
    const ca = await AdbWireClient.connect(a.port);
    const cb = await AdbWireClient.connect(b.port);
    expect(ca.banner).toMatch(/^device::ro\.product\.name=.*;features=shell_v2,cmd,fixed_push_mkdir$/);
    const ida = (await ca.shell('settings get secure android_id')).stdout.toString().trim();
    const idb = (await cb.shell('settings get secure android_id')).stdout.toString().trim();
    expect(ida).toBe(a.device.identity.androidId);
    expect(idb).toBe(b.device.identity.androidId);
    expect(ida).not.toBe(idb);
    ca.close();
    cb.close();
  });

  it('runs many streams concurrently on one connection', async () => {
    const c = await AdbWireClient.connect(sims[0]!.port);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => c.shell(`echo n${i}; getprop ro.build.version.sdk`)),
    );
    results.forEach((r, i) => expect(r.stdout.toString()).toBe(`n${i}\n29\n`));
    c.close();
  });

  it('installs a 1 MB APK by streaming it to cmd package install -S, then pushes and pulls it', async () => {
    const c = await AdbWireClient.connect(sims[1]!.port);
    const apk = fs.readFileSync(apks.big);
    expect(apk.length).toBeGreaterThan(1_000_000);
    expect((await c.install(apk)).trim()).toBe('Success');
    expect(sims[1]!.device.packages.get('com.appwarden.fixture.big')?.apk?.equals(apk)).toBe(true);
    await c.push('/data/local/tmp/big.apk', apk);
    expect((await c.pull('/data/local/tmp/big.apk')).equals(apk)).toBe(true);
    await expect(c.pull('/data/local/tmp/missing')).rejects.toThrow(/No such file/);
    c.close();
  });

  it('answers a bad sync request with FAIL and closes only that stream', async () => {
    const c = await AdbWireClient.connect(sims[0]!.port);
    const st = await c.open('sync:');
    await st.write(Buffer.from('EVIL\x05\0\0\0hello'));
    const reply = await st.readAll();
    expect(reply.toString('latin1', 0, 4)).toBe('FAIL');
    expect(reply.toString('utf8', 8)).toContain('unknown sync request');
    expect((await c.shell('echo alive')).stdout.toString()).toBe('alive\n');
    c.close();
  });

  it('follows logcat until the host closes the stream', async () => {
    const c = await AdbWireClient.connect(sims[0]!.port);
    const st = await c.open('shell:logcat -s FollowTest');
    sims[0]!.device.writeLog('I', 'FollowTest', 'first live line');
    let got = '';
    while (!got.includes('first live line')) got += ((await st.read()) ?? Buffer.alloc(0)).toString();
    expect(sims[0]!.device.logs.followers).toBe(1);
    st.close();
    // The shell round-trip after the close orders it behind the CLSE on the same connection.
    expect((await c.shell('echo after')).stdout.toString()).toBe('after\n');
    expect(sims[0]!.device.logs.followers).toBe(0);
    c.close();
  });

  it('reaches a host port through tcp: forwarding', async () => {
    const server = net.createServer((s) =>
      s.on('data', (d) => s.end(Buffer.concat([Buffer.from('echo:'), d]))),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const c = await AdbWireClient.connect(sims[0]!.port);
    const st = await c.open(`tcp:${port}`);
    await st.write(Buffer.from('ping'));
    expect((await st.readAll()).toString()).toBe('echo:ping');
    c.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('refuses unknown services and drops a peer that opens streams before CNXN, without harm to others', async () => {
    const c = await AdbWireClient.connect(sims[0]!.port);
    await expect(c.open('jdwp:1234')).rejects.toThrow(/refused/);
    const closed = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port: sims[0]!.port, host: '127.0.0.1' }, () =>
        s.write(encodeMessage({ command: A_OPEN, arg0: 1, arg1: 0, payload: Buffer.from('shell:id\0') })),
      );
      s.on('close', () => resolve(true));
      s.on('error', () => undefined);
      setTimeout(() => resolve(false), 3000);
    });
    expect(closed).toBe(true);
    // A peer that completes CNXN and then sends a truncated header keeps its socket until more arrives;
    // a valid one next to it is unaffected.
    const raw = net.connect({ port: sims[0]!.port, host: '127.0.0.1' });
    raw.on('error', () => undefined);
    raw.write(
      encodeMessage({ command: A_CNXN, arg0: A_VERSION, arg1: 4096, payload: Buffer.from('host::\0') }),
    );
    raw.write(Buffer.from('CLSE'));
    expect((await c.shell('echo ok')).stdout.toString()).toBe('ok\n');
    raw.destroy();
    c.close();
  });
});
