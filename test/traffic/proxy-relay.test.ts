import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { startCapture, type CaptureProxy } from '../../src/traffic/proxy.ts';
import { connectTunnel, listen, makeUpstreamTls, storeWithSession, tmpDir, waitFor } from './helpers.ts';

/**
 * The intercepted-TLS relay (tunnel-relay.ts) passes bytes through as they are and only watches them for
 * message boundaries. These tests speak raw HTTP/1.1 over TLS through the proxy to an origin that keeps
 * every byte it receives, so what the origin saw can be compared with what was sent and recorded.
 */
const tmp = tmpDir('proxy-relay');
const dataDir = path.join(tmp, 'data');
let store: EvidenceStore;
let proxy: CaptureProxy;
let origin: tls.Server;
let port = 0;
let farmCa = '';
/** Every byte each origin connection received, in order of connection. */
const received: Buffer[][] = [];

/** Answers every complete request head it sees with a fixed response (or `reply(head)`). */
function reply(head: string): string {
  const [line] = head.split('\r\n');
  const pathPart = line?.split(' ')[1] ?? '/';
  if (line?.startsWith('HEAD ')) return 'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n';
  if (head.toLowerCase().includes('expect: 100-continue'))
    return `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: ${pathPart.length}\r\n\r\n${pathPart}`;
  return `HTTP/1.1 200 OK\r\nX-Name: Jos\u00e9\r\nContent-Length: ${pathPart.length}\r\n\r\n${pathPart}`;
}

beforeAll(async () => {
  const up = await makeUpstreamTls(tmp);
  farmCa = initCa(dataDir).ca.certPem;
  store = storeWithSession(dataDir);
  origin = tls.createServer({ key: up.key, cert: up.cert }, (socket) => {
    const mine: Buffer[] = [];
    received.push(mine);
    let pending = '';
    socket.on('data', (d: Buffer) => {
      mine.push(d);
      pending += d.toString('latin1');
      // Requests here have no body, or a body of Content-Length bytes.
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        if (head.startsWith('GET /die ')) {
          // Promises 100 bytes, sends 10, and hangs up.
          socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
          return;
        }
        socket.write(Buffer.from(reply(head), 'latin1'));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  port = await listen(origin);
  proxy = await startCapture({
    session: 's1',
    writer: store.writer,
    dataDir,
    upstreamCa: up.cert,
    headersTimeoutMs: 800,
  });
});

afterAll(async () => {
  await proxy?.stop();
  origin?.close();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A TLS connection to the origin through the proxy's CONNECT tunnel, trusting the farm CA. */
async function open(): Promise<{ socket: tls.TLSSocket; text: () => string; closed: Promise<void> }> {
  const raw = await connectTunnel(proxy.port, `127.0.0.1:${port}`);
  const socket = tls.connect({
    socket: raw,
    ca: farmCa,

    checkServerIdentity: () => undefined,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  return { socket, text: () => Buffer.concat(chunks).toString('latin1'), closed };
}

async function flowsFor(prefix: string, count: number) {
  return waitFor(async () => {
    await store.flush();
    const mine = store
      .flows('s1')
      .filter((f) => new URL(f.url).pathname.startsWith(prefix))
      .sort((a, b) => a.id - b.id);
    return mine.length >= count ? mine : undefined;
  });
}

describe('intercepted TLS relay', () => {
  it('passes pipelined requests through byte for byte and pairs each response with its request', async () => {
    const before = received.length;
    const c = await open();
    const sent =
      'GET /pipe/1 HTTP/1.1\r\nHost: localhost\r\nX-Odd-Case: KeepMe\r\n\r\n' +
      'POST /pipe/2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nimei=867530' +
      'HEAD /pipe/3 HTTP/1.1\r\nHost: localhost\r\n\r\n' +
      'GET /pipe/4 HTTP/1.1\r\nHost: localhost\r\n\r\n';
    c.socket.write(sent);
    await waitFor(() => (c.text().includes('/pipe/4') ? true : undefined));
    expect(Buffer.concat(received[before] ?? []).toString('latin1')).toBe(sent);

    const flows = await flowsFor('/pipe/', 4);
    expect(flows.map((f) => [f.method, new URL(f.url).pathname, f.status])).toEqual([
      ['GET', '/pipe/1', 200],
      ['POST', '/pipe/2', 200],
      ['HEAD', '/pipe/3', 200],
      ['GET', '/pipe/4', 200],
    ]);
    expect(flows[0]?.requestHeaders).toContainEqual(['X-Odd-Case', 'KeepMe']);
    expect(flows[1]?.requestBody?.size).toBe(11);
    expect(store.readBlob(flows[1]?.requestBody?.raw as string).toString()).toBe('imei=867530');
    // The HEAD response announced 5000 bytes and sent none: the next response was still found.
    expect(flows[2]?.responseBody).toBeNull();
    expect(store.readBlob(flows[3]?.responseBody?.raw as string).toString()).toBe('/pipe/4');
    // Header bytes are kept as sent (latin1), not folded to ASCII.
    expect(flows[0]?.responseHeaders).toContainEqual(['X-Name', 'Jos\u00e9']);
    c.socket.destroy();
  });

  it('records a request in absolute form by its own URL', async () => {
    const c = await open();
    // The request line's authority outranks the Host header (RFC 9112 §3.2.2).
    c.socket.write('GET https://abs.example/abs/1?q=2 HTTP/1.1\r\nHost: other.example\r\n\r\n');
    await waitFor(() => (c.text().includes('200 OK') ? true : undefined));
    const [flow] = await flowsFor('/abs/', 1);
    expect(flow?.url).toBe('https://abs.example/abs/1?q=2');
    expect(flow?.host).toBe('abs.example');
    c.socket.destroy();
  });

  it('holds an upload that starts before the origin connection is up, and delivers all of it', async () => {
    // A door in front of the origin that lets the TLS handshake through only after 300 ms.
    const door = net.createServer((inbound) => {
      setTimeout(() => {
        const out = net.connect(port, '127.0.0.1');
        inbound.pipe(out).pipe(inbound);
        out.on('error', () => inbound.destroy());
      }, 300);
      inbound.on('error', () => undefined);
    });
    const doorPort = await listen(door);
    const raw = await connectTunnel(proxy.port, `127.0.0.1:${doorPort}`);
    const socket = tls.connect({ socket: raw, ca: farmCa, checkServerIdentity: () => undefined });
    await new Promise((r) => socket.once('secureConnect', r));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const size = 3 * 1024 * 1024; // over the 1 MiB the relay holds before pausing the client
    socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${size}\r\n\r\n`);
    socket.write(Buffer.alloc(size, 'u'));
    await waitFor(() => (Buffer.concat(chunks).toString().endsWith('/upload') ? true : undefined), 15_000);
    const [flow] = await flowsFor('/upload', 1);
    expect(flow?.requestBody?.size).toBe(size);
    expect(flow?.status).toBe(200);
    socket.destroy();
    door.close();
  });

  it('lets an interim 100 Continue through and records the final response', async () => {
    const c = await open();
    c.socket.write(
      'PUT /cont/1 HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody',
    );
    await waitFor(() => (c.text().endsWith('/cont/1') ? true : undefined));
    expect(c.text()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    const [flow] = await flowsFor('/cont/', 1);
    expect(flow?.status).toBe(200);
    expect(store.readBlob(flow?.responseBody?.raw as string).toString()).toBe('/cont/1');
    c.socket.destroy();
  });

  it('answers a request framed two ways at once 400, and the origin never sees it', async () => {
    const before = received.length;
    const c = await open();
    c.socket.write(
      'POST /smuggle HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hidden HTTP/1.1\r\nHost: localhost\r\n\r\n',
    );
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(received.length).toBe(before);
    const problem = await waitFor(async () => {
      await store.flush();
      return store
        .events('s1', { type: 'proxy-error' })
        .find((e) => /Transfer-Encoding and Content-Length/.test(JSON.stringify(e.data)));
    });
    expect(problem.data).toMatchObject({ kind: 'malformed-request' });
  });

  it('cuts off a client that trickles its headers, and records why', async () => {
    const c = await open();
    const start = Date.now();
    c.socket.write('GET /slow HTTP/1.1\r\n');
    const timer = setInterval(() => c.socket.writable && c.socket.write('X-Slow: a\r\n'), 100);
    await c.closed;
    clearInterval(timer);
    expect(c.text()).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - start).toBeLessThan(3000);
    await waitFor(async () => {
      await store.flush();
      return store
        .events('s1', { type: 'proxy-error' })
        .find((e) => (e.data as { kind: string }).kind === 'header-timeout');
    });
  });

  it('answers garbage and oversized headers 400', async () => {
    const garbage = await open();
    garbage.socket.write('THIS IS NOT HTTP\r\n\r\n');
    await garbage.closed;
    expect(garbage.text()).toMatch(/^HTTP\/1\.1 400/);
    const huge = await open();
    huge.socket.write(`GET /huge HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(100 * 1024)}\r\n\r\n`);
    await huge.closed;
    expect(huge.text()).toMatch(/^HTTP\/1\.1 400/);
  });

  it('records a response cut off by the origin, and the client sees the cut', async () => {
    const c = await open();
    c.socket.write('GET /die HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789$/);
    const [flow] = await flowsFor('/die', 1);
    expect(flow?.error).toMatch(
      /SERVER_TO_PROXY_RESPONSE_ERROR: upstream closed the connection mid-response/,
    );
    expect(flow?.responseBody?.captured).toBe(10);
  });

  it('records a request the client abandons mid-body, and keeps serving', async () => {
    const c = await open();
    c.socket.write('POST /abandon HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nonly-a-little');
    await new Promise((r) => setTimeout(r, 100));
    c.socket.destroy();
    const [flow] = await flowsFor('/abandon', 1);
    expect(flow?.error).toMatch(/client closed the connection before the response ended/);
    expect(flow?.requestBody?.captured).toBe('only-a-little'.length);
    const again = await open();
    again.socket.write('GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await waitFor(() => (again.text().endsWith('/after') ? true : undefined));
    again.socket.destroy();
  });
});
