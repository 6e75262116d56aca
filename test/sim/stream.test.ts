import { describe, expect, it } from 'vitest';
import { AdbStream, type StreamPort } from '../../src/sim/adb/stream.ts';
import { PullStdin } from '../../src/sim/adb/stdin.ts';

function fakePort(maxData = 4): StreamPort & { sent: string[]; closes: number } {
  const port = {
    sent: [] as string[],
    closes: 0,
    maxData,
    send: async (p: Buffer) => void port.sent.push(p.toString()),
    close: () => void port.closes++,
  };
  return port;
}

describe('AdbStream', () => {
  it('holds back the OKAY for peer data once unread bytes pass the high-water mark', async () => {
    const s = new AdbStream(fakePort());
    let acks = 0;
    const big = Buffer.alloc(AdbStream.HIGH_WATER);
    s.deliver(big, () => acks++);
    expect(acks).toBe(0);
    expect((await s.read())?.length).toBe(big.length);
    expect(acks).toBe(1);
    s.deliver(Buffer.from('x'), () => acks++);
    expect(acks).toBe(2);
  });

  it('joins writes made in one tick and splits them to maxdata', async () => {
    const port = fakePort(4);
    const s = new AdbStream(port);
    void s.write('ab');
    await s.write('cdef');
    expect(port.sent).toEqual(['abcd', 'ef']);
    await s.end();
    expect(port.closes).toBe(1);
  });

  it('ends reads and notifies close listeners when the peer closes', async () => {
    const s = new AdbStream(fakePort());
    let closed = false;
    s.onClose(() => (closed = true));
    const pending = s.read();
    s.peerClosed();
    expect(await pending).toBeNull();
    expect(closed).toBe(true);
  });
});

describe('PullStdin', () => {
  it('reads exact sizes, lines (CR LF as one break) and the rest, pulling only on demand', async () => {
    const chunks = ['ab', 'c\r\nline2\nrest', 'XYZ'];
    let pulls = 0;
    const stdin = new PullStdin(async () => {
      pulls++;
      return chunks.length ? Buffer.from(chunks.shift() as string) : null;
    });
    expect(pulls).toBe(0);
    expect((await stdin.readExactly(1)).toString()).toBe('a');
    expect(await stdin.readLine()).toBe('bc');
    expect(await stdin.readLine()).toBe('line2');
    expect((await stdin.readAll()).toString()).toBe('restXYZ');
    expect(await stdin.readLine()).toBeNull();
  });
});
