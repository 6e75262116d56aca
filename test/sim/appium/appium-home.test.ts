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
