import fs from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUpstreamTls } from '../../traffic/helpers.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { openStore } from '../../../src/evidence/store.ts';
import type { StoredFlow } from '../../../src/evidence/types.ts';
import { SimDevice } from '../../../src/sim/device/device.ts';
import { CA_STORES } from '../../../src/sim/device/network.ts';
import { installModelRuntime, setSideModel } from '../../../src/sim/model/install.ts';
import { simRequest } from '../../../src/sim/net/client.ts';
import { ROUTES_SETTING } from '../../../src/sim/net/routes.ts';
import { spkiSha256, type TrustPolicy } from '../../../src/sim/net/trust.ts';
import { exportCa, initCa, type FarmCa } from '../../../src/traffic/ca.ts';
import { startCapture, type CaptureProxy } from '../../../src/traffic/proxy.ts';
import { ensureApks } from '../helpers.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-simnet-'));
const DOMAIN = 'sim-tracker.cn';

let upstream: https.Server;
let upPort = 0;
let upCert = '';
let farm: FarmCa;
let store: EvidenceStore;
let proxy: CaptureProxy;
const received: { host: string | undefined; url: string | undefined; body: Buffer }[] = [];

const NO_PINS: TrustPolicy = { trustUserCerts: false, pins: [] };

beforeAll(async () => {
  // The tracker's own certificate: a self-signed CA-style cert for *.sim-tracker.cn.
  const tls = await makeUpstreamTls(tmp, { cn: `*.${DOMAIN}`, san: `DNS:*.${DOMAIN},IP:127.0.0.1` });
  upCert = tls.cert;
  upstream = https.createServer({ key: tls.key, cert: upCert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ host: req.headers.host, url: req.url, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upPort = (upstream.address() as net.AddressInfo).port;
  const dataDir = path.join(tmp, 'data');
  farm = initCa(dataDir).ca;
  store = openStore({ dataDir, batch: { maxDelayMs: 5 } });
  store.createRun({ id: 'r1' });
  store.createSession({
    id: 's1',
    run: 'r1',
    target: 'x',
    scenario: 't',
    device: 'sim',
    deviceKind: 'sim',
    capabilities: [],
  });
  proxy = await startCapture({ session: 's1', writer: store.writer, dataDir, upstreamCa: upCert });
});

afterAll(async () => {
  await proxy?.stop();
  upstream?.close();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A sim that reaches every *.sim-tracker.cn name at the upstream and trusts the tracker's CA. */
function sim(seed: string, proxied: boolean): SimDevice {
  const d = new SimDevice(seed);
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((h) => `${h}.${DOMAIN}=127.0.0.1:${upPort}`);
  d.settings.global.set(ROUTES_SETTING, names.join(','));
  // The tracker's CA stands for a public root the image ships with.
  d.fs.write(`${CA_STORES.system}/upstream0.0`, Buffer.from(upCert));
  if (proxied) d.settings.global.set('http_proxy', `127.0.0.1:${proxy.port}`);
  return d;
}

function installFarmCa(d: SimDevice, where: 'system' | 'user'): void {
  const { fileName, bytes } = exportCa(farm, 'android');
  d.fs.write(`${CA_STORES[where]}/${fileName}`, bytes);
}

/** The flows for a host once there are `n` of them (the proxy writes a flow when its tunnel closes). */
async function flowsFor(host: string, n = 0): Promise<StoredFlow[]> {
  const end = Date.now() + 3000;
  for (;;) {
    await store.flush();
    const flows = store.flows('s1').filter((f) => f.host === host);
    if (flows.length >= n || Date.now() > end) return flows;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sim network', () => {
  it('goes direct without a proxy, by the sim route, keeping the name in SNI and Host', async () => {
    const d = sim('net-direct', false);
    const res = await simRequest(d, NO_PINS, { method: 'GET', url: `https://a.${DOMAIN}/hello` });
    expect(res).toMatchObject({ status: 200, via: 'direct' });
    expect(received.at(-1)).toMatchObject({ host: `a.${DOMAIN}`, url: '/hello' });
    expect(await flowsFor(`a.${DOMAIN}`)).toHaveLength(0);
  });

  it('is intercepted once the farm CA is in the system store', async () => {
    const d = sim('net-system', true);
    installFarmCa(d, 'system');
    const res = await simRequest(d, NO_PINS, {
      method: 'POST',
      url: `https://b.${DOMAIN}/c`,
      body: Buffer.from('x=1'),
    });
    expect(res).toMatchObject({ status: 200, via: 'proxy' });
    const flows = await flowsFor(`b.${DOMAIN}`, 1);
    expect(flows.map((f) => f.tls)).toEqual(['intercepted']);
  });

  it('refuses the proxy CA when it is not installed; the host then passes through', async () => {
    const d = sim('net-none', true);
    await expect(simRequest(d, NO_PINS, { method: 'GET', url: `https://c.${DOMAIN}/` })).rejects.toThrow(
      /self.signed|unable to (get|verify)|certificate/i,
    );
    const again = await simRequest(d, NO_PINS, { method: 'GET', url: `https://c.${DOMAIN}/second` });
    expect(again.status).toBe(200);
    expect(received.at(-1)?.url).toBe('/second');
    expect((await flowsFor(`c.${DOMAIN}`, 2)).map((f) => f.tls)).toEqual([
      'client-rejected-ca',
      'passthrough',
    ]);
  });

  it('ignores a user-store CA for targetSdk >= 24 unless the app opts in', async () => {
    const d = sim('net-user', true);
    installFarmCa(d, 'user');
    await expect(simRequest(d, NO_PINS, { method: 'GET', url: `https://d.${DOMAIN}/` })).rejects.toThrow();
    const optIn = { trustUserCerts: true, pins: [] };
    const res = await simRequest(d, optIn, { method: 'GET', url: `https://e.${DOMAIN}/` });
    expect(res.status).toBe(200);
    expect((await flowsFor(`e.${DOMAIN}`, 1)).map((f) => f.tls)).toEqual(['intercepted']);
  });

  it('a pinned host rejects the farm CA even from the system store', async () => {
    const d = sim('net-pin', true);
    installFarmCa(d, 'system');
    const pinned: TrustPolicy = {
      trustUserCerts: false,
      pins: [{ host: `*.${DOMAIN}`, sha256: [spkiSha256(upCert)] }],
    };
    await expect(simRequest(d, pinned, { method: 'GET', url: `https://f.${DOMAIN}/` })).rejects.toThrow();
    expect((await flowsFor(`f.${DOMAIN}`, 1)).map((f) => f.tls)).toEqual(['client-rejected-ca']);
  });

  it("sends a model's templated, encoded request through the proxy, where the matcher finds the identity", async () => {
    const d = sim('net-model', false);
    // A listener that matches against this sim's identity, as a session's proxy does.
    const own = await startCapture({
      session: 's1',
      writer: store.writer,
      dataDir: path.join(tmp, 'data'),
      upstreamCa: upCert,
      identity: d.identityFile(),
    });
    try {
      d.settings.global.set('http_proxy', `127.0.0.1:${own.port}`);
      installFarmCa(d, 'system');
      installModelRuntime(d);
      d.install(fs.readFileSync(ensureApks().model));
      setSideModel(
        d,
        'com.appwarden.fixture.model',
        `app: com.appwarden.fixture.model
on:
  launch:
    - send:
        url: https://g.${DOMAIN}/u?aid=\${androidId}
        body: {imei: '\${imei|base64}', mac: '\${wifiMac|md5}'}
        encode: [json, gzip]
`,
      );
      d.startActivity('com.appwarden.fixture.model');
      const end = Date.now() + 5000;
      while (!received.some((r) => r.url?.startsWith('/u?')) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      const got = received.find((r) => r.url?.startsWith('/u?'));
      const body = JSON.parse(gunzipSync(got?.body ?? Buffer.alloc(0)).toString()) as Record<string, string>;
      expect(body.imei).toBe(Buffer.from(d.identity.imei[0] as string).toString('base64'));
      const flows = await flowsFor(`g.${DOMAIN}`, 1);
      expect(flows).toHaveLength(1);
      expect(flows[0]?.tls).toBe('intercepted');
      const types = new Set(flows[0]?.matches.map((m) => m.type));
      expect(types.has('androidId')).toBe(true);
      expect(types.has('imei')).toBe(true);
    } finally {
      await own.stop();
    }
  });
});
