import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/evidence/store.ts';
import type { ApiCallData } from '../../src/evidence/types.ts';
import { permissionRequestTap } from '../../src/ui/request-feed.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-request-feed-'));
const store = openStore({ dataDir });
store.createRun({ id: 'r' });
for (const id of ['s1', 's2'])
  store.createSession({
    id,
    run: 'r',
    target: 'com.x',
    scenario: 'x',
    device: 'd',
    deviceKind: 'sim',
    capabilities: [],
    startedAt: Date.now(),
    meta: {},
  });

afterAll(async () => {
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An `api` call as the hooks recorder hands it to the writer (args summarised by the agent). */
const call = (category: string, args: unknown[], extra: Partial<ApiCallData> = {}): ApiCallData => ({
  api: 'android.app.Activity.requestPermissions',
  category,
  data: [],
  args,
  ret: null,
  stack: [],
  sdk: null,
  process: 'com.x',
  thread: 'main',
  fg: true,
  ...extra,
});

describe("the journey's view of the hooks' permission requests", () => {
  it('passes every write through and keeps the requests of its own session', async () => {
    const { writer, feed } = permissionRequestTap(store.writer, 's1');
    expect(feed.installed()).toBe(false);
    writer.appendEvent({
      session: 's1',
      t: 10,
      source: 'hook',
      type: 'hook-status',
      data: {
        available: true,
        installed: 40,
        missing: [
          {
            class: 'androidx.core.app.ActivityCompat',
            method: 'requestPermissions',
            reason: 'class not found',
          },
        ],
        tls: null,
      },
    });
    expect(feed.installed()).toBe(true);
    writer.appendApiCall(
      's1',
      100,
      call('permission-request', [['android.permission.CAMERA', 'android.permission.READ_CONTACTS'], 1]),
    );
    writer.appendApiCall('s1', 200, call('device-id', ['x']));
    writer.appendApiCall('s2', 300, call('permission-request', [['android.permission.SEND_SMS'], 1]));
    writer.appendApiCall(
      's1',
      400,
      call('permission-request', [['android.permission.CAMERA'], 2], { count: 2, times: [400, 450] }),
    );
    expect(feed.since(0)).toEqual([
      { t: 100, permissions: ['android.permission.CAMERA', 'android.permission.READ_CONTACTS'] },
      { t: 400, permissions: ['android.permission.CAMERA'] },
      { t: 450, permissions: ['android.permission.CAMERA'] },
    ]);
    expect(feed.since(420).map((r) => r.t)).toEqual([450]);
    await writer.flush();
    expect(store.events('s1', { source: 'hook' }).map((e) => e.type)).toEqual([
      'hook-status',
      'api',
      'api',
      'api',
    ]);
    expect(store.events('s2').map((e) => e.type)).toEqual(['api']);
  });

  it('is not installed when the agent could not hook Activity.requestPermissions', () => {
    const { writer, feed } = permissionRequestTap(store.writer, 's2');
    writer.appendEvent({
      session: 's2',
      t: 10,
      source: 'hook',
      type: 'hook-status',
      data: {
        available: true,
        installed: 39,
        missing: [{ class: 'android.app.Activity', method: 'requestPermissions', reason: 'no overload' }],
        tls: null,
      },
    });
    expect(feed.installed()).toBe(false);
  });
});
