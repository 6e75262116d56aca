import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from '../../src/device/device.ts';
import { makeHoneyData, mergeIdentity, seedHoneyData } from '../../src/device/ops/honey.ts';
import { readIdentity } from '../../src/device/ops/identity.ts';
import { startSim, type Sim } from '../../src/sim/index.ts';

let sim: Sim;
let device: Device;

beforeAll(async () => {
  sim = await startSim({ seed: 'honey-test' });
  device = await Device.connect('sim', { via: 'daemon', host: '127.0.0.1', port: sim.port });
});

afterAll(async () => {
  await device?.close();
  await sim?.stop();
});

describe('honey data', () => {
  it('is unique per seed and stable for the same seed', () => {
    const a = makeHoneyData({ seed: 'run-1/127.0.0.1:5555' });
    expect(makeHoneyData({ seed: 'run-1/127.0.0.1:5555' })).toEqual(a);
    const b = makeHoneyData({ seed: 'run-2/127.0.0.1:5555' });
    expect(b.clipboard[0]).not.toBe(a.clipboard[0]);
    expect(b.contacts[0]?.name).not.toBe(a.contacts[0]?.name);
    // Near the centre (within ~2 km) and written with 6 decimals, so the matcher can find it.
    expect(Math.abs(a.location.lat - 39.9087)).toBeLessThan(0.02);
    expect(a.location.lat.toString().split('.')[1]?.length).toBeGreaterThanOrEqual(3);
  });

  it('is planted on a sim through shell commands and lands in the identity the matcher uses', async () => {
    const honey = makeHoneyData({ seed: 'run-x/sim' });
    const { seeded, notSeeded } = await seedHoneyData(device, honey);
    expect(notSeeded).toEqual({});
    expect(seeded.contacts).toEqual(honey.contacts);
    expect(sim.device.content.contacts()).toEqual(expect.arrayContaining(honey.contacts));
    expect(sim.device.clipboard.at(-1)).toBe(honey.clipboard[0]);
    expect(sim.device.location).toEqual(honey.location);

    const { identity } = await readIdentity(device, 29);
    expect(identity.deviceName).toBe(honey.deviceName);
    const merged = mergeIdentity(identity, seeded);
    expect(merged.contacts).toEqual(honey.contacts);
    expect(merged.sms).toEqual(honey.sms);
    expect(merged.location).toEqual(honey.location);
    expect(merged.androidId).toBe(sim.device.identity.androidId);
  });
});
