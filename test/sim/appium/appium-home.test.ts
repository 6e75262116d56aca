import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DRIVER_SOURCES, ensureAppiumHome } from '../../../src/ui/appium-server.ts';

// Shared with session.test.ts: installs are idempotent and guarded by a lock, so both may run at once.
const HOME = path.join(os.tmpdir(), 'appwarden-test-appium-home');
const MANIFEST = path.join(HOME, 'node_modules', '.cache', 'appium', 'extensions.yaml');

describe("appwarden's APPIUM_HOME", () => {
  it('installs the sim driver and UiAutomator2 from the project with --source=local, once', async () => {
    await ensureAppiumHome(HOME, ['appwarden-sim', 'uiautomator2']);
    const drivers = (
      parse(fs.readFileSync(MANIFEST, 'utf8')) as { drivers: Record<string, Record<string, unknown>> }
    ).drivers;
    expect(drivers['appwarden-sim']).toMatchObject({
      installType: 'local',
      installPath: DRIVER_SOURCES['appwarden-sim'](),
      automationName: 'AppwardenSim',
    });
    expect(drivers.uiautomator2).toMatchObject({
      installType: 'local',
      installPath: DRIVER_SOURCES.uiautomator2(),
      automationName: 'UiAutomator2',
    });
    // Linked, not copied: the sim driver's relative imports into src/ keep working.
    expect(fs.realpathSync(path.join(HOME, 'node_modules', 'appwarden-sim-driver'))).toBe(
      DRIVER_SOURCES['appwarden-sim'](),
    );

    const before = fs.statSync(MANIFEST).mtimeMs;
    const started = performance.now();
    await ensureAppiumHome(HOME, ['appwarden-sim', 'uiautomator2']);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fs.statSync(MANIFEST).mtimeMs).toBe(before);
    expect(fs.existsSync(path.join(HOME, '.appwarden-install.lock'))).toBe(false);
  }, 300_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

describe('Appium server lifetime', () => {
  it('stops by itself when the appwarden process that started it dies', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const serverModule = fileURLToPath(new URL('../../../src/ui/appium-server.ts', import.meta.url));
    const code = `import { startAppiumServer } from ${JSON.stringify(serverModule)};
const s = await startAppiumServer({ home: ${JSON.stringify(HOME)}, drivers: ['appwarden-sim'] });
console.log('PID ' + s.pid);
setInterval(() => {}, 1000);`;
    const parent = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    parent.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PID (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.on('exit', () => reject(new Error(`parent exited early: ${out}`)));
    });
    expect(() => process.kill(pid, 0)).not.toThrow();
    parent.kill('SIGKILL');
    const end = Date.now() + 20_000;
    let alive = true;
    while (alive && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      alive = isAlive(pid);
    }
    if (alive) process.kill(pid, 'SIGKILL');
    expect(alive).toBe(false);
  }, 180_000);
});
