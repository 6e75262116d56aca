import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { flowToEntry } from '../../src/traffic/har.ts';
import { startCapture, type CaptureProxy } from '../../src/traffic/proxy.ts';
import { ProxyTunnelAgent, listen, makeUpstreamTls, request, storeWithSession, tmpDir } from './helpers.ts';

/** HAR connect/ssl come from the proxy's own upstream connection: measured when fresh, absent when reused. */
const tmp = tmpDir('proxy-timing');
const dataDir = path.join(tmp, 'data');
let store: EvidenceStore;
let proxy: CaptureProxy;
let server: https.Server;
let port = 0;
let farmCa = '';

beforeAll(async () => {
  const upstream = await makeUpstreamTls(tmp);
  farmCa = initCa(dataDir).ca.certPem;
  store = storeWithSession(dataDir);
  server = https.createServer({ key: upstream.key, cert: upstream.cert }, (_req, res) => res.end('ok'));
  port = await listen(server);
  proxy = await startCapture({ session: 's1', writer: store.writer, dataDir, upstreamCa: upstream.cert });
});

afterAll(async () => {
  await proxy?.stop();
  server?.close();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('upstream connection timings', () => {
  it('records connect and TLS time for a fresh upstream connection, none for a reused one', async () => {
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa, keepAlive: true });
    for (const p of ['/one', '/two']) {
      expect((await request(`https://127.0.0.1:${port}${p}`, { agent })).status).toBe(200);
    }
    agent.destroy();
    await store.flush();
    const flows = store.flows('s1').sort((a, b) => a.id - b.id);
    const [first, second] = flows;
    expect(first?.url).toMatch(/\/one$/);
    expect(first?.timing.connect).toBeGreaterThan(0);
    expect(first?.timing.ssl).toBeGreaterThan(0);
    expect(first?.timing.ssl).toBeLessThanOrEqual(first?.timing.connect ?? 0);
    expect(second?.url).toMatch(/\/two$/);
    expect(second?.timing.connect).toBeUndefined();
    expect(second?.timing.ssl).toBeUndefined();
    // And the HAR says so: measured numbers for the first, -1 (unknown) for the second.
    const har = (f: NonNullable<typeof first>) => flowToEntry(store, f).timings;
    expect(har(first as NonNullable<typeof first>).ssl).toBe(first?.timing.ssl);
    expect(har(second as NonNullable<typeof second>)).toMatchObject({ connect: -1, ssl: -1 });
  });
});
