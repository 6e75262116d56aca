import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import type { NewFlow } from '../../src/evidence/types.ts';
import { parseHar } from '../../src/traffic/har-input.ts';
import { sessionToHar } from '../../src/traffic/har.ts';
import { storeWithSession, tmpDir } from './helpers.ts';

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as a strict schema: every required field
 * with its type, and no unknown field unless it starts with `_` (the spec's rule for custom fields).
 */
function harObject<T extends z.ZodRawShape>(shape: T) {
  return z
    .object(shape)
    .catchall(z.unknown())
    .superRefine((o, ctx) => {
      for (const k of Object.keys(o)) {
        if (!(k in shape) && !k.startsWith('_'))
          ctx.addIssue({ code: 'custom', message: `unknown field ${k}` });
      }
    });
}
const nameValue = harObject({ name: z.string(), value: z.string(), comment: z.string().optional() });
const cookie = harObject({
  name: z.string(),
  value: z.string(),
  path: z.string().optional(),
  domain: z.string().optional(),
  expires: z.string().optional(),
  httpOnly: z.boolean().optional(),
  secure: z.boolean().optional(),
});
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && s.endsWith('Z'), 'ISO 8601 date');
const timing = z.number().refine((n) => n === -1 || n >= 0);
const entrySchema = harObject({
  pageref: z.string().optional(),
  startedDateTime: iso,
  time: z.number().nonnegative(),
  request: harObject({
    method: z.string().min(1),
    url: z.string().url(),
    httpVersion: z.string(),
    cookies: z.array(cookie),
    headers: z.array(nameValue),
    queryString: z.array(nameValue),
    postData: harObject({
      mimeType: z.string(),
      text: z.string(),
      encoding: z.literal('base64').optional(),
    }).optional(),
    headersSize: z.number().int(),
    bodySize: z.number().int(),
  }),
  response: harObject({
    status: z.number().int(),
    statusText: z.string(),
    httpVersion: z.string(),
    cookies: z.array(cookie),
    headers: z.array(nameValue),
    content: harObject({
      size: z.number().int().nonnegative(),
      compression: z.number().int().optional(),
      mimeType: z.string(),
      text: z.string().optional(),
      encoding: z.literal('base64').optional(),
      comment: z.string().optional(),
    }),
    redirectURL: z.string(),
    headersSize: z.number().int(),
    bodySize: z.number().int(),
  }),
  cache: harObject({}),
  timings: harObject({
    blocked: timing.optional(),
    dns: timing.optional(),
    connect: timing.optional(),
    send: z.number().nonnegative(),
    wait: z.number().nonnegative(),
    receive: z.number().nonnegative(),
    ssl: timing.optional(),
  }),
});
const harSchema = harObject({
  log: harObject({
    version: z.literal('1.2'),
    creator: harObject({ name: z.string(), version: z.string() }),
    pages: z.array(
      harObject({
        startedDateTime: iso,
        id: z.string(),
        title: z.string(),
        pageTimings: harObject({ onContentLoad: z.number().optional(), onLoad: z.number().optional() }),
      }),
    ),
    entries: z.array(entrySchema),
  }),
});

const tmp = tmpDir('har');
let store: EvidenceStore;
const WALL = Date.UTC(2026, 0, 15, 10, 0, 0);
const binaryUp = zlib.gzipSync(Buffer.from('{"imei":"867530912345678"}'));
const page = '<html><body><h1 id="x">captured page</h1></body></html>';

function flow(over: Partial<NewFlow>): NewFlow {
  return {
    session: 's1',
    t: 10,
    wall: WALL,
    method: 'GET',
    url: 'https://api.example.com/',
    host: 'api.example.com',
    port: 443,
    scheme: 'https',
    httpVersion: 'HTTP/1.1',
    status: 200,
    requestHeaders: [],
    responseHeaders: [],
    requestBody: null,
    responseBody: null,
    timing: { total: 12.5, send: 0.5, wait: 10, receive: 2 },
    tls: 'intercepted',
    matches: [],
    ...over,
  };
}

beforeAll(async () => {
  store = storeWithSession(path.join(tmp, 'data'));
  const w = store.writer;
  const body = (bytes: Buffer, extra: object = {}) => ({
    raw: w.putBlob(bytes),
    decoded: null,
    size: bytes.length,
    captured: bytes.length,
    truncated: false,
    ...extra,
  });
  const gzPage = zlib.gzipSync(page);
  w.appendFlow(
    flow({
      t: 10,
      method: 'POST',
      url: 'https://api.example.com/collect?imei=867530912345678&a=b',
      requestHeaders: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
        ['Cookie', 'sid=abc; theme=dark'],
      ],
      requestBody: body(binaryUp, { contentEncoding: 'gzip' }),
      responseHeaders: [
        ['Content-Type', 'text/html'],
        ['Content-Encoding', 'gzip'],
        ['Set-Cookie', 'sid=def; Path=/; HttpOnly; Secure'],
      ],
      responseBody: { ...body(gzPage), decoded: w.putBlob(Buffer.from(page)), contentEncoding: 'gzip' },
      matches: [{ type: 'imei', encoding: 'plain', where: 'query', path: 'imei', value: '867530912345678' }],
    }),
  );
  w.appendFlow(
    flow({
      t: 20,
      wall: WALL + 10,
      method: 'POST',
      url: 'https://api.example.com/form',
      requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
      requestBody: body(Buffer.from('name=a%20b&x=1')),
      responseHeaders: [['Content-Type', 'application/octet-stream']],
      responseBody: { ...body(Buffer.from([0, 1, 2, 255])), truncated: true, size: 4096 },
    }),
  );
  w.appendFlow(
    flow({
      t: 30,
      wall: WALL + 20,
      method: 'CONNECT',
      url: 'https://pinned.example.com:443/',
      host: 'pinned.example.com',
      status: undefined,
      httpVersion: undefined,
      timing: { total: 5 },
      tls: 'client-rejected-ca',
      error: 'TLS alert from the client: unknown ca',
      extra: { tunnel: { connectHost: 'pinned.example.com' } },
    }),
  );
  w.appendFlow(
    flow({
      t: 40,
      wall: WALL + 30,
      url: 'wss://ws.example.com/live',
      scheme: 'wss',
      status: 101,
      timing: { total: 100 },
      extra: {
        websocket: {
          frames: [
            { t: 41, type: 'send', opcode: 1, size: 5, blob: w.putBlob(Buffer.from('hello')), text: 'hello' },
            { t: 42, type: 'receive', opcode: 2, size: 2, blob: w.putBlob(Buffer.from([0xca, 0xfe])) },
          ],
        },
      },
    }),
  );
  w.appendFlow(
    flow({
      t: 50,
      wall: WALL + 40,
      url: 'https://api.example.com/page',
      responseHeaders: [['Content-Type', 'text/html; charset=utf-8']],
      responseBody: body(Buffer.from(page)),
    }),
  );
  // A passthrough tunnel whose upstream connect took 3 ms of its 10, and an exchange on a fresh TLS
  // connection (connect 4 ms, of which 2.5 ms TLS).
  w.appendFlow(
    flow({
      t: 60,
      wall: WALL + 50,
      method: 'CONNECT',
      url: 'https://passthrough.example.com:443/',
      host: 'passthrough.example.com',
      status: undefined,
      timing: { total: 10, connect: 3 },
      tls: 'passthrough',
      extra: { tunnel: { connectHost: 'passthrough.example.com', bytesUp: 10, bytesDown: 20 } },
    }),
  );
  w.appendFlow(
    flow({
      t: 70,
      wall: WALL + 60,
      url: 'https://api.example.com/fresh',
      timing: { total: 16.5, connect: 4, ssl: 2.5, send: 0.5, wait: 10, receive: 2 },
    }),
  );
  await store.flush();
});

afterAll(() => {
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('sessionToHar', () => {
  it('writes a strictly valid HAR 1.2 document', () => {
    const har = sessionToHar(store, 's1');
    const parsed = harSchema.safeParse(JSON.parse(JSON.stringify(har)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(har.log.entries).toHaveLength(7);
    expect(har.log.pages?.[0]?.id).toBe('s1');
    expect(har.log.entries.every((e) => e.pageref === 's1')).toBe(true);
  });

  it('keeps request bodies as sent (binary as base64), decodes responses, and carries appwarden extras', () => {
    const [first, second, tunnel, ws] = sessionToHar(store, 's1').log.entries;
    const post = first?.request.postData as { text: string; encoding?: string };
    expect(post.encoding).toBe('base64');
    expect(Buffer.from(post.text, 'base64').equals(binaryUp)).toBe(true);
    expect(first?.request.queryString).toEqual([
      { name: 'imei', value: '867530912345678' },
      { name: 'a', value: 'b' },
    ]);
    expect(first?.request.cookies).toEqual([
      { name: 'sid', value: 'abc' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(first?.response.cookies).toEqual([
      { name: 'sid', value: 'def', path: '/', httpOnly: true, secure: true },
    ]);
    expect(first?.response.content).toMatchObject({ text: page, size: page.length, mimeType: 'text/html' });
    expect(first?.startedDateTime).toBe('2026-01-15T10:00:00.000Z');
    expect(first?.time).toBe(12.5);
    expect(first?.timings).toMatchObject({ send: 0.5, wait: 10, receive: 2 });
    expect((first as unknown as { _tls: string; _matches: unknown[] })._tls).toBe('intercepted');
    expect((first as unknown as { _matches: { type: string }[] })._matches[0]?.type).toBe('imei');

    expect(second?.request.postData).toEqual({
      mimeType: 'application/x-www-form-urlencoded',
      text: 'name=a%20b&x=1',
    });
    expect(second?.response.content).toMatchObject({
      encoding: 'base64',
      text: 'AAEC/w==',
      comment: 'captured 4 of 4096 bytes',
    });

    expect(tunnel?.response.status).toBe(0);
    expect(tunnel as unknown as Record<string, unknown>).toMatchObject({
      _tls: 'client-rejected-ca',
      _error: 'TLS alert from the client: unknown ca',
    });

    expect(ws as unknown as Record<string, unknown>).toMatchObject({
      _resourceType: 'websocket',
      _webSocketMessages: [
        { type: 'send', opcode: 1, data: 'hello', time: (WALL + 31) / 1000 },
        { type: 'receive', opcode: 2, data: 'yv4=' },
      ],
    });
  });

  it('fills connect and ssl from what the flow recorded, without counting them twice', () => {
    const entries = sessionToHar(store, 's1').log.entries;
    const [first, , tunnel] = entries;
    const passthrough = entries[5];
    const fresh = entries[6];
    // Not recorded: -1, as HAR 1.2 says for timings that do not apply.
    expect(first?.timings).toMatchObject({ connect: -1, ssl: -1 });
    expect(tunnel?.timings).toMatchObject({ connect: -1, ssl: -1, wait: 5 });
    expect(passthrough?.timings).toMatchObject({ connect: 3, ssl: -1, send: 0, wait: 7, receive: 0 });
    expect(passthrough?.time).toBe(10);
    expect(fresh?.timings).toMatchObject({ connect: 4, ssl: 2.5, send: 0.5, wait: 10, receive: 2 });
    // ssl is part of connect: time = connect + send + wait + receive.
    expect(fresh?.time).toBe(16.5);
  });

  it("reads back through appwarden's own HAR reader with the bodies as sent", () => {
    const back = parseHar(JSON.stringify(sessionToHar(store, 's1')), 'export.har');
    expect(back[0]?.request.body && Buffer.from(back[0].request.body).equals(binaryUp)).toBe(true);
    expect(back[1]?.request.body && Buffer.from(back[1].request.body).toString()).toBe('name=a%20b&x=1');
  });

  it('is served back by Chromium (Playwright routeFromHAR) as the captured response', async () => {
    const file = path.join(tmp, 'session.har');
    fs.writeFileSync(file, JSON.stringify(sessionToHar(store, 's1')));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext();
      await context.routeFromHAR(file, { notFound: 'abort' });
      const p = await context.newPage();
      await p.goto('https://api.example.com/page');
      expect(await p.textContent('#x')).toBe('captured page');
    } finally {
      await browser.close();
    }
  });

  it('fails clearly for an unknown session', () => {
    expect(() => sessionToHar(store, 'nope')).toThrow(
      /Failed to export session nope as HAR: there is no such session/,
    );
  });
});
