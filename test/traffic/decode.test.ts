import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeContent,
  looksLikeGzip,
  looksLikeZlib,
  parseContentEncoding,
} from '../../src/traffic/decode.ts';

const text = Buffer.from('{"imei":"356938035643809","pad":"' + 'x'.repeat(5000) + '"}');

describe('decodeContent', () => {
  it('undoes gzip, zlib deflate, raw deflate and brotli', () => {
    for (const [enc, bytes] of [
      ['gzip', zlib.gzipSync(text)],
      ['x-gzip', zlib.gzipSync(text)],
      ['deflate', zlib.deflateSync(text)],
      ['deflate', zlib.deflateRawSync(text)],
      ['br', zlib.brotliCompressSync(text)],
    ] as const) {
      const d = decodeContent(bytes, enc);
      expect(d.note, enc).toBeUndefined();
      expect(Buffer.from(d.bytes).equals(text), enc).toBe(true);
    }
  });

  it('undoes chained codings in reverse order of application', () => {
    const bytes = zlib.brotliCompressSync(zlib.gzipSync(text));
    const d = decodeContent(bytes, 'gzip, br');
    expect(d.chain).toEqual(['br', 'gzip']);
    expect(Buffer.from(d.bytes).equals(text)).toBe(true);
  });

  it('reports a decompression bomb instead of expanding it', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const d = decodeContent(bomb, 'gzip', {
      maxOutputBytes: 8 * 1024 * 1024,
      maxRatio: 100,
      ratioFloorBytes: 1024,
    });
    expect(d.bomb).toBe(true);
    expect(d.note).toMatch(/decompression bomb/);
    expect(d.bytes.length).toBe(bomb.length);
  });

  it('keeps what it could decode of a truncated body and says nothing is wrong with the prefix', () => {
    const gz = zlib.gzipSync(text);
    const d = decodeContent(gz.subarray(0, gz.length - 20), 'gzip');
    expect(Buffer.from(d.bytes).toString().startsWith('{"imei":"356938035643809"')).toBe(true);
  });

  it('notes unsupported or corrupt codings without throwing', () => {
    expect(decodeContent(text, 'compress').note).toMatch(/unsupported content coding 'compress'/);
    expect(decodeContent(Buffer.from('not gzip at all'), 'gzip').note).toMatch(/cannot decode gzip/);
  });

  it('parses headers and sniffs magic bytes', () => {
    expect(parseContentEncoding('gzip, identity')).toEqual(['identity', 'gzip']);
    expect(looksLikeGzip(zlib.gzipSync(text))).toBe(true);
    expect(looksLikeZlib(zlib.deflateSync(text))).toBe(true);
    expect(looksLikeZlib(Buffer.from('{"a":1}'))).toBe(false);
  });
});
