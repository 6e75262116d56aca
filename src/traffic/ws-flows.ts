import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { IWebSocketContext } from 'http-mitm-proxy';
import type { Headers, Match } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import type { CaptureContext } from './context.ts';
import { headerPairs } from './headers.ts';
import type { QuietProxy } from './mitm.ts';

/** One recorded WebSocket frame; the payload is a blob (text frames also inline when short). */
export interface WsFrame {
  t: number;
  /** `send` = client → server, `receive` = server → client (Chrome's HAR `_webSocketMessages` words). */
  type: 'send' | 'receive';
  /** 1 text, 2 binary, 9 ping, 10 pong (RFC 6455 §5.2). */
  opcode: number;
  size: number;
  blob: string | null;
  text?: string;
}

interface WsState {
  t: number;
  wall: number;
  start: number;
  url: string;
  host: string;
  port: number;
  requestHeaders: Headers;
  frames: WsFrame[];
  dropped: number;
  matches: Match[];
  recorded: boolean;
  closeCode?: number;
  closedBy?: 'client' | 'server';
}

const INLINE_TEXT_MAX = 4096;

/** Records each WebSocket connection as one flow whose `extra.websocket.frames` lists both directions. */
export function attachWebSocketCapture(proxy: QuietProxy, cap: CaptureContext): void {
  const states = new WeakMap<IWebSocketContext, WsState>();

  proxy.onWebSocketConnection((ctx, done) => {
    try {
      const req = (ctx.clientToProxyWebSocket as { upgradeReq?: IncomingMessage } | undefined)?.upgradeReq;
      const opts = ctx.proxyToServerWebSocketOptions;
      const tunnel = req ? cap.tunnels.get(req.socket) : undefined;
      if (opts?.url) {
        const u = new URL(opts.url);
        if (tunnel) {
          // Go where the CONNECT pointed; keep the Host header and SNI the client used.
          u.hostname = tunnel.host;
          u.port = String(tunnel.port);
          opts.url = u.toString();
          if (tunnel.sni && net.isIP(tunnel.sni) === 0)
            (opts as { servername?: string }).servername = tunnel.sni;
        }
      }
      const url = opts?.url ?? '';
      const u = url ? new URL(url) : undefined;
      states.set(ctx, {
        t: cap.now(),
        wall: Date.now(),
        start: performance.now(),
        url: req?.headers.host && u ? `${u.protocol}//${req.headers.host}${u.pathname}${u.search}` : url,
        host: tunnel?.sni ?? u?.hostname ?? '',
        port: Number(u?.port || (ctx.isSSL ? 443 : 80)),
        requestHeaders: req ? headerPairs(req.rawHeaders) : [],
        frames: [],
        dropped: 0,
        matches: [],
        recorded: false,
      });
    } catch (err) {
      cap.peerProblem('capture', { reason: describeError(err) });
    }
    done();
  });

  proxy.onWebSocketFrame((ctx, type, fromServer, data, flags, done) => {
    const st = states.get(ctx);
    if (st) {
      try {
        recordFrame(st, cap, type as string, fromServer, data, flags);
      } catch (err) {
        cap.peerProblem('capture', { reason: describeError(err) });
      }
    }
    done(null, data, flags);
  });

  proxy.onWebSocketClose((ctx, code, _message, done) => {
    const st = states.get(ctx);
    if (st) {
      st.closeCode = Number(code);
      st.closedBy = ctx.closedByServer ? 'server' : 'client';
      finish(st, cap);
    }
    done(null);
  });

  proxy.onWebSocketError((ctx, err) => {
    const st = ctx ? states.get(ctx) : undefined;
    if (st) finish(st, cap, describeError(err));
  });
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(String(data ?? ''));
}

function recordFrame(
  st: WsState,
  cap: CaptureContext,
  type: string,
  fromServer: boolean,
  data: unknown,
  flags: unknown,
): void {
  if (st.frames.length >= cap.options.maxFramesPerSocket) {
    st.dropped++;
    return;
  }
  const bytes = toBuffer(data);
  const binary =
    flags === true ||
    (typeof flags === 'object' && flags !== null && (flags as { binary?: boolean }).binary === true);
  const opcode = type === 'ping' ? 9 : type === 'pong' ? 10 : binary ? 2 : 1;
  const captured =
    bytes.length > cap.options.bodyCapBytes ? bytes.subarray(0, cap.options.bodyCapBytes) : bytes;
  const frame: WsFrame = {
    t: cap.now(),
    type: fromServer ? 'receive' : 'send',
    opcode,
    size: bytes.length,
    blob: captured.length > 0 ? cap.putBlob(captured) : null,
  };
  if (opcode === 1 && bytes.length <= INLINE_TEXT_MAX) frame.text = bytes.toString('utf8');
  st.frames.push(frame);
  if (!fromServer && type === 'message') {
    const m = cap.safeMatch({ method: 'WS', url: st.url, headers: [], body: captured });
    st.matches.push(
      ...m.matches.map((x) => ({
        ...x,
        path: x.path ? `frame[${st.frames.length - 1}].${x.path}` : `frame[${st.frames.length - 1}]`,
      })),
    );
  }
}

function finish(st: WsState, cap: CaptureContext, error?: string): void {
  if (st.recorded) return;
  st.recorded = true;
  try {
    record(st, cap, error);
  } catch (err) {
    cap.peerProblem('capture', { url: st.url, reason: describeError(err) });
  }
}

function record(st: WsState, cap: CaptureContext, error?: string): void {
  const secure = st.url.startsWith('wss:');
  cap.writeFlow({
    t: st.t,
    wall: st.wall,
    method: 'GET',
    url: st.url,
    host: st.host,
    port: st.port,
    scheme: secure ? 'wss' : 'ws',
    httpVersion: 'HTTP/1.1',
    status: 101,
    requestHeaders: st.requestHeaders,
    responseHeaders: [],
    requestBody: null,
    responseBody: null,
    timing: { total: Math.round((performance.now() - st.start) * 1000) / 1000 },
    tls: secure ? 'intercepted' : null,
    ...(error ? { error } : {}),
    matches: st.matches,
    extra: {
      websocket: {
        frames: st.frames,
        ...(st.dropped ? { droppedFrames: st.dropped } : {}),
        ...(st.closeCode !== undefined ? { closeCode: st.closeCode, closedBy: st.closedBy } : {}),
      },
    },
  });
}
