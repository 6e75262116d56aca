import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identitySchema } from '../../src/config/identity.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { BlobStore } from '../../src/evidence/blobs.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { startCapture } from '../../src/traffic/proxy.ts';
import { ProxyTunnelAgent, addSession, listen, makeUpstreamTls, request, tmpDir } from './helpers.ts';

const IMEI = '867530912345678';
const tmp = tmpDir('proxy-stop');
const dataDir = path.join(tmp, 'data');
let store: EvidenceStore;
let farmCa: string;
let upstreamCert: string;
let upPort = 0;
const servers: https.Server[] = [];
/** Requests to /slow are answered only when the test says so. */
const held: http.ServerResponse[] = [];

beforeAll(async () => {
  const up = await makeUpstreamTls(tmp);
  upstreamCert = up.cert;
  farmCa = initCa(dataDir).ca.certPem;
  // A long batching delay: nothing reaches the database unless stop() flushes it.
  store = openStore({ dataDir, batch: { maxDelayMs: 60_000 } });
  store.createRun({ id: 'run-s1' });
  const server = https.createServer({ key: up.key, cert: up.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first half;');
        held.push(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: Buffer.concat(chunks).length, url: req.url, pad: 'r'.repeat(2048) }));
    });
  });
  servers.push(server);
  upPort = await listen(server);
});

afterAll(async () => {
  for (const r of held) r.destroy();
  for (const s of servers) s.close();
  await store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('capture proxy stop()', () => {
  it('has every exchange completed before stop() stored, bodies on disk, when stop() resolves', async () => {
    const session = 'stop-now';
    addSession(store, session, 'run-s1');
    const proxy = await startCapture({
      session,
      writer: store.writer,
      dataDir,
      identity: identitySchema.parse({ imei: [IMEI] }),
      upstreamCa: upstreamCert,
    });
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa, keepAlive: true, maxSockets: 8 });
    const N = 48;
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        request(`https://127.0.0.1:${upPort}/collect/${i}`, {
          agent,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ i, imei: i % 2 === 0 ? IMEI : 'none', pad: 'q'.repeat(1000 + i) }),
        }),
      ),
    );
    // The last response is in: stop at once, without waiting or flushing first.
    await proxy.stop();
    agent.destroy();
    expect(replies.every((r) => r.status === 200)).toBe(true);

    const flows = store.flows(session);
    expect(flows).toHaveLength(N);
    const onDisk = new BlobStore(store.dataDir);
    expect(new Set(flows.map((f) => f.url)).size).toBe(N);
    for (const f of flows) {
      expect(f.error).toBeUndefined();
      expect(f.status).toBe(200);
      const i = Number(f.url.split('/').pop());
      // The blobs are on disk (another reader of the folder finds them, not only this process's memory)
      // and hold the bytes that were sent.
      const reqHash = f.requestBody?.raw as string;
      const resHash = f.responseBody?.raw as string;
      expect(onDisk.has(reqHash)).toBe(true);
      expect(onDisk.has(resHash)).toBe(true);
      expect(JSON.parse(onDisk.read(reqHash).toString('utf8')).i).toBe(i);
      expect(f.matches.some((m) => m.type === 'imei')).toBe(i % 2 === 0);
    }
    onDisk.close();
  });

  it('records an exchange cut short by stop() as such', async () => {
    const session = 'stop-mid';
    addSession(store, session, 'run-s1');
    const proxy = await startCapture({ session, writer: store.writer, dataDir, upstreamCa: upstreamCert });
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa });
    // Stop once the response headers have come through the proxy, with the body still unfinished.
    const cut = await new Promise<{ outcome: Promise<string> }>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: upPort, path: '/slow', agent }, (res) =>
        resolve({
          outcome: new Promise<string>((done) => {
            res.on('data', () => undefined);
            res.once('end', () => done('ended'));
            res.once('error', (e) => done(e.message));
            res.once('close', () => done('closed'));
          }),
        }),
      );
      req.once('error', reject);
      req.end();
    });
    await proxy.stop();
    expect(await cut.outcome).not.toBe('ended');
    agent.destroy();
    const flows = store.flows(session);
    expect(flows).toHaveLength(1);
    expect(flows[0]?.status).toBe(200);
    expect(flows[0]?.error).toMatch(/stopped before the exchange ended|client closed/);
  });
});
