import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';
import { WebSocketServer } from 'ws';
import { compileIdentity, matchRequest } from '../analysis/matcher/index.ts';
import type { Identity } from '../config/identity.ts';
import type { EvidenceWriter } from '../evidence/types.ts';
import type { BatchingWriter } from '../evidence/writer.ts';
import { failure, UsageError } from '../errors.ts';
import { log } from '../log.ts';
import { initCa } from './ca.ts';
import { minterFor } from './certs.ts';
import { handleConnect } from './connect.ts';
import { CaptureContext, type RequestMatcher } from './context.ts';
import { forwardRequest, type ForwardDeps } from './forward.ts';
import { guardHeaderDeadline } from './header-deadline.ts';
import { HostPolicy } from './host-policy.ts';
import { QuietProxy } from './mitm.ts';
import { captureOptionsSchema, type CaptureOptions } from './options.ts';
import { threadAnalyser } from './recorder.ts';
import { TunnelRelay, type RelayDeps, type TunnelTarget } from './tunnel-relay.ts';
import { attachWebSocketCapture } from './ws-flows.ts';

export interface StartCaptureOptions extends Partial<CaptureOptions> {
  /** Every flow this listener sees belongs to this session. */
  session: string;
  writer: EvidenceWriter;
  /** Data folder holding the farm CA (`<dataDir>/ca`); created on first use. */
  dataDir: string;
  /** The session's identity: each request is matched against it at capture time (flow `matches`). */
  identity?: Identity;
  /** A matcher of your own instead (takes precedence over `identity`); none → flows carry no matches. */
  matcher?: RequestMatcher;
  /** Extra CA certificates (PEM) to trust upstream, beside the system roots (test servers, lab gateways). */
  upstreamCa?: string | string[];
  /** Session clock in ms; defaults to ms since the proxy started. */
  clock?: () => number;
  /** Share passthrough decisions between sessions (e.g. of the same app); default: one per listener. */
  hostPolicy?: HostPolicy;
}

export interface CaptureProxy {
  host: string;
  port: number;
  hostPolicy: HostPolicy;
  /** Stops listening, closes open connections and waits for in-flight flows to reach the writer. */
  stop(): Promise<void>;
}

/**
 * One capture listener for one session (DESIGN.md: every flow belongs to exactly one session).
 * http-mitm-proxy provides the listening HTTP server and WebSocket relaying; TLS interception,
 * passthrough and opaque tunnels come from connect.ts, intercepted HTTPS relaying from tunnel-relay.ts,
 * plain HTTP relaying from forward.ts; every exchange is written through the session's batching writer.
 */
export async function startCapture(opts: StartCaptureOptions): Promise<CaptureProxy> {
  const parsed = captureOptionsSchema.safeParse({
    bindHost: opts.bindHost,
    port: opts.port,
    bodyCapBytes: opts.bodyCapBytes,
    headersTimeoutMs: opts.headersTimeoutMs,
    sniffTimeoutMs: opts.sniffTimeoutMs,
    maxFramesPerSocket: opts.maxFramesPerSocket,
    analysisThread: opts.analysisThread,
    decodeLimits: opts.decodeLimits,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `Failed to start the capture proxy: option ${issue?.path.join('.') || '(options)'} ${issue?.message ?? 'is invalid'}. Fix the traffic settings.`,
    );
  }
  const options = parsed.data;
  const { ca } = initCa(opts.dataDir);
  const minter = minterFor(ca);
  const hostPolicy = opts.hostPolicy ?? new HostPolicy();
  const cap = new CaptureContext(
    opts.session,
    opts.writer,
    options,
    hostPolicy,
    buildMatcher(opts),
    opts.clock,
  );
  // Analysis moves to the recording thread when it can: the matcher is the identity (a custom matcher
  // function cannot cross threads) and the writer says where its blobs live.
  const writer = opts.writer as { blobDataDir?: unknown; addPendingSource?: unknown };
  let releaseWriter = () => {};
  if (
    options.analysisThread &&
    !opts.matcher &&
    typeof writer.blobDataDir === 'string' &&
    typeof writer.addPendingSource === 'function'
  ) {
    const analyser = threadAnalyser(
      { identity: opts.identity ?? null, dataDir: writer.blobDataDir, limits: options.decodeLimits },
      () => cap.tools(),
    );
    cap.analyser = analyser;
    // A flush of the store then also covers flows still being analysed.
    releaseWriter = (opts.writer as BatchingWriter).addPendingSource(() => analyser.drain());
  }

  const extraCa =
    opts.upstreamCa === undefined ? [] : Array.isArray(opts.upstreamCa) ? opts.upstreamCa : [opts.upstreamCa];
  // One secure context for every upstream connection. Passing `ca` to the agent instead would make
  // Node build a context per connection and fold all ~140 root certificates into every pool key
  // (measured: most of the proxy's CPU time).
  const upstreamContext = extraCa.length
    ? tls.createSecureContext({ ca: [...tls.rootCertificates, ...extraCa] })
    : undefined;
  const httpsAgent = new https.Agent({
    keepAlive: true,
    ...(upstreamContext ? { secureContext: upstreamContext } : {}),
  });
  const httpAgent = new http.Agent({ keepAlive: true });

  const proxy = new QuietProxy();
  attachWebSocketCapture(proxy, cap);
  const forward: ForwardDeps = { cap, httpAgent, httpsAgent };

  await new Promise<void>((resolve, reject) => {
    proxy.listen(
      {
        host: options.bindHost,
        port: options.port,
        // Our CA is already in place there, so http-mitm-proxy only reads it (it never mints with it).
        sslCaDir: ca.dir,
        keepAlive: true,
        httpAgent,
        httpsAgent,
      },
      (err) =>
        err
          ? reject(
              failure(
                'start',
                `the capture proxy on ${options.bindHost}:${options.port}`,
                String(err),
                'Check the bind address and port.',
                err,
              ),
            )
          : resolve(),
    );
    proxy.httpServer?.once('error', (err) =>
      reject(
        failure(
          'start',
          `the capture proxy on ${options.bindHost}:${options.port}`,
          err.message,
          'Check the bind address and port.',
          err,
        ),
      ),
    );
  });
  const plain = proxy.httpServer as http.Server;
  // Requests are relayed by forward.ts, not by http-mitm-proxy's request path.
  plain.removeAllListeners('request');
  plain.on('request', (req, res) => forwardRequest(forward, false, req, res));
  // CONNECT tunnels leave the HTTP server's bookkeeping; track raw sockets so stop() can end them all.
  const sockets = new Set<net.Socket>();
  plain.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  // Decrypted connections are relayed by tunnel-relay.ts; one whose first request is an upgrade
  // (WebSocket) is handed to this HTTP server, which never listens, for ws-flows.ts to record.
  const tlsHttp = http.createServer();
  tlsHttp.on('request', (req, res) => forwardRequest(forward, true, req, res));
  const wss = new WebSocketServer({ server: tlsHttp });
  wss.on('connection', (ws, req) => {
    (ws as unknown as { upgradeReq: http.IncomingMessage }).upgradeReq = req;
    proxy._onWebSocketServerConnect(true, ws as never, req);
  });
  wss.on('error', (err) => cap.peerProblem('websocket-server', { reason: err.message }));

  for (const server of [plain, tlsHttp]) {
    guardHeaderDeadline(server, options.headersTimeoutMs, cap);
    server.headersTimeout = options.headersTimeoutMs;
    server.requestTimeout = 0; // long uploads and long polls are legitimate; slow headers are not
    server.keepAliveTimeout = 65_000;
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      cap.peerProblem('malformed-request', { code: err.code ?? 'unknown', reason: err.message });
      if (socket.writable && err.code !== 'ECONNRESET') {
        const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      } else {
        socket.destroy();
      }
    });
  }
  plain.on('error', (err) => log.error({ err: err.message }, 'capture proxy listener error'));

  const relays: RelayDeps = { cap, upstreamContext, upgradeServer: tlsHttp, open: new Set() };
  const relayTls = (socket: tls.TLSSocket, target: TunnelTarget) => new TunnelRelay(relays, socket, target);
  proxy.connectHandler = (req, socket, head) =>
    handleConnect({ cap, minter, relayTls, plainHttpServer: plain }, req, socket, head);

  const address = plain.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.debug({ session: opts.session, host: options.bindHost, port }, 'capture proxy listening');

  let stopped: Promise<void> | undefined;
  return {
    host: options.bindHost,
    port,
    hostPolicy,
    stop() {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          plain.close(() => resolve());
          plain.closeAllConnections();
          tlsHttp.closeAllConnections();
          for (const s of sockets) s.destroy();
        });
        for (const relay of [...relays.open]) relay.destroy();
        for (const client of wss.clients) client.terminate();
        wss.close();
        httpsAgent.destroy();
        httpAgent.destroy();
        // Every exchange still open is recorded now: one whose response had ended (its recording was
        // waiting for setImmediate) as complete, the others as cut short by the stop.
        for (const ex of [...cap.inflight]) {
          ex.finish(ex.responseComplete ? undefined : 'the capture proxy stopped before the exchange ended');
        }
        await cap.analyser.drain();
        // WebSocket and tunnel flows record on their sockets' close events: give those a turn.
        await new Promise((r) => setImmediate(r));
        await opts.writer.flush();
        releaseWriter();
        cap.analyser.close();
      })();
      return stopped;
    },
  };
}

function buildMatcher(opts: StartCaptureOptions): RequestMatcher {
  if (opts.matcher) return opts.matcher;
  if (!opts.identity) return () => [];
  const compiled = compileIdentity(opts.identity);
  return (req) => matchRequest(compiled, req);
}
