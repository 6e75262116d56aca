import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { SimDevice } from '../device/device.ts';
import { httpProxy } from '../device/network.ts';
import { resolveRoute } from './routes.ts';
import { trustAnchors, type TrustPolicy } from './trust.ts';

/**
 * HTTP(S) from an app on the sim, over real sockets: through the proxy in `settings global
 * http_proxy` when one is set (CONNECT for https, absolute-form for http), else direct; TLS verified
 * against the app's trust anchors (trust.ts), so an uninstalled farm CA or a pin makes interception
 * fail the way it fails on a phone.
 */
export interface SimRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs?: number;
}

export interface SimResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** How it went out: `proxy` or `direct`. */
  via: 'proxy' | 'direct';
}

/** Most a model reads of a response body. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Sends CONNECT and waits for the proxy's status line; resolves with the socket ready for TLS. */
function tunnel(socket: net.Socket, authority: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(
      () => fail(new Error(`proxy did not answer CONNECT within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16 * 1024) fail(new Error('proxy answered CONNECT with oversized headers'));
        return;
      }
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', fail);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
      if (!status || status[1] !== '200') {
        socket.destroy();
        reject(
          new Error(
            `proxy refused CONNECT ${authority}: ${buf.subarray(0, end).toString('latin1').split('\r\n')[0]}`,
          ),
        );
        return;
      }
      const rest = buf.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.write(
      `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Connection: keep-alive\r\n\r\n`,
    );
  });
}

function startTls(
  socket: net.Socket,
  servername: string,
  ca: string[],
  timeoutMs: number,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const t = tls.connect({
      socket,
      servername: net.isIP(servername) ? undefined : servername,
      ca,
      ALPNProtocols: ['http/1.1'],
      // Hostname checks as Android's default HostnameVerifier does them.
      checkServerIdentity: (host, cert) => tls.checkServerIdentity(servername || host, cert),
    });
    const timer = setTimeout(() => {
      t.destroy();
      reject(new Error(`TLS handshake with ${servername} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    t.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(t);
    });
    t.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function exchange(
  socket: net.Socket,
  req: SimRequest,
  path: string,
  hostHeader: string,
  timeoutMs: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      host: hostHeader,
      'user-agent': 'okhttp/3.12.13',
      ...req.headers,
    };
    if (req.body) headers['content-length'] = String(req.body.length);
    const r = http.request({
      method: req.method,
      path,
      headers,
      // No agent: the request runs on the socket we connected (and tunnelled, and secured) ourselves.
      createConnection: () => socket,
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no response within ${timeoutMs} ms`)));
    r.once('error', reject);
    r.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
      });
      res.once('end', () => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.once('error', reject);
    });
    r.end(req.body);
  });
}

/** One request as the app on `device` makes it. Rejects with the network or TLS error the app would get. */
export async function simRequest(
  device: SimDevice,
  policy: TrustPolicy,
  req: SimRequest,
): Promise<SimResponse> {
  const url = new URL(req.url);
  const https = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : https ? 443 : 80;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const route = resolveRoute(device, name, port);
  const proxy = httpProxy(device);
  const hostHeader = url.port ? `${name}:${url.port}` : name;
  const path = `${url.pathname}${url.search}`;
  let socket: net.Socket;
  if (proxy) {
    socket = await connectTcp(proxy.host, proxy.port, timeoutMs);
    if (!https) {
      // Absolute-form request line; a mapped name goes to its address, the Host header keeps the name.
      const target = `http://${route.mapped ? `${route.host}:${route.port}` : `${name}:${port}`}${path}`;
      return { ...(await exchange(socket, req, target, hostHeader, timeoutMs)), via: 'proxy' };
    }
    socket = await tunnel(socket, `${route.mapped ? route.host : name}:${route.port}`, timeoutMs);
  } else {
    socket = await connectTcp(route.host, route.port, timeoutMs);
  }
  if (https) socket = await startTls(socket, name, trustAnchors(device, policy, name), timeoutMs);
  return { ...(await exchange(socket, req, path, hostHeader, timeoutMs)), via: proxy ? 'proxy' : 'direct' };
}
