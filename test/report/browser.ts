/**
 * Headless Chromium for report tests: Debian's chromium through playwright-core, with a fresh profile.
 * A missing chromium is a failure with the fix, not a skip (CI installs it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Failed to start the report browser test: ${CHROMIUM} is missing. Install Debian's chromium (apt-get install chromium).`,
    );
  }
  // launchPersistentContext is how playwright takes --user-data-dir: a fresh profile per test file.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
