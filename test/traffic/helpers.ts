import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type stream from 'node:stream';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';

const run = promisify(execFile);

/**
 * A self-signed certificate made by openssl, the upstream servers' own test CA: for 127.0.0.1 by
 * default, or for the subject and subjectAltName given (e.g. a tracker's wildcard domain).
 */
export async function makeUpstreamTls(
  dir: string,
  name: { cn: string; san: string } = { cn: '127.0.0.1', san: 'IP:127.0.0.1' },
): Promise<{ key: string; cert: string }> {
  const key = path.join(dir, 'upstream.key');
  const cert = path.join(dir, 'upstream.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name.cn}`,
    '-addext',
    `subjectAltName=${name.san}`,
  ]);
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `appwarden-${prefix}-`));
}

export function storeWithSession(dataDir: string, session = 's1'): EvidenceStore {
  const store = openStore({ dataDir, batch: { maxDelayMs: 5 } });
  store.createRun({ id: `run-${session}` });
  addSession(store, session, `run-${session}`);
  return store;
}

/** Another capture session in an existing run (each proxy records into one session). */
export function addSession(store: EvidenceStore, session: string, run: string): void {
  store.createSession({
    id: session,
    run,
    target: 'com.example.app',
    scenario: 'test',
    device: 'sim-1',
    deviceKind: 'sim',
    capabilities: [],
  });
}

export async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Opens a CONNECT tunnel through the proxy; resolves with the raw socket once the proxy said 200. */
export function connectTunnel(proxyPort: number, target: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'CONNECT',
      path: target,
      agent: false,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else reject(new Error(`CONNECT answered ${res.statusCode}`));
    });
    req.once('error', reject);
    req.end();
  });
}

/** An HTTPS agent that goes through the proxy with CONNECT, trusting `ca`; keep-alive capable. */
export class ProxyTunnelAgent extends https.Agent {
  constructor(
    private readonly proxyPort: number,
    opts: https.AgentOptions,
  ) {
    super(opts);
  }

  override createConnection(
    options: https.RequestOptions,
    cb?: (err: Error | null, stream: stream.Duplex) => void,
  ): stream.Duplex | null | undefined {
    connectTunnel(this.proxyPort, `${options.host}:${options.port}`).then(
      (socket) => cb?.(null, tls.connect({ ...(options as tls.ConnectionOptions), socket })),
      (err: Error) => cb?.(err, undefined as never),
    );
    return undefined;
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function request(
  url: string,
  opts: {
    agent?: http.Agent;
    method?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: Buffer | string;
    proxyPort?: number;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const viaPlainProxy = opts.proxyPort !== undefined && u.protocol === 'http:';
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      viaPlainProxy
        ? {
            host: '127.0.0.1',
            port: opts.proxyPort,
            path: url,
            method: opts.method ?? 'GET',
            headers: { host: u.host, ...opts.headers },
            agent: false,
          }
        : {
            host: u.hostname,
            port: u.port,
            path: `${u.pathname}${u.search}`,
            method: opts.method ?? 'GET',
            headers: opts.headers,
            agent: opts.agent,
          },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An HTTP agent that reaches plain-HTTP servers through a CONNECT tunnel (as apps do for ws://). */
export class PlainTunnelAgent extends http.Agent {
  constructor(private readonly proxyPort: number) {
    super({ keepAlive: false });
  }

  override createConnection(
    options: http.ClientRequestArgs,
    cb?: (err: Error | null, stream: stream.Duplex) => void,
  ): stream.Duplex | null | undefined {
    connectTunnel(this.proxyPort, `${options.host}:${options.port}`).then(
      (socket) => cb?.(null, socket),
      (err: Error) => cb?.(err, undefined as never),
    );
    return undefined;
  }
}

/** Sends raw bytes to the proxy and collects whatever comes back until the proxy closes or `ms` pass. */
export function rawExchange(
  port: number,
  chunks: (string | Buffer)[],
  ms = 2000,
  gapMs = 0,
): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    sock.on('error', () => resolve(got));
    sock.on('close', () => resolve(got));
    setTimeout(() => {
      sock.destroy();
      resolve(got);
    }, ms);
    sock.once('connect', async () => {
      for (const c of chunks) {
        if (sock.destroyed) break;
        sock.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}
