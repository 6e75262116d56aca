import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { identitySchema } from '../../src/config/identity.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import type { StoredFlow } from '../../src/evidence/types.ts';
import { initCa } from '../../src/traffic/ca.ts';
import { startCapture, type CaptureProxy } from '../../src/traffic/proxy.ts';
import type { WsFrame } from '../../src/traffic/ws-flows.ts';
import {
  PlainTunnelAgent,
  ProxyTunnelAgent,
  listen,
  makeUpstreamTls,
  storeWithSession,
  tmpDir,
  waitFor,
} from './helpers.ts';

const IMEI = '867530912345678';
const tmp = tmpDir('proxy-ws');
const dataDir = path.join(tmp, 'data');
let store: EvidenceStore;
let proxy: CaptureProxy;
let farmCa: string;
const closers: (() => void)[] = [];
let wsPort = 0;
let wssPort = 0;

beforeAll(async () => {
  const up = await makeUpstreamTls(tmp);
  farmCa = initCa(dataDir).ca.certPem;
  store = storeWithSession(dataDir);
  const plain = http.createServer();
  const secure = https.createServer({ key: up.key, cert: up.cert });
  for (const server of [plain, secure]) {
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => {
      ws.send('welcome');
      ws.on('message', (data, isBinary) =>
        ws.send(isBinary ? data : `echo:${data.toString()}`, { binary: isBinary }),
      );
    });
    closers.push(
      () => wss.close(),
      () => server.close(),
    );
  }
  wsPort = await listen(plain);
  wssPort = await listen(secure);
  proxy = await startCapture({
    session: 's1',
    writer: store.writer,
    dataDir,
    upstreamCa: up.cert,
    identity: identitySchema.parse({ imei: [IMEI] }),
  });
});

afterAll(async () => {
  await proxy?.stop();
  for (const c of closers) c();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function converse(url: string, agent: http.Agent): Promise<string[]> {
  const ws = new WebSocket(url, { agent });
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data, isBinary) => {
      got.push(isBinary ? `bin:${(data as Buffer).toString('hex')}` : data.toString());
      if (got.length === 3) ws.close(1000, 'done');
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ imei: IMEI }));
      ws.send(Buffer.from([1, 2, 3, 250]));
    });
    ws.once('close', () => resolve());
    ws.once('error', reject);
  });
  return got;
}

function framesOf(f: StoredFlow): WsFrame[] {
  return (f.extra?.websocket as { frames: WsFrame[] }).frames;
}

describe('capture proxy, WebSocket', () => {
  it('relays wss:// through interception and records frames both ways with matches', async () => {
    const got = await converse(
      `wss://127.0.0.1:${wssPort}/live?v=1`,
      new ProxyTunnelAgent(proxy.port, { ca: farmCa }),
    );
    expect(got).toEqual(['welcome', `echo:{"imei":"${IMEI}"}`, 'bin:010203fa']);
    const f = await waitFor(async () => {
      await store.flush();
      return store.flows('s1').find((x) => x.port === wssPort);
    });
    expect(f).toMatchObject({
      scheme: 'wss',
      tls: 'intercepted',
      status: 101,
      url: `wss://127.0.0.1:${wssPort}/live?v=1`,
    });
    const frames = framesOf(f);
    const summary = frames.map((x) => [x.type, x.opcode, x.text ?? x.size]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['receive', 1, 'welcome'],
        ['send', 1, `{"imei":"${IMEI}"}`],
        ['send', 2, 4],
        ['receive', 1, `echo:{"imei":"${IMEI}"}`],
        ['receive', 2, 4],
      ]),
    );
    const binary = frames.find((x) => x.type === 'send' && x.opcode === 2);
    expect(binary?.blob && store.readBlob(binary.blob).toString('hex')).toBe('010203fa');
    expect(f.matches).toContainEqual(expect.objectContaining({ type: 'imei', where: 'body' }));
    expect(f.extra?.websocket).toMatchObject({ closeCode: 1000 });
  });

  it('relays ws:// inside a CONNECT tunnel and records it', async () => {
    const got = await converse(`ws://127.0.0.1:${wsPort}/plain`, new PlainTunnelAgent(proxy.port));
    expect(got[0]).toBe('welcome');
    const f = await waitFor(async () => {
      await store.flush();
      return store.flows('s1').find((x) => x.port === wsPort);
    });
    expect(f).toMatchObject({ scheme: 'ws', tls: null, status: 101 });
    expect(framesOf(f).filter((x) => x.type === 'send')).toHaveLength(2);
    expect(framesOf(f).filter((x) => x.type === 'receive')).toHaveLength(3);
  });
});
