import { describe, expect, it } from 'vitest';
import { attributeStack, explainAttribution } from '../../src/hooks/attribution.ts';
import { clockFromOffset, clockFromSamples, measureAgentClock } from '../../src/hooks/clock.ts';
import { decodeAgentMessage, type DecodeContext } from '../../src/hooks/messages.ts';
import { buildAgentParams, watchListFromIdentity } from '../../src/hooks/params.ts';
import { APP, identity, UMENG_FRAMES } from '../agent/fixtures.ts';

const TOP = 'android.telephony.TelephonyManager.getImei(Native Method)';

function ctx(offset = 0): DecodeContext {
  return { clock: clockFromOffset(offset), appPackage: APP, foregroundAt: (t) => t < 5000 };
}

function apiPayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'api',
    v: 1,
    api: 'android.telephony.TelephonyManager.getImei',
    category: 'device-id',
    data: ['imei'],
    args: [],
    ret: '867530912345671',
    stack: [TOP, ...UMENG_FRAMES],
    process: APP,
    thread: 'main',
    ts: 1_700_000_000_800,
    ...extra,
  };
}

describe('agent message decoding', () => {
  it('turns a Frida send envelope into session-time ApiCallData with the SDK attributed', () => {
    const d = decodeAgentMessage({ type: 'send', payload: apiPayload() }, ctx(1_700_000_000_000));
    expect(d).toMatchObject({ kind: 'api', t: 800 });
    if (d.kind !== 'api') throw new Error('expected api');
    expect(d.call).toEqual({
      api: 'android.telephony.TelephonyManager.getImei',
      category: 'device-id',
      data: ['imei'],
      args: [],
      ret: '867530912345671',
      stack: [TOP, ...UMENG_FRAMES],
      sdk: 'umeng',
      process: APP,
      thread: 'main',
      fg: true, // from the session's markers: the agent did not know
    });
    expect(explainAttribution(d.attribution)).toBe(
      `Attributed to umeng: the first non-framework frame is ${UMENG_FRAMES[0]}.`,
    );
  });

  it('maps coalesced timestamps and keeps a thrown call as an attempt', () => {
    const d = decodeAgentMessage(
      apiPayload({
        ts: 2100,
        count: 3,
        first: 2100,
        last: 2300,
        times: [2100, 2200, 2300],
        fg: false,
        threw: 'java.lang.SecurityException: denied',
      }),
      ctx(100),
    );
    if (d.kind !== 'api') throw new Error('expected api');
    expect(d.call).toMatchObject({
      count: 3,
      times: [2000, 2100, 2200],
      fg: false,
      ret: { threw: 'java.lang.SecurityException: denied' },
    });
  });

  it('rejects malformed messages with a clear error', () => {
    expect(() =>
      decodeAgentMessage({ type: 'send', payload: apiPayload({ stack: 'not a list' }) }, ctx()),
    ).toThrow(
      /^Failed to decode agent message: stack: .*\. The agent bundle and the host may be from different builds: run npm run build\.$/,
    );
    expect(() => decodeAgentMessage(apiPayload({ v: 2 }), ctx())).toThrow(
      /agent speaks protocol 2, this host 1: rebuild the agent/,
    );
    expect(() => decodeAgentMessage('garbage', ctx())).toThrow(/^Failed to decode agent message: \(root\): /);
    expect(() => decodeAgentMessage({ type: 'api', v: 1 }, ctx())).toThrow(/api: /);
  });

  it('decodes status, drop, TLS and script-error messages', () => {
    expect(
      decodeAgentMessage({ type: 'dropped', v: 1, api: 'x.Y.z', count: 5, first: 10, last: 20 }, ctx(5)),
    ).toEqual({ kind: 'dropped', t: 5, api: 'x.Y.z', count: 5, lastT: 15 });
    expect(
      decodeAgentMessage(
        {
          type: 'tls',
          v: 1,
          api: 'okhttp3.CertificatePinner.check',
          action: 'bypassed',
          host: 'a.com',
          ts: 7,
        },
        ctx(),
      ),
    ).toEqual({ kind: 'tls', t: 7, api: 'okhttp3.CertificatePinner.check', host: 'a.com' });
    expect(
      decodeAgentMessage(
        { type: 'error', description: 'ReferenceError: x is not defined', stack: 'at main.js:1' },
        ctx(),
      ),
    ).toEqual({
      kind: 'script-error',
      description: 'ReferenceError: x is not defined',
      stack: 'at main.js:1',
    });
  });
});

describe('SDK attribution', () => {
  it('skips framework frames and matches the first SDK frame', () => {
    const stack = [
      TOP,
      'java.lang.reflect.Method.invoke(Native Method)',
      'com.tencent.bugly.crashreport.common.info.a.c(BUGLY:1)',
      `${APP}.App.onCreate(App.java:3)`,
    ];
    expect(attributeStack(stack, APP)).toEqual({ sdk: 'bugly', frame: stack[2], reason: 'sdk-frame' });
  });

  it("sees through the app's own wrapper frames when an SDK calls them", () => {
    const stack = [
      TOP,
      `${APP}.privacy.PrivacyProxy.getImei(PrivacyProxy.java:9)`,
      'java.lang.reflect.Method.invoke(Native Method)',
      'cn.jpush.android.helper.DeviceInfo.imei(DeviceInfo.java:4)',
    ];
    expect(attributeStack(stack, APP)).toMatchObject({ sdk: 'jpush', reason: 'app-wrapper-then-sdk' });
  });

  it('leaves first-party, unknown and framework-only calls unattributed', () => {
    expect(
      attributeStack(
        [
          TOP,
          `${APP}.MainActivity.onCreate(MainActivity.java:1)`,
          'android.app.Activity.performCreate(Activity.java:1)',
        ],
        APP,
      ),
    ).toMatchObject({ sdk: null, reason: 'app-frame' });
    expect(attributeStack([TOP, 'a.b.c.d(SourceFile:1)', 'com.umeng.x.Y.z(Y.java:1)'], APP)).toMatchObject({
      sdk: null,
      frame: 'a.b.c.d(SourceFile:1)',
      reason: 'unknown-frame',
    });
    expect(attributeStack([TOP, 'android.app.ActivityThread.main(ActivityThread.java:1)'], APP)).toEqual({
      sdk: null,
      frame: null,
      reason: 'framework-only',
    });
  });
});

describe('clock mapping', () => {
  it('keeps the sample with the shortest round trip', () => {
    const clock = clockFromSamples([
      { sent: 0, agent: 10_050, received: 40 },
      { sent: 100, agent: 10_105, received: 110 },
      { sent: 200, agent: 10_230, received: 260 },
    ]);
    expect(clock.offset).toBe(10_000);
    expect(clock.uncertainty).toBe(5);
    expect(clock.toSession(10_500)).toBe(500);
    expect(() => clockFromSamples([{ sent: 5, agent: 1, received: 4 }])).toThrow(/no valid clock sample/);
  });

  it('measures an agent clock through an async probe', async () => {
    let host = 0;
    const clock = await measureAgentClock(
      async () => {
        host += 2;
        return host + 50_000;
      },
      () => host,
      3,
    );
    expect(clock.offset).toBe(50_001);
  });
});

describe('agent parameters', () => {
  it('validates with zod and watches identity values long enough to mean something', () => {
    expect(buildAgentParams({ appPackage: APP, unpin: true })).toEqual({
      appPackage: APP,
      unpin: true,
      watch: [],
      families: [],
    });
    expect(() => buildAgentParams({ appPackage: APP, flood: { flushMs: -1 } } as never)).toThrow(
      /^Failed to build agent parameters: flood\.flushMs /,
    );
    const watch = watchListFromIdentity(identity());
    expect(watch).toContainEqual({ type: 'imei', value: '867530912345671' });
    expect(watch).toContainEqual({ type: 'wifiMac', value: 'a45046123456' });
    expect(watch.some((w) => w.type === 'installedPackages')).toBe(false);
  });
});
