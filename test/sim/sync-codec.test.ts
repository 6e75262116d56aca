import { describe, expect, it } from 'vitest';
import {
  dentReply,
  doneReply,
  recvDoneReply,
  statReply,
  SyncDecoder,
  SyncProtocolError,
} from '../../src/sim/adb/sync-codec.ts';
import { encodeShellPacket, ShellPacketDecoder } from '../../src/sim/adb/shell-protocol.ts';

function req(id: string, payload: Buffer | number): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32LE(typeof payload === 'number' ? payload : payload.length, 4);
  return typeof payload === 'number' ? h : Buffer.concat([h, payload]);
}

describe('sync codec', () => {
  it('parses a push (SEND, DATA…, DONE with mtime) fed one byte at a time', () => {
    const wire = Buffer.concat([
      req('SEND', Buffer.from('/sdcard/a.txt,33188')),
      req('DATA', Buffer.from('hello ')),
      req('DATA', Buffer.from('world')),
      req('DONE', 1700000000),
      req('QUIT', 0),
    ]);
    const d = new SyncDecoder();
    const got = [...wire].flatMap((b) => d.push(Buffer.from([b])));
    expect(got).toEqual([
      { id: 'SEND', path: '/sdcard/a.txt,33188' },
      { id: 'DATA', data: Buffer.from('hello ') },
      { id: 'DATA', data: Buffer.from('world') },
      { id: 'DONE', mtime: 1700000000 },
      { id: 'QUIT' },
    ]);
  });

  it('refuses unknown ids and oversized DATA or paths', () => {
    expect(() => new SyncDecoder().push(req('HACK', 0))).toThrow(SyncProtocolError);
    expect(() => new SyncDecoder().push(req('DATA', 64 * 1024 + 1))).toThrow(/exceeds/);
    expect(() => new SyncDecoder().push(req('STAT', 5000))).toThrow(/exceeds/);
  });

  it('builds replies in adbd layouts (STAT 16 bytes, DENT 20+name, LIST DONE 20, RECV DONE 8)', () => {
    const st = statReply(0o100644, 12, 34);
    expect([
      st.toString('latin1', 0, 4),
      st.readUInt32LE(4),
      st.readUInt32LE(8),
      st.readUInt32LE(12),
    ]).toEqual(['STAT', 0o100644, 12, 34]);
    const de = dentReply(0o40771, 4096, 1, 'Download');
    expect(de.length).toBe(28);
    expect(de.readUInt32LE(16)).toBe(8);
    expect(doneReply().length).toBe(20);
    expect(recvDoneReply().length).toBe(8);
  });
});

describe('shell protocol v2 packets', () => {
  it('round-trips packets split across chunks', () => {
    const wire = Buffer.concat([
      encodeShellPacket(0, Buffer.from('abc')),
      encodeShellPacket(4, Buffer.alloc(0)),
    ]);
    const d = new ShellPacketDecoder();
    const got = [...d.push(wire.subarray(0, 4)), ...d.push(wire.subarray(4))];
    expect(got.map((p) => [p.id, p.data.toString()])).toEqual([
      [0, 'abc'],
      [4, ''],
    ]);
  });
});
