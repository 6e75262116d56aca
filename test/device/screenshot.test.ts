import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { extractPng, PNG_SIGNATURE, pngSize, screenshot } from '../../src/device/ops/screenshot.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

let sim: Sim;
let device: Device;

beforeAll(async () => {
  sim = await startSim({ seed: 'screenshot-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
});

/** A real 2×1 PNG, built by hand so its bytes include 0x0a inside the data. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.from([0, 10, 10, 10, 13, 10, 13]);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('screencap output', () => {
  it('takes the PNG after linker warnings and drops trailing noise', () => {
    const png = tinyPng();
    const out = Buffer.concat([
      Buffer.from('WARNING: linker: libdvm.so has text relocations.\n'),
      png,
      Buffer.from('\n'),
    ]);
    const r = extractPng(out);
    expect('png' in r && r.png.equals(png)).toBe(true);
  });

  it("undoes a legacy pty's CRLF conversion", () => {
    const png = tinyPng();
    const mangled = Buffer.from(png.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    const r = extractPng(mangled);
    expect('png' in r && r.png.equals(png)).toBe(true);
  });

  it('refuses output that is not a whole PNG, saying what came instead', () => {
    expect(extractPng(Buffer.from('/system/bin/sh: screencap: not found\n'))).toEqual({
      problem: 'the output is not a PNG ("/system/bin/sh: screencap: not found")',
    });
    expect(extractPng(Buffer.alloc(0))).toEqual({ problem: 'the device sent nothing' });
    expect(extractPng(tinyPng().subarray(0, 40))).toMatchObject({
      problem: expect.stringMatching(/cut short/),
    });
  });
});

describe('screenshot on a sim over the ADB wire', () => {
  it('returns the rendered screen as a PNG of the screen size', async () => {
    const png = await screenshot(device);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png)).toEqual({ width: sim.device.screen.width, height: sim.device.screen.height });
    expect(png.subarray(-8, -4).toString()).toBe('IEND');
  });

  it('fails with the device output when screencap returns no image', async () => {
    sim.device.setScreenRenderer(() => Buffer.from('Error: no display 0\n'));
    try {
      await expect(screenshot(device)).rejects.toThrow(
        `Failed to take a screenshot on ${device.serial}: the output is not a PNG ("Error: no display 0").`,
      );
    } finally {
      sim.device.setScreenRenderer(undefined);
    }
  });
});
