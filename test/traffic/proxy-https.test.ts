import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identitySchema } from '../../src/config/identity.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import type { StoredFlow } from '../../src/evidence/types.ts';
import { caPaths, initCa } from '../../src/traffic/ca.ts';
import { startCapture, type CaptureProxy } from '../../src/traffic/proxy.ts';
import {
  PlainTunnelAgent,
  ProxyTunnelAgent,
  listen,
  waitFor,
  makeUpstreamTls,
  request,
  storeWithSession,
  tmpDir,
} from './helpers.ts';

const IMEI = '867530912345678';
const ANDROID_ID = '9774d56d682e549c';
const identity = identitySchema.parse({ imei: [IMEI], androidId: ANDROID_ID });

const tmp = tmpDir('proxy-https');
const dataDir = path.join(tmp, 'data');
const BODY_CAP = 64 * 1024;
const big = Buffer.alloc(300 * 1024, 'abcdefghij');
const gzippedReply = zlib.gzipSync(Buffer.from(JSON.stringify({ ok: true, items: Array(50).fill('entry') })));

let store: EvidenceStore;
let proxy: CaptureProxy;
let strictProxy: CaptureProxy;
let upstreamTls: { key: string; cert: string };
let farmCa: string;
const servers: { close(): void }[] = [];
let upPort = 0;
let pinnedPort = 0;
let h2Port = 0;
let plainPort = 0;

function upstreamHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url?.startsWith('/collect')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzippedReply);
    } else if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(big);
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello from ${req.url}`);
    }
  });
}

async function flows(): Promise<StoredFlow[]> {
  await store.flush();
  return store.flows('s1');
}

beforeAll(async () => {
  upstreamTls = await makeUpstreamTls(tmp);
  farmCa = initCa(dataDir).ca.certPem;
  store = storeWithSession(dataDir);
  for (const setPort of [(p: number) => (upPort = p), (p: number) => (pinnedPort = p)]) {
    const s = https.createServer({ key: upstreamTls.key, cert: upstreamTls.cert }, upstreamHandler);
    servers.push(s);
    setPort(await listen(s));
  }
  const h2 = http2.createSecureServer({ key: upstreamTls.key, cert: upstreamTls.cert }, (_req, res) =>
    res.end('h2 only'),
  );
  servers.push(h2);
  h2Port = await listen(h2);
  const plain = http.createServer(upstreamHandler);
  servers.push(plain);
  plainPort = await listen(plain);
  proxy = await startCapture({
    session: 's1',
    writer: store.writer,
    dataDir,
    identity,
    bodyCapBytes: BODY_CAP,
    upstreamCa: upstreamTls.cert,
  });
  // Same session, but it does not trust the upstream's test CA: upstream TLS fails.
  strictProxy = await startCapture({ session: 's1', writer: store.writer, dataDir });
});

afterAll(async () => {
  await proxy?.stop();
  await strictProxy?.stop();
  for (const s of servers) s.close();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('capture proxy, HTTPS', () => {
  it('listens on loopback on a port of its own', () => {
    expect(proxy.host).toBe('127.0.0.1');
    expect(proxy.port).toBeGreaterThan(0);
    expect(strictProxy.port).not.toBe(proxy.port);
  });

  it('intercepts with the farm CA and stores the exchange with decoded copies and identity matches', async () => {
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa, keepAlive: true });
    const sentBody = zlib.gzipSync(JSON.stringify({ device: { android_id: ANDROID_ID }, v: 1 }));
    const reply = await request(`https://127.0.0.1:${upPort}/collect?imei=${IMEI}&x=1`, {
      agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'X-Trace': 'abc' },
      body: sentBody,
    });
    agent.destroy();
    expect(reply.status).toBe(200);
    // The client gets the server's bytes untouched (still gzip), not a proxy-decoded copy.
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.body.equals(gzippedReply)).toBe(true);

    const f = (await flows()).find((x) => x.url.includes('/collect'));
    expect(f).toBeDefined();
    if (!f) return;
    expect(f.session).toBe('s1');
    expect(f.tls).toBe('intercepted');
    expect(f.method).toBe('POST');
    expect(f.scheme).toBe('https');
    expect(f.url).toBe(`https://127.0.0.1:${upPort}/collect?imei=${IMEI}&x=1`);
    expect(f.host).toBe('127.0.0.1');
    expect(f.port).toBe(upPort);
    expect(f.status).toBe(200);
    expect(f.requestHeaders).toContainEqual(['X-Trace', 'abc']);
    expect(f.responseHeaders.map(([k]) => k.toLowerCase())).toContain('content-encoding');
    // Request body: raw as sent (gzip) plus the decoded JSON.
    expect(f.requestBody?.raw && store.readBlob(f.requestBody.raw).equals(sentBody)).toBe(true);
    expect(f.requestBody?.decoded && JSON.parse(store.readBlob(f.requestBody.decoded).toString())).toEqual({
      device: { android_id: ANDROID_ID },
      v: 1,
    });
    expect(f.responseBody?.raw && store.readBlob(f.responseBody.raw).equals(gzippedReply)).toBe(true);
    expect(f.responseBody?.decoded && store.readBlob(f.responseBody.decoded).toString()).toMatch(
      /^\{"ok":true/,
    );
    expect(f.responseBody?.contentEncoding).toBe('gzip');
    expect(f.timing.total).toBeGreaterThan(0);
    expect(f.timing.wait).toBeGreaterThanOrEqual(0);
    // Matches computed at capture time.
    expect(f.matches).toContainEqual(expect.objectContaining({ type: 'imei', where: 'query' }));
    expect(f.matches).toContainEqual(expect.objectContaining({ type: 'androidId', where: 'body' }));
    // The flow is on the session's timeline.
    expect(store.events('s1', { type: 'flow' }).some((e) => e.id === f.eventId)).toBe(true);
  });

  it('passes a body over the cap through whole and records the truncation and full size', async () => {
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa });
    const reply = await request(`https://127.0.0.1:${upPort}/big`, { agent });
    agent.destroy();
    expect(reply.body.equals(big)).toBe(true);
    const f = (await flows()).find((x) => x.url.endsWith('/big'));
    expect(f?.responseBody).toMatchObject({ size: big.length, captured: BODY_CAP, truncated: true });
    expect(f?.responseBody?.raw && store.readBlob(f.responseBody.raw).equals(big.subarray(0, BODY_CAP))).toBe(
      true,
    );
  });

  it('records a client that rejects the CA, then passes that host through so the app keeps working', async () => {
    // This client trusts only the real server: it aborts the handshake with our certificate.
    const pinned = () => new ProxyTunnelAgent(proxy.port, { ca: upstreamTls.cert });
    const url = `https://127.0.0.1:${pinnedPort}/pinned`;
    await expect(request(url, { agent: pinned() })).rejects.toThrow(
      /self-signed|unable to verify|certificate/i,
    );
    // The proxy learns of the rejection when the client hangs up; the app's next connection passes.
    await waitFor(async () => proxy.hostPolicy.passthroughReason('127.0.0.1', pinnedPort));
    const again = await request(url, { agent: pinned() });
    expect(again.status).toBe(200);
    expect(again.body.toString()).toBe('hello from /pinned');

    const mine = await waitFor(async () => {
      const fs = (await flows()).filter((x) => x.port === pinnedPort);
      return fs.length === 2 ? fs : undefined;
    });
    expect(mine.map((x) => x.tls)).toEqual(['client-rejected-ca', 'passthrough']);
    // Node's client hangs up without an alert; curl sends 'unknown ca' (both count as a rejection).
    expect(mine[0]?.error).toMatch(
      /(TLS alert from the client: unknown ca|hung up during the TLS handshake).*pass through/,
    );
    const tunnel = mine[1]?.extra?.tunnel as { bytesUp: number; bytesDown: number; reason: string };
    expect(tunnel.bytesUp).toBeGreaterThan(100);
    expect(tunnel.bytesDown).toBeGreaterThan(again.body.length);
    expect(tunnel.reason).toMatch(/client rejected the appwarden CA/);
    expect(proxy.hostPolicy.passthroughReason('127.0.0.1', pinnedPort)).toMatch(/rejected/);
    // Other hosts are still intercepted.
    expect(proxy.hostPolicy.passthroughReason('127.0.0.1', upPort)).toBeUndefined();
  });

  it('records an upstream TLS failure as upstream-error and answers the client 502', async () => {
    const agent = new ProxyTunnelAgent(strictProxy.port, { ca: farmCa });
    const reply = await request(`https://127.0.0.1:${upPort}/untrusted-upstream`, { agent });
    agent.destroy();
    expect(reply.status).toBe(502);
    const f = (await flows()).find((x) => x.url.endsWith('/untrusted-upstream'));
    expect(f?.tls).toBe('upstream-error');
    expect(f?.error).toMatch(/PROXY_TO_SERVER_REQUEST_ERROR: .*certificate/i);
  });

  it('switches an HTTP/2-only upstream to passthrough with the reason recorded', async () => {
    const url = `https://127.0.0.1:${h2Port}/`;
    const first = await request(url, { agent: new ProxyTunnelAgent(proxy.port, { ca: farmCa }) });
    expect(first.status).toBe(403);
    // Passthrough now: the client meets the real server's certificate.
    await request(url, { agent: new ProxyTunnelAgent(proxy.port, { ca: upstreamTls.cert }) });
    const mine = await waitFor(async () => {
      const fs = (await flows()).filter((x) => x.port === h2Port);
      return fs.length === 2 ? fs : undefined;
    });
    expect(mine[0]?.tls).toBe('upstream-error');
    expect(mine[0]?.error).toMatch(/HTTP\/2 only/);
    expect(mine[1]?.tls).toBe('passthrough');
    expect((mine[1]?.extra?.tunnel as { reason: string }).reason).toMatch(/HTTP\/2 only/);
  });

  it('captures plain HTTP sent to the proxy in absolute form', async () => {
    const reply = await request(`http://127.0.0.1:${plainPort}/plain?imei=${IMEI}`, {
      proxyPort: proxy.port,
    });
    expect(reply.body.toString()).toBe(`hello from /plain?imei=${IMEI}`);
    const f = (await flows()).find((x) => x.url.includes('/plain'));
    expect(f).toMatchObject({
      scheme: 'http',
      tls: null,
      status: 200,
      url: `http://127.0.0.1:${plainPort}/plain?imei=${IMEI}`,
    });
    expect(f?.matches).toContainEqual(expect.objectContaining({ type: 'imei', where: 'query' }));
  });

  it('captures plain HTTP spoken inside a CONNECT tunnel', async () => {
    const reply = await request(`http://127.0.0.1:${plainPort}/tunnelled`, {
      agent: new PlainTunnelAgent(proxy.port),
    });
    expect(reply.body.toString()).toBe('hello from /tunnelled');
    const f = (await flows()).find((x) => x.url.endsWith('/tunnelled'));
    expect(f).toMatchObject({
      scheme: 'http',
      tls: null,
      status: 200,
      url: `http://127.0.0.1:${plainPort}/tunnelled`,
    });
  });

  it('never writes per-host keys to disk (only the CA files exist)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else files.push(path.relative(caPaths(dataDir).dir, path.join(d, e.name)));
      }
    };
    walk(caPaths(dataDir).dir);
    expect(files.sort()).toEqual(['certs/ca.pem', 'keys/ca.private.key', 'keys/ca.public.key']);
  });
});
