/** Fixture factories for evidence tests: fixed timestamps, a fresh data folder per test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type EvidenceStore, type StoreOptions } from '../../src/evidence/store.ts';
import type { ApiCallData, NewFlow, NewSession } from '../../src/evidence/types.ts';

export const T0 = Date.UTC(2026, 10, 28, 1, 15, 0);

const made: string[] = [];

export function tempDir(prefix = 'aw-evidence-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function freshStore(opts: Partial<StoreOptions> = {}): EvidenceStore {
  return openStore({ dataDir: opts.dataDir ?? tempDir(), ...(opts.batch ? { batch: opts.batch } : {}) });
}

export function session(id: string, over: Partial<NewSession> = {}): NewSession {
  return {
    id,
    run: 'run-20261128-011500-aaaaaa',
    target: 'com.example.shop',
    scenario: 'first-launch-refuse',
    device: 'sim-1',
    deviceKind: 'sim',
    capabilities: ['root', 'frida'],
    startedAt: T0,
    ...over,
  };
}

export function apiCall(api: string, category: string, over: Partial<ApiCallData> = {}): ApiCallData {
  return {
    api,
    category,
    data: ['imei'],
    args: [],
    ret: '867530912345678',
    stack: ['com.example.shop.Main.onCreate(Main.java:12)'],
    sdk: null,
    process: 'com.example.shop',
    thread: 'main',
    fg: true,
    ...over,
  };
}

export function flow(sessionId: string, t: number, host: string, over: Partial<NewFlow> = {}): NewFlow {
  return {
    session: sessionId,
    t,
    wall: T0 + t,
    method: 'POST',
    url: `https://${host}/collect?id=1`,
    host,
    port: 443,
    scheme: 'https',
    httpVersion: '1.1',
    status: 200,
    requestHeaders: [['content-type', 'application/json']],
    responseHeaders: [['content-length', '2']],
    requestBody: null,
    responseBody: null,
    timing: { total: 12, wait: 8 },
    tls: 'intercepted',
    matches: [{ type: 'imei', encoding: 'plain', where: 'body', path: '$.imei', value: '867530912345678' }],
    ...over,
  };
}

/** One session with a bit of everything (events of every source, flows with bodies, api calls, UI, findings). */
export function populate(store: EvidenceStore, id: string): { blobs: string[] } {
  store.createRun({ id: 'run-20261128-011500-aaaaaa', startedAt: T0 });
  store.createSession(session(id));
  const w = store.writer;
  const body = w.putBlob(Buffer.from('{"imei":"867530912345678"}'));
  const shot = w.putBlob(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  const page = w.putBlob(Buffer.from('<hierarchy/>'));
  w.appendEvent({ session: id, t: 0, wall: T0, source: 'journey', type: 'marker', data: { name: 'LAUNCH' } });
  w.appendApiCall(id, 5, apiCall('android.telephony.TelephonyManager.getImei', 'device-id'), T0 + 5);
  w.appendUiSnapshot({
    session: id,
    t: 7,
    package: 'com.example.shop',
    activity: '.Main',
    source: page,
    screenshot: shot,
  });
  w.appendFlow(
    flow(id, 10, 'track.example.net', {
      requestBody: { raw: body, decoded: null, size: 26, captured: 26, truncated: false },
    }),
  );
  w.appendEvent({
    session: id,
    t: 20,
    wall: T0 + 20,
    source: 'device',
    type: 'logcat',
    data: { line: 'I/x: y' },
  });
  w.appendEvent({
    session: id,
    t: 30,
    wall: T0 + 30,
    source: 'journey',
    type: 'marker',
    data: { name: 'POLICY_REFUSED' },
  });
  return { blobs: [body, shot, page] };
}
