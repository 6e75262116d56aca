import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileIdentity, explainMatch, matchRequest } from '../../src/analysis/matcher/index.ts';
import { decodeProtobuf, grpcFrames, mightBeProtobuf } from '../../src/analysis/matcher/protobuf.ts';
import { identitySchema, type Identity } from '../../src/config/identity.ts';
import type { Match } from '../../src/evidence/types.ts';
import { grpcFrame, msg, pb, tag, varint } from '../fixtures/matcher/protobuf-encoder.ts';

const identity: Identity = identitySchema.parse(
  JSON.parse(fs.readFileSync(new URL('../fixtures/matcher/identity.json', import.meta.url), 'utf8')),
);
const ci = compileIdentity(identity);

const IMEI = 860123456789012n;
const LAT = 39.908722;
const LON = 116.397499;

type Found = Pick<Match, 'type' | 'encoding' | 'where'> & { path?: string };

function scan(
  body: Uint8Array,
  headers: [string, string][] = [['Content-Type', 'application/x-protobuf']],
): Found[] {
  return matchRequest(ci, { method: 'POST', url: 'https://log.example.net/v2/batch', headers, body }).map(
    ({ type, encoding, where, path }) =>
      path === undefined ? { type, encoding, where } : { type, encoding, where, path },
  );
}

describe('protobuf wire decoder', () => {
  it('reads varints, fixed fields, strings and nested messages', () => {
    const fields = decodeProtobuf(
      msg(pb.varint(1, 150), pb.string(2, 'testing'), pb.message(3, pb.varint(1, IMEI)), pb.double(4, 1.5)),
    );
    expect(fields?.map((f) => [f.num, f.wire])).toEqual([
      [1, 0],
      [2, 2],
      [3, 2],
      [4, 1],
    ]);
    expect(fields?.[0]).toMatchObject({ lo: 150, hi: 0 });
    expect(Buffer.from(fields?.[1]?.bytes ?? []).toString()).toBe('testing');
    // Printable text is a string, never a nested message, even where it would parse as one ("hh" does).
    expect(fields?.[1]?.message).toBeUndefined();
    expect(decodeProtobuf(msg(pb.string(1, 'hhhh')))?.[0]?.message).toBeUndefined();
    const inner = fields?.[2]?.message?.[0];
    expect(inner?.num).toBe(1);
    expect(BigInt(inner?.hi ?? 0) * 2n ** 32n + BigInt(inner?.lo ?? 0)).toBe(IMEI);
  });

  it('accepts the largest field number and a full 10-byte varint', () => {
    const fields = decodeProtobuf(msg(pb.varint(2 ** 29 - 1, -1n)));
    expect(fields?.[0]).toMatchObject({ num: 2 ** 29 - 1, lo: 0xffffffff, hi: 0xffffffff });
  });

  it('refuses what is not a clean message', () => {
    const bad: [string, number[]][] = [
      ['wire type 3 (group start)', [...tag(1, 3)]],
      ['wire type 4 (group end)', [...tag(1, 4)]],
      ['wire type 6', [...tag(1, 6), 1]],
      ['wire type 7', [...tag(1, 7), 1]],
      ['field number 0', [0x00, 0x01]],
      ['field number 2^29', [...tag(2 ** 29, 0), 1]],
      ['truncated varint', [0x08, 0x96]],
      ['11-byte varint', [0x08, ...Array(10).fill(0xff), 0x01]],
      ['10th varint byte above 1', [0x08, ...Array(9).fill(0xff), 0x02]],
      ['length past the end', [0x12, 0x05, 0x61]],
      ['truncated fixed64', [0x09, 1, 2, 3]],
      ['trailing byte', [...pb.varint(1, 1), 0x08]],
    ];
    for (const [what, bytes] of bad) expect([what, decodeProtobuf(Buffer.from(bytes))]).toEqual([what, null]);
    expect(decodeProtobuf(new Uint8Array(0))).toBeNull();
  });

  it('splits gRPC frames and refuses a frame that overruns the body', () => {
    const a = msg(pb.varint(1, 1));
    const frames = grpcFrames(Buffer.concat([grpcFrame(a), grpcFrame(a, true)]));
    expect(frames?.map((f) => [f.compressed, f.bytes.length])).toEqual([
      [false, 2],
      [true, 2],
    ]);
    expect(grpcFrames(grpcFrame(a).subarray(0, 6))).toBeNull();
    expect(grpcFrames(Buffer.from([0x02, 0, 0, 0, 0]))).toBeNull();
    // 20,000 empty frames: more than are read.
    expect(grpcFrames(Buffer.alloc(100_000))).toBeNull();
    expect(grpcFrames(Buffer.alloc(50))).toHaveLength(10);
  });

  it('sniffs protobuf-looking bytes but not JSON, forms or text', () => {
    expect(mightBeProtobuf(msg(pb.string(1, 'abc')))).toBe(true);
    expect(mightBeProtobuf(msg(pb.varint(1, 5), pb.varint(2, 7)))).toBe(true);
    for (const t of ['{"a":1}', 'a=1&b=2', '<html>', 'hello world 860123456789012'])
      expect(mightBeProtobuf(Buffer.from(t))).toBe(false);
  });

  it('survives random and mutated bytes: never throws, stays bounded', () => {
    const valid = msg(
      pb.message(1, pb.varint(3, IMEI), pb.string(2, 'x'.repeat(40))),
      pb.message(2, pb.message(1, pb.double(1, LAT), pb.double(2, LON))),
      pb.string(3, 'abc'),
    );
    const started = performance.now();
    for (let i = 0; i < 3000; i++) {
      let buf: Buffer;
      if (i % 3 === 0) buf = randomBytes(i % 400);
      else {
        buf = Buffer.from(valid);
        for (let k = 0; k <= i % 5; k++) {
          const at = (i * 7 + k * 13) % buf.length;
          buf[at] = (buf[at] as number) ^ (1 << (i % 8));
        }
        if (i % 3 === 2) buf = buf.subarray(0, i % buf.length);
      }
      expect(() => decodeProtobuf(buf)).not.toThrow();
      expect(() => grpcFrames(buf)).not.toThrow();
      const found = scan(buf);
      // Random bytes never carry the identity; mutated ones may still hold the IMEI or the location.
      if (i % 3 === 0) expect(found).toEqual([]);
      else for (const m of found) expect(['imei', 'location']).toContain(m.type);
      expect(() => scan(buf, [['Content-Type', 'application/grpc']])).not.toThrow();
    }
    expect(performance.now() - started).toBeLessThan(8000);
  });

  it('bounds nesting depth and field count', () => {
    // 5,000 messages nested in one another: read to the depth limit, in linear time.
    let nested = msg(pb.varint(1, IMEI));
    for (let i = 0; i < 5000; i++)
      nested = Buffer.concat([Buffer.from([...tag(1, 2), ...varint(nested.length)]), nested]);
    let t0 = performance.now();
    expect(decodeProtobuf(nested)).not.toBeNull();
    // The IMEI lies deeper than the decoder reads: not found, and no time lost looking.
    expect(scan(nested)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(2000);
    // 200,000 fields: more than the decoder reads; not taken as protobuf (the raw pass still runs).
    const many = Buffer.alloc(400_000, 0x08);
    for (let i = 1; i < many.length; i += 2) many[i] = 0x01;
    t0 = performance.now();
    expect(decodeProtobuf(many)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('matching inside protobuf', () => {
  it('finds the IMEI sent as a varint, naming the field path', () => {
    const body = msg(pb.string(1, 'com.example.app'), pb.message(2, pb.varint(1, 7), pb.varint(3, IMEI)));
    expect(scan(body)).toEqual([{ type: 'imei', encoding: 'protobuf>varint', where: 'body', path: '2.3' }]);
  });

  it('finds numbers as zigzag varints and fixed64, the phone number without its country code', () => {
    const body = msg(pb.sint(5, IMEI), pb.fixed64(6, 460001234567890n), pb.varint(7, 13812345678));
    expect(scan(body)).toEqual([
      { type: 'imei', encoding: 'protobuf>sint', where: 'body', path: '5' },
      { type: 'imsi', encoding: 'protobuf>fixed64', where: 'body', path: '6' },
      { type: 'phoneNumber', encoding: 'protobuf>varint', where: 'body', path: '7' },
    ]);
  });

  it('does not match the decoy IMEI, a timestamp or short numbers', () => {
    const body = msg(
      pb.varint(1, IMEI + 1n),
      pb.varint(2, 1732780000123),
      pb.varint(3, 1234567),
      pb.fixed64(4, IMEI - 1n),
    );
    expect(scan(body)).toEqual([]);
  });

  it('finds strings and digests in nested and repeated fields', () => {
    const md5 = createHash('md5').update('ACDE48001122').digest('hex');
    const body = msg(
      pb.message(1, pb.string(1, 'event-a')),
      pb.message(1, pb.string(1, 'event-b'), pb.string(4, md5)),
      pb.message(3, pb.message(2, pb.string(1, '860123456789012'))),
    );
    expect(scan(body)).toEqual([
      { type: 'wifiMac', encoding: 'protobuf>md5-hex', where: 'body', path: '1[1].4' },
      { type: 'imei', encoding: 'protobuf', where: 'body', path: '3.2.1' },
    ]);
  });

  it('reports gzip > protobuf > base64, and reads an unlabelled binary body as protobuf', () => {
    const inner = msg(pb.message(2, pb.string(9, Buffer.from('860123456789012').toString('base64'))));
    const gz = zlib.gzipSync(inner);
    expect(
      scan(gz, [
        ['Content-Type', 'application/x-protobuf'],
        ['Content-Encoding', 'gzip'],
      ]),
    ).toEqual([{ type: 'imei', encoding: 'gzip>protobuf>base64', where: 'body', path: '2.9' }]);
    expect(
      scan(msg(pb.varint(1, 3), pb.varint(4, IMEI)), [['Content-Type', 'application/octet-stream']]),
    ).toEqual([{ type: 'imei', encoding: 'protobuf>varint', where: 'body', path: '4' }]);
  });

  it('decodes base64 protobuf inside JSON and a header, but not base64 that only starts like it', () => {
    const inner = msg(pb.varint(1, 3), pb.message(2, pb.varint(1, IMEI)));
    const b64 = inner.toString('base64');
    expect(b64.startsWith('CA')).toBe(true);
    expect(
      scan(Buffer.from(JSON.stringify({ v: 1, d: b64 })), [['Content-Type', 'application/json']]),
    ).toEqual([{ type: 'imei', encoding: 'json>base64>protobuf>varint', where: 'body', path: '$.d.2.1' }]);
    const tagged = msg(pb.string(1, 'x'.repeat(20)), pb.varint(7, IMEI)).toString('base64url');
    expect(
      matchRequest(ci, {
        method: 'GET',
        url: 'https://x.example.net/',
        headers: [['X-Client-Data', tagged]],
      }),
    ).toMatchObject([
      { type: 'imei', encoding: 'base64>protobuf>varint', where: 'header', path: 'x-client-data.7' },
    ]);
    expect(
      scan(Buffer.from(JSON.stringify({ id: 'CAFEBABECAFEBABE00112233' })), [
        ['Content-Type', 'application/json'],
      ]),
    ).toEqual([]);
  });

  it('reads gRPC frames, compressed or not, numbering them when there are several', () => {
    const a = msg(pb.varint(1, 1));
    const b = msg(pb.message(2, pb.varint(3, IMEI)));
    expect(scan(Buffer.concat([grpcFrame(a), grpcFrame(b)]), [['Content-Type', 'application/grpc']])).toEqual(
      [{ type: 'imei', encoding: 'grpc>protobuf>varint', where: 'body', path: '[1].2.3' }],
    );
    expect(scan(grpcFrame(zlib.gzipSync(b), true), [['Content-Type', 'application/grpc+proto']])).toEqual([
      { type: 'imei', encoding: 'grpc>gzip>protobuf>varint', where: 'body', path: '2.3' },
    ]);
  });

  it('explains a protobuf match in words', () => {
    expect(explainMatch({ type: 'imei', encoding: 'gzip>protobuf>varint', where: 'body', path: '2.3' })).toBe(
      'The IMEI was sent in the request body at protobuf field 2.3, as a varint inside protobuf inside gzip.',
    );
  });
});

describe('location inside protobuf', () => {
  const E7 = (v: number) => Math.round(v * 1e7);
  const E6 = (v: number) => Math.round(v * 1e6);

  it('pairs doubles, floats and E6/E7 integers within one message', () => {
    expect(scan(msg(pb.message(3, pb.double(1, LAT), pb.double(2, LON))))).toEqual([
      { type: 'location', encoding: 'protobuf>double', where: 'body', path: '3.1' },
    ]);
    expect(scan(msg(pb.float(1, LAT), pb.float(2, LON)))).toEqual([
      { type: 'location', encoding: 'protobuf>float', where: 'body', path: '1' },
    ]);
    expect(scan(msg(pb.varint(8, 1), pb.varint(1, E7(LAT)), pb.varint(2, E7(LON))))).toEqual([
      { type: 'location', encoding: 'protobuf>int-e7', where: 'body', path: '1' },
    ]);
    expect(scan(msg(pb.sint(1, E6(LON)), pb.sint(2, E6(LAT))))).toEqual([
      { type: 'location', encoding: 'protobuf>int-e6', where: 'body', path: '2' },
    ]);
    expect(scan(msg(pb.sfixed32(1, E7(LAT)), pb.sfixed32(2, E7(LON))))).toEqual([
      { type: 'location', encoding: 'protobuf>int-e7', where: 'body', path: '1' },
    ]);
  });

  it('matches southern and western coordinates as negative int32 and zigzag varints', () => {
    const sydney = compileIdentity(identitySchema.parse({ location: { lat: -33.8688, lon: 151.2093 } }));
    const nyc = compileIdentity(identitySchema.parse({ location: { lat: 40.712776, lon: -74.005974 } }));
    const run = (c: typeof ci, body: Buffer) =>
      matchRequest(c, { method: 'POST', url: 'https://x.example.net/', headers: [], body }).map(
        (m) => m.encoding,
      );
    expect(run(sydney, msg(pb.varint(1, E7(-33.8688)), pb.varint(2, E7(151.2093))))).toEqual([
      'protobuf>int-e7',
    ]);
    expect(run(nyc, msg(pb.sint(1, E6(40.712776)), pb.sint(2, E6(-74.005974))))).toEqual(['protobuf>int-e6']);
    // The mirror image (sign lost) is elsewhere on Earth.
    expect(run(nyc, msg(pb.varint(1, E6(40.712776)), pb.varint(2, E6(74.005974))))).toEqual([]);
  });

  it('does not match a lone coordinate, a pair split across messages, a pair 5 km away, or coarse doubles', () => {
    expect(scan(msg(pb.varint(1, E7(LAT)), pb.varint(2, 1732780000)))).toEqual([]);
    expect(scan(msg(pb.message(1, pb.double(1, LAT)), pb.message(2, pb.double(1, LON))))).toEqual([]);
    expect(scan(msg(pb.varint(1, E7(LAT + 0.045)), pb.varint(2, E7(LON))))).toEqual([]);
    expect(scan(msg(pb.double(1, 39.91), pb.double(2, 116.4)))).toEqual([]);
    expect(scan(msg(pb.varint(1, E6(39.9)), pb.varint(2, E6(116.4))))).toEqual([]);
    // Latitude at E6 and longitude at E7 are not one pair.
    expect(scan(msg(pb.varint(1, E6(LAT)), pb.varint(2, E7(LON))))).toEqual([]);
  });

  it('finds decimal text coordinates in string fields of one message', () => {
    expect(scan(msg(pb.message(4, pb.string(1, String(LAT)), pb.string(2, String(LON)))))).toEqual([
      { type: 'location', encoding: 'protobuf', where: 'body', path: '4.1' },
    ]);
  });
});
