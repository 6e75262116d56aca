/**
 * Report fixtures: sessions written through the real store (fixed timestamps, the analysis fixture
 * factory) and analysed by the real engine. `hostile` puts attacker-shaped strings everywhere an app
 * controls text: URLs, headers, bodies, SDK names, tap texts, activity names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeSession } from '../../src/analysis/engine.ts';
import { openStore, type EvidenceStore } from '../../src/evidence/store.ts';
import { encodePng } from '../../src/sim/screen/png.ts';
import { API, fixture, sdkStack } from '../fixtures/sessions/factory.ts';

export const IMEI = '861234567890123';
export const XSS_SCRIPT = '<script>alert(1)</script>';
export const XSS_ATTR = '"><img src=x onerror=alert(1)>';
export const XSS_URL = 'javascript:alert(1)';
export const RTL = '\u202Emoc.rekcart';
/** A megabyte of app text. */
export const MEGA = `${'A'.repeat(1024 * 1024)}END-OF-MEGA`;

export function tempStore(): { store: EvidenceStore; dir: string; cleanup: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-report-'));
  const store = openStore({ dataDir: dir });
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tiny solid-colour PNG (a real image the page must show as a data URI). */
export function png(r: number, g: number, b: number): Buffer {
  const w = 36;
  const h = 64;
  const rgb = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) rgb.set([r, g, b], i * 3);
  return encodePng(w, h, rgb);
}

/**
 * Umeng reads the IMEI before consent and sends it to umeng.com in the body and a header; the user
 * then refuses. With `hostile`, every app-controlled string carries an attack.
 */
export async function leakySession(
  store: EvidenceStore,
  opts: { id?: string; run?: string; hostile?: boolean; extraLeak?: boolean } = {},
): Promise<string> {
  const hostile = opts.hostile ?? false;
  const h = (plain: string, attack: string): string => (hostile ? attack : plain);
  const body = Buffer.from(
    JSON.stringify({
      imei: IMEI,
      note: h('ok', `${XSS_SCRIPT}${XSS_ATTR}</pre></details>${XSS_URL}`),
      ...(hostile ? { big: MEGA } : {}),
    }),
  );
  const bodyHash = store.writer.putBlob(body);
  const f = fixture({ id: opts.id ?? 's-1', run: opts.run ?? 'run-1', capabilities: ['frida', 'system-ca'] })
    .marker(0, 'LAUNCH')
    .snapshot(100, 'com.example.app', h('.MainActivity', `.Main${RTL}${XSS_ATTR}`))
    .api(500, API.imei, ['imei'], { stack: sdkStack(API.imei), ret: IMEI })
    .flow(
      1000,
      'alog.umeng.com',
      [{ type: 'imei', encoding: 'plain', where: 'body', path: 'imei', value: IMEI }],
      {
        url: h(
          'https://alog.umeng.com/app_logs',
          `https://alog.umeng.com/app_logs?x=${encodeURIComponent(XSS_SCRIPT)}&y="><img src=x onerror=alert(1)>`,
        ),
        requestHeaders: [
          ['content-type', 'application/json'],
          ['x-device', h(IMEI, `${IMEI}${XSS_ATTR}${RTL}`)],
          ...(hostile ? ([['x-mega', MEGA]] as [string, string][]) : []),
        ],
        requestBody: {
          raw: bodyHash,
          decoded: null,
          size: body.length,
          captured: body.length,
          truncated: false,
        },
      },
    )
    .tap(1500, h('Agree', `${XSS_SCRIPT}${RTL}`))
    .marker(2000, 'POLICY_SHOWN')
    .marker(3000, 'POLICY_REFUSED');
  if (opts.extraLeak) {
    // Bugly (Tencent) also reads the Android ID before consent: a second SDK's findings.
    f.api(600, API.androidId, ['androidId'], {
      stack: sdkStack(API.androidId, 'com.tencent.bugly.crashreport.CrashReport.init(CrashReport.java:9)'),
      ret: 'abc',
    });
  }
  if (hostile) {
    // An SDK name with no known organisation (shown as given) and a flow whose URL is a javascript: URL.
    f.api(3600, API.androidId, ['androidId'], { stack: [], sdk: `${XSS_ATTR}${XSS_SCRIPT}`, ret: 'abc' });
    f.flow(3700, 'evil.example', [], { url: XSS_URL, host: 'evil.example' });
  }
  const id = await f.write(store);
  const shot = store.writer.putBlob(png(40, 120, 200));
  store.writer.appendUiSnapshot({
    session: id,
    t: 2100,
    package: 'com.example.app',
    activity: '.PolicyActivity',
    source: null,
    screenshot: shot,
  });
  await store.writer.flush();
  analyzeSession(store, id);
  return id;
}
