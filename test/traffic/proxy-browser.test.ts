import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { identitySchema } from '../../src/config/identity.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { startCapture, type CaptureProxy } from '../../src/traffic/proxy.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../report/browser.ts';
import { listen, makeUpstreamTls, storeWithSession, tmpDir, waitFor } from './helpers.ts';

/**
 * A real browser through the capture proxy: headless Chromium loads a page from an HTTPS origin on
 * loopback, with parallel subresources on several kept-alive connections, a JSON POST carrying the IMEI
 * and a WebSocket. Chromium trusts only the farm CA (by its key), so every byte goes through interception.
 */
const IMEI = '867530912345678';
const tmp = tmpDir('proxy-browser');
const dataDir = path.join(tmp, 'data');
let store: EvidenceStore;
let proxy: CaptureProxy;
let origin: https.Server;
let port = 0;
let context: BrowserContext;
const profile = path.join(tmp, 'profile');

const PAGE = `<!doctype html><meta charset="utf-8"><title>loading</title>
<body>${Array.from({ length: 8 }, (_, i) => `<img src="/img/${i}.svg">`).join('')}
<script src="/app.js"></script></body>`;
const SCRIPT = `
(async () => {
  const r = await fetch('/collect', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ imei: '${IMEI}', n: 1 }) });
  const posted = await r.text();
  const echo = await new Promise((resolve, reject) => {
    const ws = new WebSocket('wss://' + location.host + '/live');
    ws.onopen = () => ws.send('hello ${IMEI}');
    ws.onmessage = (m) => { resolve(m.data); ws.close(); };
    ws.onerror = () => reject(new Error('websocket failed'));
  });
  document.title = 'done ' + posted + ' ' + echo;
})().catch((e) => { document.title = 'failed ' + e.message; });
`;

/** base64 sha256 of a certificate's public key: what --ignore-certificate-errors-spki-list takes. */
function spkiHash(pem: string): string {
  const der = new crypto.X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64');
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).`);
  const up = await makeUpstreamTls(tmp);
  const farmCa = initCa(dataDir).ca.certPem;
  store = storeWithSession(dataDir);
  origin = https.createServer({ key: up.key, cert: up.cert }, (req, res) => {
    const body: Buffer[] = [];
    req.on('data', (d: Buffer) => body.push(d));
    req.on('end', () => {
      if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      if (req.url === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(SCRIPT);
      if (req.url?.startsWith('/img/'))
        return res
          .writeHead(200, { 'content-type': 'image/svg+xml' })
          .end('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
      if (req.url === '/collect') return res.writeHead(200).end(`got${Buffer.concat(body).length}`);
      res.writeHead(404).end();
    });
  });
  new WebSocketServer({ server: origin }).on('connection', (ws) =>
    ws.on('message', (m) => ws.send(`echo:${m.toString()}`)),
  );
  port = await listen(origin);
  proxy = await startCapture({
    session: 's1',
    writer: store.writer,
    dataDir,
    upstreamCa: up.cert,
    identity: identitySchema.parse({ imei: [IMEI] }),
  });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      `--proxy-server=http://127.0.0.1:${proxy.port}`,
      // Chromium sends loopback direct unless told otherwise.
      '--proxy-bypass-list=<-loopback>',
      `--ignore-certificate-errors-spki-list=${spkiHash(farmCa)}`,
    ],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await proxy?.stop();
  origin?.close();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a real browser through the capture proxy', () => {
  it('loads a page with parallel subresources, a POST and a WebSocket, every exchange recorded', async () => {
    const page = await context.newPage();
    await page.goto(`https://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 20_000 });
    expect(await page.title()).toBe(
      `done got${JSON.stringify({ imei: IMEI, n: 1 }).length} echo:hello ${IMEI}`,
    );
    expect(
      await page.evaluate(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0)),
    ).toBe(true);

    const flows = await waitFor(async () => {
      await store.flush();
      const all = store.flows('s1');
      return all.some((f) => f.scheme === 'wss') && all.filter((f) => f.url.includes('/img/')).length === 8
        ? all
        : undefined;
    }, 10_000);
    const byPath = (p: string) => flows.filter((f) => new URL(f.url).pathname === p);
    expect(byPath('/')[0]).toMatchObject({ status: 200, tls: 'intercepted', method: 'GET' });
    expect(byPath('/app.js')[0]?.status).toBe(200);
    const post = byPath('/collect')[0];
    expect(post).toMatchObject({ method: 'POST', status: 200 });
    expect(post?.matches).toContainEqual(expect.objectContaining({ type: 'imei' }));
    const ws = flows.find((f) => f.scheme === 'wss');
    expect(ws).toMatchObject({ status: 101, tls: 'intercepted' });
    expect(ws?.matches).toContainEqual(expect.objectContaining({ type: 'imei' }));
    // Nothing to the origin failed on the way (Chromium's own calls home fail here: no Internet).
    expect(flows.filter((f) => f.port === port && f.error)).toEqual([]);
    await page.close();
  }, 60_000);
});
