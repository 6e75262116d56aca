import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/index.ts';
import { launchChromium } from './browser.ts';
import { leakySession, RTL, tempStore, XSS_SCRIPT } from './fixtures.ts';

/** Tags the report itself emits; anything else in the DOM was injected. */
const OWN_TAGS = new Set(
  'html head meta link title style body header h1 h2 h3 main section div table thead tbody tr th td span b code details summary p pre mark a img canvas button script figure figcaption footer'.split(
    ' ',
  ),
);

interface Opened {
  page: Page;
  dialogs: string[];
  errors: string[];
}

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
const stores: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ({ context, close: closeBrowser } = await launchChromium());
}, 30_000);

afterAll(async () => {
  await closeBrowser?.();
  for (const c of stores) await c();
});

async function report(hostile: boolean): Promise<{ file: string; bytes: number }> {
  const t = tempStore();
  stores.push(t.cleanup);
  const id = await leakySession(t.store, { hostile });
  const out = writeReport(t.store, id, 'html', path.join(t.dir, 'report.html'));
  return { file: out.path, bytes: out.bytes };
}

async function open(file: string): Promise<Opened> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, dialogs, errors };
}

describe('HTML report in Chromium', () => {
  it('renders with no console errors, shows the finding with its evidence, and the timeline zooms', async () => {
    const { file } = await report(false);
    const { page, errors } = await open(file);
    expect(await page.locator('.verdict').first().textContent()).toContain('4 violations');
    expect(await page.locator('.finding').first().textContent()).toContain(
      'Umeng (Alibaba) read the IMEI at 0.5 s and sent it to umeng.com at 1 s',
    );
    // The matched value is highlighted in the request body.
    expect(await page.locator('.ev-flow pre mark').first().textContent()).toBe('861234567890123');
    // The screenshot is embedded as a data URI and decodes.
    const shot = await page
      .locator('.screens img')
      .first()
      .evaluate((img: HTMLImageElement) => ({
        w: img.naturalWidth,
        src: img.src.slice(0, 22),
      }));
    expect(shot).toEqual({ w: 36, src: 'data:image/png;base64,' });
    const facts = await page.locator('.facts').textContent();
    expect(facts).toContain('kind sim');
    expect(facts).toContain('system-ca');

    const tl = page.locator('.tl').first();
    const range = async (): Promise<number[]> =>
      ((await tl.getAttribute('data-range')) ?? '').split(',').map(Number);
    const [a0, b0] = await range();
    expect(a0).toBe(0);
    await tl.locator('.tl-in').click();
    const [a1, b1] = await range();
    expect((b1 as number) - (a1 as number)).toBeCloseTo(((b0 as number) - (a0 as number)) / 2, -1);
    await tl.locator('canvas').hover({ position: { x: 400, y: 60 } });
    await page.mouse.wheel(0, -200);
    const [a2, b2] = await range();
    expect((b2 as number) - (a2 as number)).toBeLessThan((b1 as number) - (a1 as number));
    await tl.locator('.tl-reset').click();
    expect(await range()).toEqual([a0, b0]);
    const png = await page.screenshot({ fullPage: false });
    expect(png.length).toBeGreaterThan(10_000);
    // To look at it: APPWARDEN_REPORT_SCREENSHOT=/tmp/report.png npx vitest run test/report
    if (process.env.APPWARDEN_REPORT_SCREENSHOT)
      fs.writeFileSync(process.env.APPWARDEN_REPORT_SCREENSHOT, png);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('renders a run: summary table and one working timeline per session', async () => {
    const t = tempStore();
    stores.push(t.cleanup);
    await leakySession(t.store, { id: 'r1', run: 'run-x' });
    await leakySession(t.store, { id: 'r2', run: 'run-x', extraLeak: true });
    const out = writeReport(t.store, 'run-x', 'html', path.join(t.dir, 'run.html'));
    const { page, errors } = await open(out.path);
    expect(await page.locator('header table tbody tr').count()).toBe(2);
    expect(await page.locator('header table tbody tr').nth(1).textContent()).toContain('6 violations');
    const second = page.locator('.tl').nth(1);
    const before = await page.locator('.tl').first().getAttribute('data-range');
    await second.locator('.tl-in').click();
    expect(await second.getAttribute('data-range')).not.toBe(before);
    expect(await page.locator('.tl').first().getAttribute('data-range')).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('runs no script and creates no element from hostile strings', async () => {
    const { file, bytes } = await report(true);
    const source = fs.readFileSync(file, 'utf8');
    expect(source).not.toContain(XSS_SCRIPT);
    expect(source).not.toContain('<img src=x');
    expect(source).not.toContain('\u202E');
    // Two megabytes of app text (a header and a body) are cut, not embedded.
    expect(bytes).toBeLessThan(400_000);
    expect(source).toContain('more characters cut');

    const { page, dialogs, errors } = await open(file);
    await page.waitForTimeout(300);
    const dom = await page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('*'));
      return {
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))],
        handlers: all.flatMap((e) => e.getAttributeNames().filter((n: string) => n.startsWith('on'))),
        imgs: Array.from(document.images).map((i) => i.getAttribute('src')?.slice(0, 11) ?? ''),
        hrefs: Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href') ?? ''),
        scripts: Array.from(document.scripts).map((s) => s.type || 'classic'),
        text: document.body.textContent ?? '',
      };
    });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(dom.tags.filter((t) => !OWN_TAGS.has(t))).toEqual([]);
    expect(dom.handlers).toEqual([]);
    expect(dom.imgs.filter((s) => !s.startsWith('data:image/'))).toEqual([]);
    expect(dom.hrefs.filter((h) => !/^(https?:|#)/.test(h))).toEqual([]);
    expect(dom.scripts.filter((t) => t === 'classic')).toHaveLength(1);
    // The attacks are shown as text, bidi overrides as visible marks.
    expect(dom.text).toContain(XSS_SCRIPT);
    expect(dom.text).toContain('"><img src=x onerror=alert(1)>');
    expect(dom.text).toContain('javascript:alert(1)');
    expect(dom.text).toContain('⟦U+202E⟧');
    expect(dom.text).not.toContain(RTL);
    await page.close();
  }, 30_000);
});
