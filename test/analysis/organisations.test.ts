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
      'vivo-push',
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

  it('attributes stack frames by the longest package prefix', () => {
    expect(organisationForFrame('com.umeng.commonsdk.statistics.a.b(Unknown Source:12)')?.id).toBe('umeng');
    expect(organisationForFrame('  at com.bytedance.sdk.openadsdk.core.x.run(x.java:3)')?.id).toBe('pangle');
    expect(organisationForFrame('com.qq.e.comm.managers.GDTADManager.a')?.id).toBe('gdt');
    expect(organisationForFrame('com.loc.ay.a')?.id).toBe('amap');
    expect(organisationForFrame('com.example.app.MainActivity.onCreate')).toBeUndefined();
    expect(organisationForFrame('com.umengx.Foo')).toBeUndefined();
  });
});
