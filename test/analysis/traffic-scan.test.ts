import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { parseHar } from '../../src/traffic/har-input.ts';
import { grpcFrame, msg, pb } from '../fixtures/matcher/protobuf-encoder.ts';

const fixture = (name: string): string => path.join(import.meta.dirname, '../fixtures/matcher', name);
const IDENTITY = fixture('identity.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-traffic-scan-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('HAR input', () => {
  it('reads a Chrome DevTools HAR: drops HTTP/2 pseudo-headers, keeps the body as sent', () => {
    const reqs = parseHar(fs.readFileSync(fixture('chrome-devtools.har'), 'utf8'), 'chrome-devtools.har');
    expect(reqs).toHaveLength(2);
    expect(reqs[0]?.request.headers).toEqual([['accept', 'application/json']]);
    expect(reqs[0]?.request.body).toBeNull();
    expect(Buffer.from(reqs[1]?.request.body ?? []).toString()).toContain('"imei": "860123456789012"');
  });

  it('reads base64 bodies, rebuilds bodies from params, adds cookies, tolerates nulls and missing fields', () => {
    const reqs = parseHar(
      JSON.stringify({
        log: {
          entries: [
            {
              request: {
                method: 'POST',
                url: 'https://a.example.net/x',
                headers: [{ name: 'X-A', value: null }],
                cookies: [{ name: 'sid', value: 'abc' }],
                postData: {
                  mimeType: 'application/octet-stream',
                  text: Buffer.from([0, 1, 255]).toString('base64'),
                  encoding: 'base64',
                },
              },
            },
            {
              request: {
                method: 'POST',
                url: 'https://a.example.net/y',
                headers: [{ name: 'Content-Type', value: 'multipart/form-data; boundary=XyZ' }],
                postData: {
                  mimeType: 'multipart/form-data; boundary=XyZ',
                  params: [{ name: 'a', value: '1' }],
                },
              },
            },
            { request: { method: 'GET', url: 'https://a.example.net/z', postData: null } },
          ],
        },
      }),
      'x.har',
    );
    expect(reqs[0]?.request.headers).toEqual([
      ['X-A', ''],
      ['Cookie', 'sid=abc'],
    ]);
    expect([...(reqs[0]?.request.body ?? [])]).toEqual([0, 1, 255]);
    expect(Buffer.from(reqs[1]?.request.body ?? []).toString()).toBe(
      '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n',
    );
    expect(reqs[2]?.request).toEqual({
      method: 'GET',
      url: 'https://a.example.net/z',
      headers: [],
      body: null,
    });
  });
});

describe('appwarden traffic scan', () => {
  it('prints the matches of a Chrome DevTools HAR as JSON, by 0-based entry index', async () => {
    const r = await runCli([
      'traffic',
      'scan',
      fixture('chrome-devtools.har'),
      '--identity',
      IDENTITY,
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      matches: [
        { flow: 1, type: 'wifiMac', encoding: 'url', where: 'cookie', path: 'cna' },
        { flow: 1, type: 'imei', encoding: 'json', where: 'body', path: '$.header.imei' },
        { flow: 1, type: 'imei', encoding: 'json>md5-hex', where: 'body', path: '$.header.idmd5' },
        { flow: 1, type: 'location', encoding: 'json', where: 'body', path: '$.loc.lat' },
      ],
    });
  });

  it("reads mitmproxy's HAR export: base64 gzip bodies and form params", async () => {
    const r = await runCli(['traffic', 'scan', fixture('mitmproxy.har'), '--identity', IDENTITY, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      matches: [
        { flow: 0, type: 'adId', encoding: 'plain', where: 'query', path: 'aid' },
        { flow: 0, type: 'oaid', encoding: 'gzip>json', where: 'body', path: '$.oaid' },
        { flow: 1, type: 'email', encoding: 'form', where: 'body', path: 'user' },
      ],
    });
  });

  it('reads protobuf and gRPC bodies written as base64, naming field paths', async () => {
    const file = path.join(tmp, 'grpc.har');
    const body = (contentType: string, bytes: Buffer) => ({
      request: {
        method: 'POST',
        url: 'https://open.e.kuaishou.com/rest/e/v3/open/univ',
        headers: [{ name: 'Content-Type', value: contentType }],
        postData: { mimeType: contentType, text: bytes.toString('base64'), encoding: 'base64' },
      },
    });
    const device = msg(pb.message(1, pb.string(1, 'Pixel 7'), pb.varint(2, 860123456789012)));
    const where = msg(pb.message(4, pb.sint(1, 399087220), pb.sint(2, 1163974990)));
    fs.writeFileSync(
      file,
      JSON.stringify({
        log: {
          entries: [body('application/grpc', grpcFrame(device)), body('application/x-protobuf', where)],
        },
      }),
    );
    const r = await runCli(['traffic', 'scan', file, '--identity', IDENTITY, '--json']);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({
      matches: [
        { flow: 0, type: 'imei', encoding: 'grpc>protobuf>varint', where: 'body', path: '1.2' },
        { flow: 1, type: 'location', encoding: 'protobuf>int-e7', where: 'body', path: '4.1' },
      ],
    });
  });

  it('prints a table naming the destination organisation and party', async () => {
    const r = await runCli([
      'traffic',
      'scan',
      fixture('mitmproxy.har'),
      '--identity',
      IDENTITY,
      '--app-domain',
      'example.com',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Tencent Ads / GDT (YLH) (CN, ads), third party');
    expect(r.out).toContain('first party');
    expect(r.out).toContain('3 matches in 2 of 2 requests.');
  });

  it('fails with exit 2 and one line naming the file for a bad HAR or identity', async () => {
    const notJson = path.join(tmp, 'broken.har');
    fs.writeFileSync(notJson, '{"log": {"entries": [');
    let r = await runCli(['traffic', 'scan', notJson, '--identity', IDENTITY]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(
      new RegExp(`^appwarden: Failed to read HAR file ${notJson.replace(/[.\\]/g, '\\$&')}: it is not JSON`),
    );

    const wrongShape = path.join(tmp, 'shape.har');
    fs.writeFileSync(wrongShape, JSON.stringify({ log: { entries: [{ request: { method: 'GET' } }] } }));
    r = await runCli(['traffic', 'scan', wrongShape, '--identity', IDENTITY]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`Failed to read HAR file ${wrongShape}: log.entries[0].request.url:`);

    const badIdentity = path.join(tmp, 'identity.json');
    fs.writeFileSync(badIdentity, JSON.stringify({ imei: '860123456789012' }));
    r = await runCli(['traffic', 'scan', fixture('mitmproxy.har'), '--identity', badIdentity]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`Failed to read identity file ${badIdentity}: imei:`);

    r = await runCli(['traffic', 'scan', path.join(tmp, 'missing.har'), '--identity', IDENTITY]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing.har: ENOENT');
  });
});
