import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { identitySchema, type Identity } from '../../src/config/identity.ts';
import {
  compileIdentity,
  explainMatch,
  listVariants,
  matchRequest,
  type RequestInput,
} from '../../src/analysis/matcher/index.ts';
import type { Match } from '../../src/evidence/types.ts';

const identity: Identity = identitySchema.parse(
  JSON.parse(fs.readFileSync(new URL('../fixtures/matcher/identity.json', import.meta.url), 'utf8')),
);
const ci = compileIdentity(identity);

const IMEI = '860123456789012';
const IMEI_DECOY = '860123456789013';
const AD_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

type Found = Pick<Match, 'type' | 'encoding' | 'where'> & { path?: string };

function scan(req: Partial<Omit<RequestInput, 'body'>> & { body?: Uint8Array | string | null }): Found[] {
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : (req.body ?? null);
  return matchRequest(ci, {
    method: req.method ?? 'POST',
    url: req.url ?? 'https://api.example.net/v1/collect',
    headers: req.headers ?? [],
    body,
  }).map(({ type, encoding, where, path }) =>
    path === undefined ? { type, encoding, where } : { type, encoding, where, path },
  );
}

const jsonBody = (v: unknown): { headers: [string, string][]; body: string } => ({
  headers: [['Content-Type', 'application/json']],
  body: JSON.stringify(v),
});
const hash = (alg: string, s: string): Buffer => createHash(alg).update(s).digest();
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

describe('variants', () => {
  it('ignores empty fields, short values and placeholders; builds ~1,000 variants for a full identity', () => {
    expect(compileIdentity(identitySchema.parse({})).variantCount).toBe(0);
    const types = new Set(listVariants(ci).map((v) => v.type));
    expect(types.has('ssid')).toBe(false); // "abc" is shorter than 8 characters
    expect(types.has('bluetoothMac')).toBe(false); // 02:00:00:00:00:00 is Android's placeholder
    expect(types.has('sms')).toBe(false);
    expect(ci.variantCount).toBeGreaterThan(800);
    expect(ci.variantCount).toBeLessThan(3000);
    for (const v of listVariants(ci)) expect([...v.text].length).toBeGreaterThanOrEqual(8);
  });
});

describe('plain values, case forms and separators', () => {
  it('finds the IMEI in a query parameter and not its one-digit-off decoy', () => {
    expect(scan({ url: `https://a.example.net/r?imei=${IMEI}&x=1` })).toEqual([
      { type: 'imei', encoding: 'plain', where: 'query', path: 'imei' },
    ]);
    expect(scan({ url: `https://a.example.net/r?imei=${IMEI_DECOY}` })).toEqual([]);
  });

  it('does not take an IMEI out of a longer number', () => {
    expect(scan({ body: `{"order":"9${IMEI}7"}`, headers: [['content-type', 'application/json']] })).toEqual(
      [],
    );
  });

  it('finds a MAC without separators in upper case, and with dashes, in the URL and a header', () => {
    expect(
      scan({ url: 'https://a.example.net/dev/ACDE48001122/ping', headers: [['X-Mac', 'ac-de-48-00-11-22']] }),
    ).toEqual([
      { type: 'wifiMac', encoding: 'plain', where: 'url' },
      { type: 'wifiMac', encoding: 'plain', where: 'header', path: 'x-mac' },
    ]);
  });

  it('finds the phone number without its country code, with 00, and as written', () => {
    expect(
      scan({ headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'tel=13812345678&b=2' }),
    ).toEqual([{ type: 'phoneNumber', encoding: 'form', where: 'body', path: 'tel' }]);
    expect(scan({ headers: [['Cookie', 'sid=abc; p=008613812345678']] })).toEqual([
      { type: 'phoneNumber', encoding: 'plain', where: 'cookie', path: 'p' },
    ]);
    expect(scan({ url: 'https://a.example.net/r?p=%2B86%20138%201234%205678' })).toEqual([
      { type: 'phoneNumber', encoding: 'url', where: 'query', path: 'p' },
    ]);
  });

  it('finds the advertising ID upper-case without dashes, but not another UUID', () => {
    expect(scan({ url: `https://a.example.net/r?gaid=${AD_ID.replace(/-/g, '').toUpperCase()}` })).toEqual([
      { type: 'adId', encoding: 'plain', where: 'query', path: 'gaid' },
    ]);
    expect(scan({ url: 'https://a.example.net/r?gaid=3f2504e0-4f89-11d3-9a0c-0305e82c3302' })).toEqual([]);
  });
});

describe('encodings', () => {
  it('finds digests of normalised forms: MD5 of the upper-case MAC without colons, SHA-256 of the trimmed lower-case email', () => {
    const found = scan(
      jsonBody({
        m: hash('md5', 'ACDE48001122').toString('hex'),
        e: hash('sha256', 'alice.test@example.com').toString('base64'),
        s: hash('sha1', IMEI).toString('hex').toUpperCase(),
        o: b64url(hash('sha512', 'F1E2D3C4B5A6978869504A3B2C1D0E0F')).replace(/=+$/, ''),
      }),
    );
    expect(found).toEqual([
      { type: 'wifiMac', encoding: 'json>md5-hex', where: 'body', path: '$.m' },
      { type: 'email', encoding: 'json>sha256-base64', where: 'body', path: '$.e' },
      { type: 'imei', encoding: 'json>sha1-hex', where: 'body', path: '$.s' },
      { type: 'oaid', encoding: 'json>sha512-base64url', where: 'body', path: '$.o' },
    ]);
  });

  it('does not match random hashes or the hash of a decoy', () => {
    expect(
      scan(
        jsonBody({
          a: randomBytes(16).toString('hex'),
          b: hash('md5', IMEI_DECOY).toString('hex'),
          c: hash('sha256', 'ACDE48001123').toString('base64'),
          d: randomBytes(64).toString('base64'),
        }),
      ),
    ).toEqual([]);
  });

  it('finds hex and URL-encoded values', () => {
    expect(
      scan({
        headers: [
          ['X-S', Buffer.from('R58M12ABCDE').toString('hex').toUpperCase()],
          ['Cookie', 'em=alice.test%40example.com'],
        ],
      }),
    ).toEqual([
      { type: 'serial', encoding: 'hex', where: 'header', path: 'x-s' },
      { type: 'email', encoding: 'url', where: 'cookie', path: 'em' },
    ]);
  });

  it('finds base64, standard and URL-safe, padded or not', () => {
    expect(scan({ url: `https://a.example.net/r?a=${b64url(AD_ID).replace(/=+$/, '')}` })).toEqual([
      { type: 'adId', encoding: 'base64', where: 'query', path: 'a' },
    ]);
    expect(scan({ headers: [['X-T', b64('9a8b7c6d5e4f3a2b')]] })).toEqual([
      { type: 'androidId', encoding: 'base64', where: 'header', path: 'x-t' },
    ]);
  });

  it('finds a value inside a larger base64 document at all three byte alignments, without decoding it', () => {
    for (const prefix of ['x', 'xy', 'xyz']) {
      const doc = b64(`${prefix};dev=${IMEI};os=android;build=ABC123;t=1700000000`);
      expect(scan({ headers: [['content-type', 'text/plain']], body: doc })).toEqual([
        { type: 'imei', encoding: 'base64', where: 'body' },
      ]);
    }
  });

  it('does not match the decoy IMEI inside base64 at any alignment', () => {
    for (const prefix of ['', 'x', 'xy']) {
      expect(
        scan({ headers: [['content-type', 'text/plain']], body: b64(`${prefix}${IMEI_DECOY}`) }),
      ).toEqual([]);
    }
  });
});

describe('decoding layers', () => {
  it('reports gzip > JSON > base64 for a base64 field in a gzipped JSON body', () => {
    const body = zlib.gzipSync(JSON.stringify({ d: b64(IMEI) }));
    expect(
      scan({
        headers: [
          ['Content-Encoding', 'gzip'],
          ['Content-Type', 'application/json'],
        ],
        body,
      }),
    ).toEqual([{ type: 'imei', encoding: 'gzip>json>base64', where: 'body', path: '$.d' }]);
  });

  it('opens base64 of gzip of JSON inside a JSON field', () => {
    const inner = zlib.gzipSync(JSON.stringify({ dev: { androidId: '9a8b7c6d5e4f3a2b' } }));
    expect(scan(jsonBody({ payload: b64(inner) }))).toEqual([
      {
        type: 'androidId',
        encoding: 'json>base64>gzip>json',
        where: 'body',
        path: '$.payload.dev.androidId',
      },
    ]);
  });

  it('opens JSON inside a JSON string and decodes escapes', () => {
    expect(
      scan(
        jsonBody({ data: JSON.stringify({ list: [{ imsi: '460001234567890' }] }), name: 'Alice’s Pixel 7' }),
      ),
    ).toEqual([
      { type: 'imsi', encoding: 'json>json', where: 'body', path: '$.data.list[0].imsi' },
      { type: 'deviceName', encoding: 'json', where: 'body', path: '$.name' },
    ]);
    // The same name written with \u escapes is only visible once the JSON is decoded.
    expect(
      scan({ headers: [['content-type', 'application/json']], body: '{"n":"Alice\\u2019s Pixel 7"}' }),
    ).toEqual([{ type: 'deviceName', encoding: 'json', where: 'body', path: '$.n' }]);
  });

  it('decodes deflate and brotli bodies', () => {
    const form = `iccid=89860012345678901234&x=1`;
    expect(
      scan({
        headers: [
          ['Content-Encoding', 'deflate'],
          ['Content-Type', 'application/x-www-form-urlencoded'],
        ],
        body: zlib.deflateSync(form),
      }),
    ).toEqual([{ type: 'iccid', encoding: 'deflate>form', where: 'body', path: 'iccid' }]);
    expect(
      scan({ headers: [['Content-Encoding', 'br']], body: zlib.brotliCompressSync(`meid:A0000012345678`) }),
    ).toEqual([{ type: 'meid', encoding: 'br', where: 'body' }]);
  });

  it('reads multipart parts by name, with their own content types', () => {
    const boundary = '----aw7MA4YWxkTrZu0gW';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="meta"',
      'Content-Type: application/json',
      '',
      JSON.stringify({ oaid: 'f1e2d3c4-b5a6-9788-6950-4a3b2c1d0e0f' }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="clip"',
      '',
      'appwarden-clip-7f3a9c',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    expect(scan({ headers: [['Content-Type', `multipart/form-data; boundary=${boundary}`]], body })).toEqual([
      { type: 'oaid', encoding: 'multipart>json', where: 'body', path: 'meta.oaid' },
      { type: 'clipboard', encoding: 'multipart', where: 'body', path: 'clip' },
    ]);
  });

  it('opens a JWT in a header', () => {
    const jwt = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ sub: 'x', email: 'alice.test@example.com' }))}.sig`;
    expect(scan({ headers: [['Authorization', `Bearer ${jwt}`]] })).toEqual([
      { type: 'email', encoding: 'base64>json', where: 'header', path: 'authorization.email' },
    ]);
  });

  it('finds a contact from the address book in a form body', () => {
    expect(
      scan({
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
        body: 'c=Canary+Contact+Zhang&n=%2B8613998765432',
      }),
    ).toEqual([
      { type: 'contacts', encoding: 'form', where: 'body', path: 'c' },
      { type: 'contacts', encoding: 'form', where: 'body', path: 'n' },
    ]);
  });
});

describe('location', () => {
  it('finds latitude and longitude in separate JSON numbers, and a lat,lon string in a query', () => {
    expect(scan(jsonBody({ loc: { lat: 39.9091, lng: 116.3979, acc: 12.5 } }))).toEqual([
      { type: 'location', encoding: 'json', where: 'body', path: '$.loc.lat' },
    ]);
    expect(scan({ url: 'https://a.example.net/r?ll=116.39801,39.90855' })).toEqual([
      { type: 'location', encoding: 'plain', where: 'query', path: 'll' },
    ]);
  });

  it('ignores coarse, distant and version-like coordinates, and an identity at 0,0', () => {
    expect(scan({ url: 'https://a.example.net/r?ll=39.91,116.40' })).toEqual([]);
    expect(scan({ url: 'https://a.example.net/r?ll=39.990000,116.397499' })).toEqual([]);
    expect(scan({ url: 'https://a.example.net/r?v=39.9087.1&w=116.3975.2' })).toEqual([]);
    const zero = compileIdentity(identitySchema.parse({ location: { lat: 0, lon: 0 } }));
    expect(
      matchRequest(zero, { method: 'GET', url: 'https://a.example.net/r?ll=0.0001,0.0002', headers: [] }),
    ).toEqual([]);
  });
});

describe('robustness', () => {
  it('sees through PHP-style escaped slashes in a base64 digest and Gson-style \\u escapes', () => {
    const digest = hash('md5', 'alice.test@example.com').toString('base64');
    expect(digest).toContain('/');
    const body = `{"h":"${digest.replace(/\//g, '\\/')}","e":"alice.test\u0040example.com"}`;
    expect(scan({ headers: [['content-type', 'application/json']], body })).toEqual([
      { type: 'email', encoding: 'json>md5-base64', where: 'body', path: '$.h' },
      { type: 'email', encoding: 'json', where: 'body', path: '$.e' },
    ]);
  });

  it('records nothing from a decompression bomb hidden in base64, and stays within the decode budget', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x41));
    const small = compileIdentity(identity, { maxDecodedBytes: 1024 * 1024 });
    const started = Date.now();
    const found = matchRequest(small, {
      method: 'POST',
      url: 'https://a.example.net/u',
      headers: [['content-type', 'application/json']],
      body: Buffer.from(JSON.stringify({ blob: b64(bomb), imei: IMEI })),
    });
    expect(found.map((m) => [m.type, m.path])).toEqual([['imei', '$.imei']]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('follows nesting up to maxDepth and no further', () => {
    let doc: string = JSON.stringify({ imei: IMEI });
    for (let i = 0; i < 3; i++) doc = JSON.stringify({ d: doc });
    const req = {
      method: 'POST',
      url: 'https://a.example.net/u',
      headers: [['content-type', 'application/json']] as [string, string][],
      body: Buffer.from(doc),
    };
    expect(matchRequest(ci, req).map((m) => [m.encoding, m.path])).toEqual([
      ['json>json>json>json', '$.d.d.d.imei'],
    ]);
    const shallow = compileIdentity(identity, { maxDepth: 2 });
    expect(matchRequest(shallow, req).map((m) => m.type)).toEqual(['imei']);
    expect(matchRequest(shallow, req)[0]?.path).not.toBe('$.d.d.d.imei');
  });

  it('matches coordinates in the southern and western hemispheres, and not their mirror images', () => {
    const rio = compileIdentity(identitySchema.parse({ location: { lat: -22.906847, lon: -43.172897 } }));
    const at = (url: string): string[] =>
      matchRequest(rio, { method: 'GET', url, headers: [] }).map(
        (m) => `${m.type} ${m.where} ${m.path ?? ''}`,
      );
    expect(at('https://a.example.net/r?lat=-22.9071&lon=-43.1730')).toEqual(['location query lat']);
    expect(at('https://a.example.net/r?lat=22.9071&lon=43.1730')).toEqual([]);
  });

  it('survives malformed input: broken JSON, bad percent escapes, truncated gzip, binary garbage', () => {
    const cases: RequestInput[] = [
      {
        method: 'POST',
        url: 'https://a.example.net/%zz?%=%&a=%E0%A4%A',
        headers: [['cookie', '=;;a']],
        body: Buffer.from('{"imei": "860123456789012", '),
      },
      {
        method: 'POST',
        url: 'https://a.example.net/',
        headers: [['content-encoding', 'gzip']],
        body: zlib.gzipSync('x'.repeat(1000)).subarray(0, 20),
      },
      {
        method: 'POST',
        url: 'https://a.example.net/',
        headers: [['content-type', 'multipart/form-data; boundary=zz']],
        body: randomBytes(4096),
      },
    ];
    expect(matchRequest(ci, cases[0] as RequestInput).map((m) => [m.type, m.where])).toEqual([
      ['imei', 'body'],
    ]);
    for (const c of cases.slice(1)) expect(matchRequest(ci, c)).toEqual([]);
  });
});

describe('explainMatch', () => {
  it('says what was sent, where and how, word for word', () => {
    expect(explainMatch({ type: 'imei', encoding: 'plain', where: 'query', path: 'imei' })).toBe(
      'The IMEI was sent in the query parameter "imei", as plain text.',
    );
    expect(explainMatch({ type: 'imei', encoding: 'gzip>json>base64', where: 'body', path: '$.d' })).toBe(
      'The IMEI was sent in the request body at $.d, as base64 inside JSON inside gzip.',
    );
    expect(explainMatch({ type: 'wifiMac', encoding: 'json>md5-hex', where: 'body', path: '$.m' })).toBe(
      'The Wi-Fi MAC address was sent in the request body at $.m, as an MD5 hash written as hex inside JSON.',
    );
    expect(explainMatch({ type: 'email', encoding: 'sha256-base64', where: 'header', path: 'x-e' })).toBe(
      'The email address was sent in the "x-e" header, as a SHA-256 hash written as base64.',
    );
    expect(explainMatch({ type: 'contacts', encoding: 'url', where: 'cookie', path: 'c' })).toBe(
      'A contact from the address book was sent in the cookie "c", as URL-encoded text.',
    );
    expect(explainMatch({ type: 'location', encoding: 'plain', where: 'url' })).toBe(
      'The precise location was sent in the URL, as plain text.',
    );
  });
});
