/**
 * `npm run bench -- report [--events N]`
 *
 * The analyze benchmark's synthetic session (default 1M events, written by `analyze.ts --write` in a
 * child process) is analysed, then rendered as the HTML report; the page is opened in headless
 * Chromium and timed until the timeline script has drawn. The timeline bins events, so the file size
 * does not grow with the event count.
 *
 * Targets (issue 9): HTML ≤ 20 MB, opens in < 3 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeSession } from '../../src/analysis/engine.ts';
import { openStore } from '../../src/evidence/store.ts';
import { writeReport } from '../../src/report/index.ts';
import { launchChromium } from '../../test/report/browser.ts';
import { line, result, round, rssSampler, writeSyntheticSession } from './lib.ts';

const TARGET = { megabytes: 20, openSeconds: 3 };
const SESSION = 'bench-analyze';

const i = process.argv.indexOf('--events');
const EVENTS = i >= 0 ? Number(process.argv[i + 1]) : 1_000_000;
if (!Number.isSafeInteger(EVENTS) || EVENTS <= 0) {
  process.stderr.write('--events must be a positive integer\n');
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-bench-report-'));
try {
  writeSyntheticSession(dir, EVENTS);

  const store = openStore({ dataDir: dir });
  let s0 = Date.now();
  const analysis = analyzeSession(store, SESSION);
  line(`analysed in ${round((Date.now() - s0) / 1000, 2)} s: ${analysis.violations} violations`);
  const sampler = rssSampler(20);
  s0 = Date.now();
  const out = writeReport(store, SESSION, 'html', path.join(dir, 'report.html'));
  const renderSeconds = (Date.now() - s0) / 1000;
  const peak = sampler.stop();
  await store.close();
  const megabytes = out.bytes / 1024 / 1024;
  line(
    `HTML ${round(megabytes, 2)} MB (target ≤ ${TARGET.megabytes} MB) rendered in ${round(renderSeconds, 2)} s, peak RSS ${peak} MB`,
  );

  // The report tests' launcher: Debian's chromium, a fresh profile; a missing browser names the fix.
  const { context, close } = await launchChromium();
  let openSeconds: number;
  try {
    const page = await context.newPage();
    s0 = Date.now();
    await page.goto(pathToFileURL(out.path).href, { waitUntil: 'load' });
    await page.waitForSelector('.tl[data-range]');
    openSeconds = (Date.now() - s0) / 1000;
    // Zooming re-aggregates the bins: time one zoom step too.
    s0 = Date.now();
    await page.click('.tl-in');
    const zoomMs = Date.now() - s0;
    line(
      `opened and drew the timeline in ${round(openSeconds, 2)} s (target < ${TARGET.openSeconds} s); one zoom step ${zoomMs} ms`,
    );
  } finally {
    await close();
  }
  result('report', {
    events: EVENTS,
    htmlMegabytes: round(megabytes, 3),
    renderSeconds: round(renderSeconds, 3),
    renderPeakRssMb: peak,
    openSeconds: round(openSeconds, 3),
    withinTargets: megabytes <= TARGET.megabytes && openSeconds < TARGET.openSeconds,
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
