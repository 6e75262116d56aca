import { describe, expect, it } from 'vitest';
import type { HooksMessage, TlsMessage } from '../../src/agent/core/messages.ts';
import type { StandInBridge } from '../../src/sim/bridge/index.ts';
import { APP, APP_FRAMES, identity, simAgent, UMENG_FRAMES } from './fixtures.ts';

const TM = 'android.telephony.TelephonyManager';

describe('hook core through the stand-in bridge', () => {
  it('reports an SDK reading the IMEI with category, data, value as seen, and the caller stack', () => {
    const h = simAgent();
    h.clock.t = 1800;
    const imei = h.bridge.invoke(TM, 'getImei', [], UMENG_FRAMES);
    expect(imei).toBe(identity().imei[0]);
    const [call, ...rest] = h.api();
    expect(rest).toEqual([]);
    expect(call).toMatchObject({
      api: `${TM}.getImei`,
      category: 'device-id',
      data: ['imei'],
      ret: '867530912345671',
      process: APP,
      thread: 'main',
      ts: 1800,
    });
    expect(call?.stack[0]).toBe(`${TM}.getImei(Native Method)`);
    expect(call?.stack.slice(1)).toEqual(UMENG_FRAMES);
  });

  it('installs every hook the simulated framework offers and reports each missing class once', () => {
    const h = simAgent();
    const hooks = h.messages.find((m): m is HooksMessage => m.type === 'hooks');
    expect(hooks?.installed).toBeGreaterThan(30);
    const fused =
      hooks?.missing.filter(
        (m) => m.class === 'com.google.android.gms.location.FusedLocationProviderClient',
      ) ?? [];
    expect(fused).toHaveLength(1);
    expect(fused[0]?.reason).toMatch(/ClassNotFoundException/);
    // a class that exists but lacks a method is reported per method
    expect(hooks?.missing).toContainEqual({
      class: 'android.location.LocationManager',
      method: 'getCurrentLocation',
      reason: 'no such method on this device',
    });
  });

  it('counts Settings.Secure.getString only for android_id and SystemProperties.get only for serial keys', () => {
    const h = simAgent();
    h.bridge.invoke('android.provider.Settings$Secure', 'getString', [null, 'android_id'], APP_FRAMES);
    h.bridge.invoke('android.provider.Settings$Secure', 'getString', [null, 'screen_brightness'], APP_FRAMES);
    h.bridge.invoke('android.os.SystemProperties', 'get', ['ro.serialno'], APP_FRAMES);
    h.bridge.invoke('android.os.SystemProperties', 'get', ['ro.build.version.sdk'], APP_FRAMES);
    expect(h.api().map((c) => [c.api, c.data, c.ret])).toEqual([
      ['android.provider.Settings$Secure.getString', ['androidId'], '9774d56d682e549c'],
      ['android.os.SystemProperties.get', ['serial'], 'R58M12ABCDE'],
    ]);
  });

  it('counts getPackageInfo only for other packages, and a throwing call still counts as an attempt', () => {
    const h = simAgent();
    h.bridge.invoke('android.content.pm.PackageManager', 'getPackageInfo', [APP, 0], APP_FRAMES);
    h.bridge.invoke('android.content.pm.PackageManager', 'getPackageInfo', ['com.tencent.mm', 0], APP_FRAMES);
    expect(() =>
      h.bridge.invoke(
        'android.content.pm.PackageManager',
        'getPackageInfo',
        ['com.not.installed', 0],
        APP_FRAMES,
      ),
    ).toThrow(/NameNotFoundException/);
    const calls = h.api();
    expect(calls.map((c) => c.args[0])).toEqual(['com.tencent.mm', 'com.not.installed']);
    expect(calls[0]?.ret).toEqual({ count: 1, names: ['com.tencent.mm'] });
    expect(calls[1]?.threw).toMatch(/NameNotFoundException: com.not.installed/);
  });

  it('classifies ContentResolver.query by authority', () => {
    const h = simAgent();
    const cr = 'android.content.ContentResolver';
    h.bridge.invoke(
      cr,
      'query',
      ['content://com.android.contacts/data/phones', null, null, null, null],
      APP_FRAMES,
    );
    h.bridge.invoke(cr, 'query', ['content://sms/inbox', null, null, null, null], APP_FRAMES);
    h.bridge.invoke(cr, 'query', ['content://call_log/calls', null, null, null, null], APP_FRAMES);
    h.bridge.invoke(
      cr,
      'query',
      ['content://com.other.app.provider/items', null, null, null, null],
      APP_FRAMES,
    );
    h.bridge.invoke(cr, 'query', [`content://${APP}.files/x`, null, null, null, null], APP_FRAMES);
    h.bridge.invoke(cr, 'query', ['content://settings/system', null, null, null, null], APP_FRAMES);
    expect(h.api().map((c) => [c.category, c.data])).toEqual([
      ['contacts', ['contacts']],
      ['sms', ['sms']],
      ['call-log', ['callLog']],
      ['content-other', []],
    ]);
    expect(h.api()[0]?.ret).toEqual({ rows: 1, items: [{ name: 'Canary Zhang', phone: '+8613800138000' }] });
  });

  it('summarises locations, installed-package lists, clipboards and MAC bytes', () => {
    const h = simAgent();
    h.bridge.invoke('android.location.LocationManager', 'getLastKnownLocation', ['gps'], APP_FRAMES);
    h.bridge.invoke('android.content.pm.PackageManager', 'getInstalledPackages', [0], APP_FRAMES);
    h.bridge.invoke('android.content.ClipboardManager', 'getPrimaryClip', [], APP_FRAMES);
    h.bridge.invoke('java.net.NetworkInterface', 'getHardwareAddress', [], APP_FRAMES);
    expect(h.api().map((c) => c.ret)).toEqual([
      { lat: 31.2304, lon: 121.4737 },
      { count: 3, names: ['com.tencent.mm', 'com.eg.android.AlipayGphone', APP] },
      { items: ['CANARY-CLIP-7f3a'] },
      { length: 6, hex: 'a45046123456' },
    ]);
    expect(h.api().map((c) => c.category)).toEqual(['location', 'installed-apps', 'clipboard', 'network-id']);
  });

  it('records associated starts only when aimed at another package', () => {
    const h = simAgent();
    h.bridge.invoke(
      'android.app.ContextImpl',
      'startService',
      [{ component: `${APP}/.PushService` }],
      APP_FRAMES,
    );
    h.bridge.invoke(
      'android.app.ContextImpl',
      'startService',
      [{ component: 'com.tencent.mm/.plugin.Svc' }],
      APP_FRAMES,
    );
    h.bridge.invoke(
      'android.app.Activity',
      'startActivity',
      [{ action: 'android.intent.action.VIEW', data: 'https://example.com' }],
      APP_FRAMES,
    );
    h.bridge.invoke(
      'android.app.Activity',
      'startActivity',
      [{ action: 'android.intent.action.VIEW', data: 'taobao://item?id=1' }],
      APP_FRAMES,
    );
    expect(
      h
        .api()
        .map((c) => [
          c.api,
          (c.args[0] as { component: string | null; data: string | null }).component ??
            (c.args[0] as { data: string }).data,
        ]),
    ).toEqual([
      ['android.app.ContextImpl.startService', 'com.tencent.mm/.plugin.Svc'],
      ['android.app.Activity.startActivity', 'taobao://item?id=1'],
    ]);
  });

  it('sees identifiers fed to hashing only when they are watched values', () => {
    const h = simAgent({ watch: [{ type: 'imei', value: '867530912345671' }] }, (bridge) => {
      bridge.registerClass('java.security.MessageDigest', {
        update: { impl: () => undefined, overloads: [['[B']] },
      });
    });
    const bytes = [...Buffer.from('imei=867530912345671&os=android')];
    h.bridge.invoke('java.security.MessageDigest', 'update', [bytes], UMENG_FRAMES);
    h.bridge.invoke(
      'java.security.MessageDigest',
      'update',
      [[...Buffer.from('nothing to see here')]],
      UMENG_FRAMES,
    );
    const calls = h.api();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ category: 'crypto-input', data: ['imei'] });
    expect((calls[0]?.args[0] as { text: string }).text).toBe('imei=867530912345671&os=android');
  });

  it('tracks the foreground from Activity.onResume/onPause', () => {
    const h = simAgent();
    h.bridge.invoke(TM, 'getImei', [], APP_FRAMES);
    h.bridge.invoke('android.app.Activity', 'onResume', [], APP_FRAMES);
    h.bridge.invoke(TM, 'getSubscriberId', [], APP_FRAMES);
    h.bridge.invoke('android.app.Activity', 'onPause', [], APP_FRAMES);
    h.bridge.invoke(TM, 'getLine1Number', [], APP_FRAMES);
    expect(h.api().map((c) => c.fg)).toEqual([undefined, true, false]);
  });

  it('does not report framework-internal calls made inside a hooked method', () => {
    const h = simAgent({}, (bridge) => {
      bridge.registerClass('com.sdk.Wrapper', {
        readAll: () => [bridge.invoke(TM, 'getImei'), bridge.invoke(TM, 'getSubscriberId')],
      });
      bridge.registerClass('android.telephony.TelephonyManager', {
        getImei: () => '867530912345671',
        getSubscriberId: () => '460001234567890',
        getDeviceId: () => bridge.invoke(TM, 'getImei'),
      });
    });
    h.bridge.invoke(TM, 'getDeviceId', [], APP_FRAMES);
    h.bridge.invoke('com.sdk.Wrapper', 'readAll', [], APP_FRAMES);
    const calls = h.api();
    expect(calls.map((c) => c.api)).toEqual([`${TM}.getDeviceId`, `${TM}.getImei`, `${TM}.getSubscriberId`]);
    // calls made from a non-hooked model method get that method's frame on their stack
    expect(calls[1]?.stack[1]).toBe('com.sdk.Wrapper.readAll(Wrapper.java)');
  });

  it('tells native hooks when a counted Java call is running on their thread', () => {
    const seen: boolean[] = [];
    let agentRef: { inJavaHook(k: string): boolean } | null = null;
    const h = simAgent({}, (bridge) => {
      bridge.registerClass('java.io.FileInputStream', {
        $init: {
          impl: () => void seen.push(agentRef?.inJavaHook('main') ?? false),
          overloads: [['java.lang.String']],
        },
      });
    });
    agentRef = h.agent;
    h.bridge.invoke('java.io.FileInputStream', '$init', ['/proc/net/arp'], APP_FRAMES);
    h.bridge.invoke('java.io.FileInputStream', '$init', ['/data/data/app/cache.db'], APP_FRAMES);
    expect(seen).toEqual([true, false]);
    expect(h.agent.inJavaHook('main')).toBe(false);
    expect(h.api().map((c) => [c.api, c.category, c.args[0]])).toEqual([
      ['java.io.FileInputStream.<init>', 'file', '/proc/net/arp'],
    ]);
  });

  it('bypasses certificate pinning only when unpin is set, and reports it', () => {
    const pinned = (bridge: StandInBridge): void =>
      bridge.registerClass('okhttp3.CertificatePinner', {
        check: {
          impl: (host: unknown) => {
            throw new Error(
              `javax.net.ssl.SSLPeerUnverifiedException: Certificate pinning failure for ${String(host)}`,
            );
          },
          overloads: [['java.lang.String', 'java.util.List']],
        },
      });
    const off = simAgent({}, pinned);
    expect(() =>
      off.bridge.invoke('okhttp3.CertificatePinner', 'check', ['api.umeng.com', []], UMENG_FRAMES),
    ).toThrow(/pinning failure/);
    const on = simAgent({ unpin: true }, pinned);
    expect(
      on.bridge.invoke('okhttp3.CertificatePinner', 'check', ['api.umeng.com', []], UMENG_FRAMES),
    ).toBeUndefined();
    on.bridge.invoke('okhttp3.CertificatePinner', 'check', ['api.umeng.com', []], UMENG_FRAMES);
    const tls = on.messages.filter((m): m is TlsMessage => m.type === 'tls');
    expect(tls).toEqual([
      {
        type: 'tls',
        v: 1,
        api: 'okhttp3.CertificatePinner.check',
        action: 'bypassed',
        host: 'api.umeng.com',
        ts: 1000,
      },
    ]);
    expect(on.messages.find((m): m is HooksMessage => m.type === 'hooks')?.tls).toMatchObject({
      installed: 1,
    });
    on.agent.stop(); // reverts every hook, TLS included
    expect(() =>
      on.bridge.invoke('okhttp3.CertificatePinner', 'check', ['api.umeng.com', []], UMENG_FRAMES),
    ).toThrow(/pinning failure/);
  });

  it('coalesces 10,000 identical getImei calls into two messages with exact bounded timings', () => {
    const h = simAgent();
    for (let i = 0; i < 10_000; i++) {
      h.clock.t = 2000 + i;
      h.bridge.invoke(TM, 'getImei', [], UMENG_FRAMES);
    }
    expect(h.api()).toHaveLength(1);
    h.scheduler.tick();
    const [first, repeats] = h.api();
    expect(first?.count).toBeUndefined();
    expect(first?.ts).toBe(2000);
    expect(repeats).toMatchObject({ count: 9999, first: 2001, last: 11_999, ts: 2001 });
    expect(repeats?.times).toHaveLength(64);
    expect(repeats?.times?.slice(0, 3)).toEqual([2001, 2002, 2003]);
    expect(h.agent.stats()).toMatchObject({ hits: 10_000, sent: 2, coalesced: 9999, dropped: 0 });
  });
});
