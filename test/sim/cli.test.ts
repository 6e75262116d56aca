import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AdbWireClient } from '../../src/sim/adb/client.ts';
import { main } from '../../src/cli/main.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/bin.js');

describe('appwarden sim start', () => {
  it('prints one serial per sim, serves adb on each, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, 'sim', 'start', '--count', '2', '--seed', 'cli'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const serials = await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no serials within 30 s; stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`,
              ),
            ),
          30_000,
        );
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const lines = out.split('\n').filter(Boolean);
          if (lines.length >= 2) {
            clearTimeout(timer);
            resolve(lines);
          }
        });
      });
      expect(serials).toHaveLength(2);
      const ids = new Set<string>();
      for (const serial of serials) {
        expect(serial).toMatch(/^127\.0\.0\.1:\d+$/);
        const c = await AdbWireClient.connect(Number(serial.split(':')[1]));
        const r = await c.shell('getprop sys.boot_completed; settings get secure android_id');
        const [boot, id] = r.stdout.toString().trim().split('\n');
        expect(boot).toBe('1');
        ids.add(id ?? '');
        c.close();
      }
      expect(ids.size).toBe(2);
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', (c) => resolve(c));
        child.kill('SIGINT');
      });
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 45_000);

  it('rejects a bad --count with exit 2 and a clear message', async () => {
    let err = '';
    const code = await main(['node', 'appwarden', 'sim', 'start', '--count', '0'], {
      out: () => undefined,
      err: (s) => (err += s),
    });
    expect(code).toBe(2);
    expect(err).toContain("Failed to parse --count: '0' is not a whole number from 1 to 64.");
  });
});
