import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

let sim: Sim;
let device: Device;

beforeAll(async () => {
  sim = await startSim({ seed: 'stream-close' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
});

describe('sim ADB daemon: a stream the host closes', () => {
  it('answers the host CLSE with its own, so a killed long-running command ends on the host too', async () => {
    // `logcat` without -d never ends by itself: only the close handshake can end the host's read.
    const proc = await device.spawn(['logcat']);
    const reader = proc.output.getReader();
    await proc.kill();
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
      new Promise((r) => setTimeout(() => r('still open after 3 s'), 3000)),
    ]);
    expect(ended).toBe('ended');
    // The connection is still good for other calls.
    expect((await device.shell(['echo', 'ok'])).stdout.trim()).toBe('ok');
  });
});
