import { describe, expect, it } from 'vitest';
import {
  A_CNXN,
  A_OPEN,
  A_WRTE,
  HEADER_SIZE,
  MessageDecoder,
  ProtocolError,
  encodeMessage,
} from '../../src/sim/adb/message.ts';
import { StreamTable } from '../../src/sim/adb/streams.ts';

describe('ADB message codec', () => {
  it('encodes the header adb expects: magic, length, byte-sum checksum', () => {
    const m = encodeMessage({
      command: A_CNXN,
      arg0: 0x01000001,
      arg1: 1 << 20,
      payload: Buffer.from('host::\0'),
    });
    expect(m.toString('hex', 0, 4)).toBe('434e584e');
    expect(m.readUInt32LE(4)).toBe(0x01000001);
    expect(m.readUInt32LE(12)).toBe(7);
    expect(m.readUInt32LE(16)).toBe([...Buffer.from('host::\0')].reduce((a, b) => a + b, 0));
    expect(m.readUInt32LE(20)).toBe((A_CNXN ^ 0xffffffff) >>> 0);
  });

  it('reassembles messages split at any byte and several in one chunk', () => {
    const a = encodeMessage({ command: A_OPEN, arg0: 5, arg1: 0, payload: Buffer.from('shell:ls\0') });
    const b = encodeMessage({ command: A_WRTE, arg0: 5, arg1: 9, payload: Buffer.alloc(0) });
    const all = Buffer.concat([a, b]);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new MessageDecoder();
      const got = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(got.map((m) => [m.command, m.arg0, m.arg1, m.payload.toString()])).toEqual([
        [A_OPEN, 5, 0, 'shell:ls\0'],
        [A_WRTE, 5, 9, ''],
      ]);
    }
  });

  it('rejects garbage: bad magic, unknown command, oversized payload', () => {
    expect(() => new MessageDecoder().push(Buffer.alloc(HEADER_SIZE, 0x41))).toThrow(ProtocolError);
    const unknown = Buffer.alloc(HEADER_SIZE);
    unknown.writeUInt32LE(0x12345678, 0);
    unknown.writeUInt32LE((0x12345678 ^ 0xffffffff) >>> 0, 20);
    expect(() => new MessageDecoder().push(unknown)).toThrow(/unknown command/);
    const big = encodeMessage({ command: A_WRTE, arg0: 1, arg1: 1, payload: Buffer.alloc(0) });
    big.writeUInt32LE(4096 + 1, 12);
    expect(() => new MessageDecoder(4096).push(big)).toThrow(/exceeds/);
  });
});

describe('stream table', () => {
  it('hands out distinct non-zero local ids, finds and removes them, and enforces its limit', () => {
    const t = new StreamTable<string>(2);
    const a = t.add(7, 'a');
    const b = t.add(8, 'b');
    expect(a?.localId).not.toBe(0);
    expect(a?.localId).not.toBe(b?.localId);
    expect(t.add(9, 'c')).toBeUndefined();
    expect(t.get(a!.localId)?.value).toBe('a');
    expect(t.remove(a!.localId)?.remoteId).toBe(7);
    expect(t.get(a!.localId)).toBeUndefined();
    expect(t.add(9, 'c')).toBeDefined();
  });
});
