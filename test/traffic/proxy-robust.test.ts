import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import type { StoredFlow } from '../../src/evidence/types.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { startCapture, type CaptureProxy } from '../../src/traffic/proxy.ts';
import {
  ProxyTunnelAgent,
  connectTunnel,
  listen,
  makeUpstreamTls,
  rawExchange,
  request,
  storeWithSession,
  tmpDir,
  waitFor,
} from './helpers.ts';

const tmp = tmpDir('proxy-robust');
const dataDir = path.join(tmp, 'data');
// 64 MiB of zeros compresses to ~64 KB: far beyond the decode ratio cap.
const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));

let store: EvidenceStore;
let proxy: CaptureProxy;
let farmCa: string;
const servers: net.Server[] = [];
let httpsPort = 0;
let plainPort = 0;
let echoPort = 0;
let bannerPort = 0;

async function flows(): Promise<StoredFlow[]> {
  await store.flush();
  return store.flows('s1');
}

async function stillServes(): Promise<void> {
  const r = await request(`http://127.0.0.1:${plainPort}/ok`, { proxyPort: proxy.port });
  expect(r.status).toBe(200);
  expect(r.body.toString()).toBe('ok');
}

beforeAll(async () => {
  const up = await makeUpstreamTls(tmp);
  farmCa = initCa(dataDir).ca.certPem;
  store = storeWithSession(dataDir);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === '/bomb') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(bomb);
    } else if (req.url === '/die') {
      res.writeHead(200, { 'content-length': '100000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.end('ok');
    }
  };
  const s = https.createServer({ key: up.key, cert: up.cert }, handler);
  const p = http.createServer(handler);
  // A non-HTTP protocol where the client speaks first, and one where the server does (SMTP-like).
  const echo = net.createServer((sock) => sock.pipe(sock));
  const banner = net.createServer((sock) => {
    sock.write('220 banner ready\r\n');
    sock.on('data', () => sock.end('221 bye\r\n'));
  });
  servers.push(s, p, echo, banner);
  httpsPort = await listen(s);
  plainPort = await listen(p);
  echoPort = await listen(echo);
  bannerPort = await listen(banner);
  proxy = await startCapture({
    session: 's1',
    writer: store.writer,
    dataDir,
    upstreamCa: up.cert,
    headersTimeoutMs: 400,
    sniffTimeoutMs: 200,
  });
});

afterAll(async () => {
  await proxy?.stop();
  for (const s of servers) s.close();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('capture proxy under bad peers', () => {
  it('records a decompression bomb without expanding it, and the client gets the original bytes', async () => {
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa });
    const reply = await request(`https://127.0.0.1:${httpsPort}/bomb`, { agent });
    agent.destroy();
    expect(reply.status).toBe(200);
    expect(reply.body.equals(bomb)).toBe(true);
    const f = await waitFor(async () => (await flows()).find((x) => x.url.endsWith('/bomb')));
    expect(f.responseBody?.decodeNote).toMatch(/decompression bomb/);
    expect(f.responseBody?.decoded).toBeNull();
    expect(f.responseBody?.size).toBe(bomb.length);
    expect(f.error).toBeUndefined();
    await stillServes();
  });

  it('answers malformed requests with 400 and records them', async () => {
    const got = await rawExchange(proxy.port, ['THIS IS NOT HTTP\r\n\r\n']);
    expect(got).toMatch(/^HTTP\/1\.1 400/);
    const got2 = await rawExchange(proxy.port, [Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10])]);
    expect(got2).toMatch(/^HTTP\/1\.1 400/);
    const events = store.events('s1', { type: 'proxy-error' });
    expect(events.some((e) => (e.data as { kind: string }).kind === 'malformed-request')).toBe(true);
    const badConnect = await rawExchange(proxy.port, ['CONNECT not-a-target HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(badConnect).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  it('cuts off a slowloris client that trickles its headers', async () => {
    const start = Date.now();
    const got = await rawExchange(
      proxy.port,
      [
        `GET http://127.0.0.1:${plainPort}/slow HTTP/1.1\r\n`,
        ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: a\r\n`),
      ],
      5000,
      100,
    );
    expect(got).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - start).toBeLessThan(2500);
    const events = store.events('s1', { type: 'proxy-error' });
    expect(events.some((e) => (e.data as { kind: string }).kind === 'header-timeout')).toBe(true);
    await stillServes();
  });

  it('survives abrupt closes: mid-headers, mid-body, mid-handshake, and an upstream dying mid-response', async () => {
    await rawExchange(proxy.port, [`GET http://127.0.0.1:${plainPort}/x HTTP/1.1\r\nHo`], 100);
    await rawExchange(
      proxy.port,
      [
        `POST http://127.0.0.1:${plainPort}/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nonly-a-little`,
      ],
      200,
    );
    const tunnel = await connectTunnel(proxy.port, `127.0.0.1:${httpsPort}`);
    tunnel.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00])); // a ClientHello cut short
    tunnel.destroy();
    const r = await request(`http://127.0.0.1:${plainPort}/die`, { proxyPort: proxy.port }).catch(
      (e: Error) => e,
    );
    expect(r).toBeInstanceOf(Error);
    const died = await waitFor(async () => (await flows()).find((x) => x.url.endsWith('/die')));
    expect(died.error).toMatch(/upstream closed|SERVER_TO_PROXY|aborted|client closed/i);
    await stillServes();
  });

  it('records an unreachable upstream as a failed flow and answers 502', async () => {
    const closed = net.createServer();
    const deadPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    const reply = await request(`http://127.0.0.1:${deadPort}/gone`, { proxyPort: proxy.port });
    expect(reply.status).toBe(502);
    const f = await waitFor(async () => (await flows()).find((x) => x.url.endsWith('/gone')));
    expect(f).toMatchObject({ scheme: 'http', tls: null });
    expect(f.status).toBeUndefined();
    expect(f.error).toMatch(/PROXY_TO_SERVER_REQUEST_ERROR: .*ECONNREFUSED/);
    await stillServes();
  });

  it('tunnels a non-HTTP protocol as an opaque flow with byte counts', async () => {
    const sock = await connectTunnel(proxy.port, `127.0.0.1:${echoPort}`);
    const payload = Buffer.from([0x00, 0x01, 0x02, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);
    const echoed = await new Promise<Buffer>((resolve) => {
      sock.once('data', (d: Buffer) => resolve(d));
      sock.write(payload);
    });
    expect(echoed.equals(payload)).toBe(true);
    sock.end();
    const f = await waitFor(async () => (await flows()).find((x) => x.port === echoPort));
    expect(f).toMatchObject({
      scheme: 'tcp',
      method: 'CONNECT',
      url: `tcp://127.0.0.1:${echoPort}`,
      tls: null,
    });
    expect(f.extra?.tunnel).toMatchObject({ bytesUp: payload.length, bytesDown: payload.length });
    expect(f.timing.connect).toBeGreaterThanOrEqual(0);
  });

  it('opens the tunnel for server-first protocols after the sniff timeout', async () => {
    const sock = await connectTunnel(proxy.port, `127.0.0.1:${bannerPort}`);
    const banner = await new Promise<string>((resolve) =>
      sock.once('data', (d: Buffer) => resolve(d.toString())),
    );
    expect(banner).toBe('220 banner ready\r\n');
    sock.end('QUIT\r\n');
    const f = await waitFor(async () => (await flows()).find((x) => x.port === bannerPort));
    expect(f.extra?.tunnel).toMatchObject({ bytesUp: 6, bytesDown: banner.length + '221 bye\r\n'.length });
  });

  it('still intercepts TLS after all of the above', async () => {
    const sock = await connectTunnel(proxy.port, `127.0.0.1:${httpsPort}`);
    const t = tls.connect({ socket: sock, ca: farmCa, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', resolve);
      t.once('error', reject);
    });
    expect(t.authorized).toBe(true);
    expect(t.getPeerCertificate().issuer.O).toBe('appwarden');
    t.destroy();
    await stillServes();
  });

  it('stops promptly with tunnels still open, and frees its port', async () => {
    const own = await startCapture({ session: 's1', writer: store.writer, dataDir, sniffTimeoutMs: 50 });
    const sock = await connectTunnel(own.port, `127.0.0.1:${echoPort}`);
    // The proxy resets the tunnel on stop; the client sees that as ECONNRESET.
    const resets: string[] = [];
    sock.on('error', (e: NodeJS.ErrnoException) => resets.push(e.code ?? 'error'));
    sock.write('still here');
    const closed = new Promise((r) => sock.once('close', r));
    const t0 = Date.now();
    await own.stop();
    await closed;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(resets.every((c) => c === 'ECONNRESET')).toBe(true);
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: own.port });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('rejects invalid options with the option named', async () => {
    await expect(
      startCapture({ session: 's1', writer: store.writer, dataDir, bodyCapBytes: -1 }),
    ).rejects.toThrow(
      /^Failed to start the capture proxy: option bodyCapBytes .*Fix the traffic settings\.$/,
    );
  });
});
