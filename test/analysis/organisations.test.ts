import { describe, expect, it } from 'vitest';
import {
  ORGANISATIONS,
  ORGANISATION_CATEGORIES,
  organisationForDomain,
  organisationForFrame,
} from '../../src/analysis/data/organisations.ts';

describe('organisations table', () => {
  it('covers the SDKs the issue names, each row sourced and well-formed', () => {
    const ids = ORGANISATIONS.map((o) => o.id);
    for (const id of [
      'umeng',
      'bugly',
      'jpush',
      'getui',
      'pangle',
      'gdt',
      'kuaishou-ads',
      'baidu-lbs',
      'baidu-mobads',
      'amap',
      'tencent-lbs',
      'huawei-hms',
      'xiaomi-push',
      'oppo-push',
      'oppo-ads',
      'oppo-heytap',
      'vivo-push',
      'vivo-ads',
      'sensorsdata',
      'talkingdata',
      'firebase',
      'google-ads',
      'facebook',
      'appsflyer',
      'adjust',
      'branch',
      'unity-ads',
      'applovin',
      'mintegral',
      'ironsource',
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of ORGANISATIONS) {
      expect(o.sources.length).toBeGreaterThan(0);
      // Every row cites at least one address a reviewer can open.
      expect([o.id, o.sources.some((src) => /https:\/\/[a-z0-9.-]+\.[a-z]{2,}/.test(src))]).toEqual([
        o.id,
        true,
      ]);
      expect(ORGANISATION_CATEGORIES).toContain(o.category);
      expect(o.country).toMatch(/^[A-Z]{2}$/);
      for (const d of o.domains) expect(d).toMatch(/^[a-z0-9.-]+\.[a-z]{2,}$/);
    }
  });

  it('finds the organisation by the longest domain suffix, on label boundaries', () => {
    expect(organisationForDomain('alogs.umeng.com')?.id).toBe('umeng');
    expect(organisationForDomain('ULOGS.UMENG.COM.:443')?.id).toBe('umeng');
    expect(organisationForDomain('android.bugly.qq.com')?.id).toBe('bugly');
    expect(organisationForDomain('mi.gdt.qq.com')?.id).toBe('gdt');
    expect(organisationForDomain('apis.map.qq.com')?.id).toBe('tencent-lbs');
    // Shared registrable domains of the same company are not attributed to an SDK.
    expect(organisationForDomain('weixin.qq.com')).toBeUndefined();
    expect(organisationForDomain('www.baidu.com')).toBeUndefined();
    expect(organisationForDomain('notumeng.com')).toBeUndefined();
    expect(organisationForDomain('[::1]:8080')).toBeUndefined();
  });

  it('keeps the reviewed rows to the hosts their SDKs use', () => {
    // OPPO: push hosts are push; the rest of heytapmobi.com is OPPO's platform, its ad hosts are ads.
    expect(organisationForDomain('api.push.oppomobile.com')?.id).toBe('oppo-push');
    expect(organisationForDomain('httpdns.push.heytapmobi.com')?.id).toBe('oppo-push');
    expect(organisationForDomain('sdk.ad.heytapmobi.com')?.id).toBe('oppo-ads');
    expect(organisationForDomain('rest-cn01a.ocloud.heytapmobi.com')?.id).toBe('oppo-heytap');
    // vivo: the push API host, not a guessed one; vivo's ad SDK hosts are ads.
    expect(organisationForDomain('api-push.vivo.com.cn')?.id).toBe('vivo-push');
    expect(organisationForDomain('push.vivo.com.cn')).toBeUndefined();
    expect(organisationForDomain('adsdk.vivo.com.cn')?.id).toBe('vivo-ads');
    expect(organisationForDomain('www.vivo.com.cn')).toBeUndefined();
    // Kuaishou: the SDK API and its creative CDN; not the Kuaishou app's own API.
    expect(organisationForDomain('open.e.kuaishou.com')?.id).toBe('kuaishou-ads');
    expect(organisationForDomain('p1-lm.adukwai.com')?.id).toBe('kuaishou-ads');
    expect(organisationForDomain('api.kuaishou.com')).toBeUndefined();
    // Huawei: HiAnalytics collectors on dbankcloud.cn/.com are HMS.
    expect(organisationForDomain('datacollector-drcn.dt.dbankcloud.cn')?.id).toBe('huawei-hms');
    expect(organisationForDomain('metrics1.dt.dbankcloud.com')?.id).toBe('huawei-hms');
    // Baidu Mobads: its config bucket on Baidu's object storage, not the whole of bcebos.com.
    expect(organisationForDomain('mobads-pre-config.cdn.bcebos.com')?.id).toBe('baidu-mobads');
    expect(organisationForDomain('other-bucket.cdn.bcebos.com')).toBeUndefined();
    // Pangle: its own host under snssdk.com, not ByteDance's app APIs.
    expect(organisationForDomain('pangolin.snssdk.com')?.id).toBe('pangle');
    expect(organisationForDomain('is.snssdk.com')).toBeUndefined();
    expect(organisationForFrame('com.vivo.push.PushClient.initialize')?.id).toBe('vivo-push');
    expect(organisationForFrame('com.heytap.msp.push.HeytapPushManager.init')?.id).toBe('oppo-push');
  });

  it('attributes stack frames by the longest package prefix', () => {
    expect(organisationForFrame('com.umeng.commonsdk.statistics.a.b(Unknown Source:12)')?.id).toBe('umeng');
    expect(organisationForFrame('  at com.bytedance.sdk.openadsdk.core.x.run(x.java:3)')?.id).toBe('pangle');
    expect(organisationForFrame('com.qq.e.comm.managers.GDTADManager.a')?.id).toBe('gdt');
    expect(organisationForFrame('com.loc.ay.a')?.id).toBe('amap');
    expect(organisationForFrame('com.example.app.MainActivity.onCreate')).toBeUndefined();
    expect(organisationForFrame('com.umengx.Foo')).toBeUndefined();
  });
});
