import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileIdentity, matchRequest } from '../../src/analysis/matcher/index.ts';
import { identitySchema } from '../../src/config/identity.ts';
import { BlobStore } from '../../src/evidence/blobs.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { DEFAULT_DECODE_LIMITS } from '../../src/traffic/decode.ts';
import { analyseExchange, type AnalysisJob } from '../../src/traffic/flow-analysis.ts';
import { startCapture } from '../../src/traffic/proxy.ts';
import { recordingThreadReady, threadAnalyser } from '../../src/traffic/recorder.ts';
import { ProxyTunnelAgent, listen, makeUpstreamTls, request, storeWithSession, tmpDir } from './helpers.ts';

const IMEI = '867530912345678';
const ANDROID_ID = '9774d56d682e549c';
const identity = identitySchema.parse({ imei: [IMEI], androidId: ANDROID_ID });
const tmp = tmpDir('proxy-analysis');

function body(bytes: Buffer) {
  return { bytes, size: bytes.length, truncated: false };
}

/** Exchanges whose analysis exercises every part: plain, gzip both ways, a bomb, no bodies. */
const jobs: AnalysisJob[] = [
  {
    method: 'POST',
    url: `https://t.example/collect?imei=${IMEI}`,
    scheme: 'https',
    status: 200,
    requestHeaders: [['Content-Type', 'application/json']],
    responseHeaders: [['Content-Type', 'text/plain']],
    request: body(Buffer.from(JSON.stringify({ device: { android_id: ANDROID_ID } }))),
    response: body(Buffer.from('ok')),
  },
  {
    method: 'POST',
    url: 'https://t.example/gz',
    scheme: 'https',
    status: 200,
    requestHeaders: [['Content-Encoding', 'gzip']],
    responseHeaders: [['content-encoding', 'gzip']],
    request: body(zlib.gzipSync(`imei=${IMEI}`)),
    response: body(zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024))),
  },
  {
    method: 'GET',
    url: 'http://t.example/none',
    scheme: 'http',
    requestHeaders: [],
    responseHeaders: [],
    request: null,
    response: null,
  },
];

describe('flow analysis on the recording thread', () => {
  it('gives the same records and matches as on the event loop, with the blobs stored first', async () => {
    const threadDir = path.join(tmp, 'thread');
    const loopDir = path.join(tmp, 'loop');
    const loopBlobs = new BlobStore(loopDir);
    const compiled = compileIdentity(identity);
    const tools = {
      putBlob: (b: Uint8Array) => loopBlobs.put(b),
      match: (r: Parameters<typeof matchRequest>[1]) => matchRequest(compiled, r),
      limits: DEFAULT_DECODE_LIMITS,
    };
    const analyser = threadAnalyser({ identity, dataDir: threadDir, limits: DEFAULT_DECODE_LIMITS }, () => {
      throw new Error('the event-loop fallback must not be used here');
    });
    expect(await recordingThreadReady()).toBe(true);

    const threadBlobs = new BlobStore(threadDir);
    const results = await Promise.all(
      jobs.map(
        (job) =>
          new Promise<ReturnType<typeof analyseExchange>>((resolve) => {
            let sync = true;
            analyser.submit(job, (r) => {
              // The answer comes back later, on the event loop: the work was not done inline.
              expect(sync).toBe(false);
              // Stored (packed) before the answer: another reader of the folder finds them already.
              for (const hash of [r.requestBody?.raw, r.requestBody?.decoded, r.responseBody?.raw]) {
                if (hash) expect(threadBlobs.has(hash)).toBe(true);
              }
              resolve(r);
            });
            sync = false;
          }),
      ),
    );
    await analyser.drain();
    analyser.close();

    const inline = jobs.map((job) => analyseExchange(job, tools));
    for (const r of results) {
      for (const hash of [r.requestBody?.raw, r.requestBody?.decoded, r.responseBody?.raw]) {
        if (hash) expect(threadBlobs.read(hash)).toEqual(loopBlobs.read(hash));
      }
    }
    threadBlobs.close();
    expect(results).toEqual(inline);
    expect(results[0]?.matches.map((m) => m.type).sort()).toEqual(['androidId', 'imei']);
    expect(results[1]?.matches).toContainEqual(expect.objectContaining({ type: 'imei', where: 'body' }));
    expect(results[1]?.responseBody?.decodeNote).toMatch(/decompression bomb/);
    expect(results[2]).toEqual({ requestBody: null, responseBody: null, matches: [] });
  });
});

describe('flow analysis when the recording thread cannot store', () => {
  it('analyses the batch again on the event loop, with the blobs as files', async () => {
    const dataDir = path.join(tmp, 'no-packs');
    // A file where the packs folder should be: the thread's pack write fails, even as root.
    fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'blobs', 'packs'), 'in the way');
    const files = new BlobStore(dataDir);
    let fallbacks = 0;
    const compiled = compileIdentity(identity);
    const analyser = threadAnalyser({ identity, dataDir, limits: DEFAULT_DECODE_LIMITS }, () => {
      fallbacks++;
      return {
        putBlob: (b: Uint8Array) => files.put(b),
        match: (r: Parameters<typeof matchRequest>[1]) => matchRequest(compiled, r),
        limits: DEFAULT_DECODE_LIMITS,
      };
    });
    expect(await recordingThreadReady()).toBe(true);
    const job = jobs[0] as AnalysisJob;
    const result = await new Promise<ReturnType<typeof analyseExchange>>((resolve) =>
      analyser.submit(job, resolve),
    );
    await analyser.drain();
    analyser.close();
    expect(fallbacks).toBeGreaterThan(0);
    expect(result.matches.map((m) => m.type).sort()).toEqual(['androidId', 'imei']);
    const hash = result.requestBody?.raw as string;
    expect(fs.existsSync(files.pathOf(hash))).toBe(true);
  });
});

describe('capture with a custom matcher (analysed on the event loop)', () => {
  let store: EvidenceStore;
  let server: https.Server;
  let upstreamCert = '';
  let farmCa = '';
  let port = 0;

  beforeAll(async () => {
    const up = await makeUpstreamTls(tmp);
    upstreamCert = up.cert;
    const dataDir = path.join(tmp, 'data');
    farmCa = initCa(dataDir).ca.certPem;
    store = storeWithSession(dataDir);
    server = https.createServer({ key: up.key, cert: up.cert }, (req, res) => {
      req.resume();
      req.on('end', () => res.end('fine'));
    });
    port = await listen(server);
  });

  afterAll(async () => {
    server?.close();
    await store?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stores the matches the function returns', async () => {
    const proxy = await startCapture({
      session: 's1',
      writer: store.writer,
      dataDir: path.join(tmp, 'data'),
      upstreamCa: upstreamCert,
      matcher: (req) =>
        req.url.includes('secret') ? [{ type: 'custom', encoding: 'plain', where: 'url', path: '' }] : [],
    });
    const agent = new ProxyTunnelAgent(proxy.port, { ca: farmCa });
    await request(`https://127.0.0.1:${port}/secret`, { agent });
    await request(`https://127.0.0.1:${port}/public`, { agent, method: 'POST', body: 'x'.repeat(100) });
    agent.destroy();
    await proxy.stop();
    const flows = store.flows('s1');
    expect(flows.map((f) => f.matches.length)).toEqual([1, 0]);
    const posted = flows[1]?.requestBody?.raw;
    expect(posted && store.readBlob(posted).toString()).toBe('x'.repeat(100));
  });
});
