import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as runWithData } from '../helpers/cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-devices-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The CLI against this test's own data folder. */
const runCli = (args: string[]) => runWithData(['--data', path.join(dir, 'data'), ...args]);

const FARM = `farm: { quarantineAfter: 2 }
devices:
  - { name: s1, kind: sim, seed: 11, tags: [demo] }
  - { name: s2, kind: sim, seed: 12 }
  - { name: gone, kind: adb, serial: 'ZX1G22ABCD' }
  - { name: emu, kind: emulator, avd: Pixel_7_API_34 }
`;

describe('appwarden devices', () => {
  it('lists devices.yaml', async () => {
    fs.writeFileSync(path.join(dir, 'devices.yaml'), FARM);
    const r = await runCli(['devices', 'list', '--devices', path.join(dir, 'devices.yaml'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((d: { name: string; kind: string }) => `${d.name}:${d.kind}`)).toEqual([
      's1:sim',
      's2:sim',
      'gone:adb',
      'emu:emulator',
    ]);
  });

  it('checks health: sims ok, an unreachable adb device offline, an emulator unavailable; exit 1', async () => {
    // Point the adb client at a port where no server listens, so the real device is offline whatever runs here.
    const before = process.env.ANDROID_ADB_SERVER_PORT;
    process.env.ANDROID_ADB_SERVER_PORT = '1';
    try {
      const r = await runCli(['devices', 'check', '--devices', path.join(dir, 'devices.yaml'), '--json']);
      expect(r.code).toBe(1);
      const rows = JSON.parse(r.out) as {
        name: string;
        state: string;
        bootCompleted?: boolean;
        problems: string[];
      }[];
      const byName = Object.fromEntries(rows.map((h) => [h.name, h]));
      expect(byName.s1?.state).toBe('ok');
      expect(byName.s1?.bootCompleted).toBe(true);
      expect(byName.s2?.state).toBe('ok');
      expect(byName.gone?.state).toBe('offline');
      expect(byName.gone?.problems[0]).toMatch(
        /^Failed to connect to ZX1G22ABCD: .*adb server 127\.0\.0\.1:1/,
      );
      expect(byName.emu?.state).toBe('unavailable');
    } finally {
      if (before === undefined) delete process.env.ANDROID_ADB_SERVER_PORT;
      else process.env.ANDROID_ADB_SERVER_PORT = before;
    }
  });

  it('prints the health table without colour codes: frida-server state on a rooted sim', async () => {
    fs.writeFileSync(
      path.join(dir, 'rooted.yaml'),
      'devices:\n  - { name: r1, kind: sim, seed: 5, root: true }\n',
    );
    const r = await runCli(['devices', 'check', '--devices', path.join(dir, 'rooted.yaml')]);
    expect(r.code).toBe(0);
    expect(r.out.includes('\u001b[')).toBe(false);
    const row = r.out.split('\n').find((l) => l.includes(' r1 '));
    expect(row).toMatch(/│ r1 +│ sim +│ ok +│.*│ not running +│/);
  });

  it('names the file, line and key of a broken devices.yaml', async () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'devices:\n  - name: x\n    kind: sim\n    sede: 3\n');
    const r = await runCli(['devices', 'list', '--devices', path.join(dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:4:5 .*'sede'.*did you mean 'seed'/);
  });
});
