import { describe, expect, it } from 'vitest';
import { gdprConsent001, gdprConsent002 } from '../../../src/analysis/rules/gdpr.ts';
import { sdk001 } from '../../../src/analysis/rules/sdk.ts';
import { share001 } from '../../../src/analysis/rules/share.ts';
import { API, fixture, sdkStack } from '../../fixtures/sessions/factory.ts';
import { run, violations } from './helpers.ts';

describe('SDK-001 SDK collects before consent', () => {
  it('reports per SDK, and not the app’s own reads', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(700, API.imei, ['imei'])
      .api(800, API.imei, ['imei'], { stack: sdkStack(API.imei) })
      .api(900, API.androidId, ['androidId'], {
        stack: sdkStack(API.androidId, 'cn.jpush.android.api.JPushInterface.init(Unknown Source)'),
      })
      .marker(5000, 'POLICY_ACCEPTED')
      .evidence();
    const fs = violations(sdk001, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The SDK Umeng (Alibaba) read the IMEI at 0.8 s, before the user accepted the privacy policy.',
      'The SDK JPush / JIGUANG (Aurora Mobile) read the Android ID at 0.9 s, before the user accepted the privacy policy.',
    ]);
    expect(fs.map((f) => f.evidence)).toEqual([[3], [4]]);
  });

  it('uses the agent’s sdk attribution when present', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .api(800, API.imei, ['imei'], { sdk: 'bugly' })
      .marker(5000, 'POLICY_ACCEPTED')
      .evidence();
    expect(violations(sdk001, ev)[0]?.data).toMatchObject({ actorId: 'bugly' });
  });
});

describe('SHARE-001 third-party sharing', () => {
  it('flags PI to a third party before consent (C) and not to first-party or cloud-hosted backends', () => {
    const ev = fixture({ firstPartyDomains: ['example.com'] })
      .marker(0, 'LAUNCH')
      .flow(1000, 'api.example.com', [{ type: 'imei' }])
      .flow(1100, 'oss-cn-hangzhou.aliyuncs.com', [{ type: 'imei' }])
      .flow(1200, 'tracker.adnet.example.org', [{ type: 'oaid', encoding: 'base64' }])
      .marker(5000, 'POLICY_ACCEPTED')
      .evidence();
    const fs = violations(share001, ev);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'C', evidence: [4] });
    expect(fs[0]?.explanation).toBe(
      "The OAID was sent Base64-encoded to example.org at 1.2 s (a third party), without the user's consent.",
    );
  });

  it('after consent, flags recipients the policy does not list (H)', () => {
    const ev = fixture({ policySdks: ['umeng'] })
      .marker(0, 'LAUNCH')
      .marker(500, 'POLICY_ACCEPTED')
      .api(2000, API.imei, ['imei'], { stack: sdkStack(API.imei) })
      .flow(2500, 'alog.umeng.com', [{ type: 'imei', encoding: 'sha256-hex' }])
      .flow(3000, 'api.pangle.io', [{ type: 'imei', encoding: 'md5-hex' }])
      .evidence();
    const fs = violations(share001, ev);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'H' });
    expect(fs[0]?.explanation).toBe(
      'Umeng (Alibaba) read the IMEI at 2 s and sent its MD5 hash to pangle.io at 3 s (Pangle / CSJ (ByteDance), a third party), although the privacy policy does not list this recipient.',
    );
  });

  it('is not evaluated when traffic was pinned and nothing readable leaked', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .flow(800, 'api.pinned.cn', [], { tls: 'passthrough' })
      .marker(900, 'POLICY_ACCEPTED')
      .evidence();
    expect(run(share001, ev)[0]?.status).toBe('not-evaluated');
  });
});

describe('GDPR-CONSENT-001/002 tracking', () => {
  it('flags device IDs reaching a tracker before consent, not contextual requests without IDs', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .flow(12_000, 'ads.mintegral.net', [{ type: 'adId' }])
      .flow(13_000, 'ads.ironsrc.mobi', [])
      .snapshot(75_000)
      .evidence();
    const fs = violations(gdprConsent001, ev);
    expect(fs.map((f) => f.explanation)).toEqual([
      'The advertising ID reached the tracker Mintegral (Mobvista) (mintegral.net) at 12 s, before the user consented.',
    ]);
  });

  it('flags tracking after rejection and notes which SDKs read the TCF string', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(2000, 'POLICY_REFUSED')
      .api(2500, 'android.app.SharedPreferencesImpl.getString', [], {
        category: 'consent-storage',
        stack: sdkStack(
          'android.app.SharedPreferencesImpl.getString',
          'com.ironsource.mediationsdk.IronSource.init(Unknown Source)',
        ),
      })
      .flow(4000, 'outcome.supersonicads.com', [{ type: 'androidId', encoding: 'sha1-hex' }])
      .snapshot(70_000)
      .evidence();
    const [f] = violations(gdprConsent002, ev);
    expect(f?.explanation).toBe(
      'The Android ID reached the tracker ironSource (Unity) (supersonicads.com) at 4 s, after the user rejected tracking.',
    );
    expect(f?.data).toMatchObject({ tcfReaders: ['ironSource (Unity)'] });
    expect(f?.evidence).toEqual([2, 4]);
  });

  it('cannot clear a session that stopped right after the rejection', () => {
    const ev = fixture().marker(0, 'LAUNCH').marker(2000, 'POLICY_REFUSED').snapshot(10_000).evidence();
    expect(run(gdprConsent002, ev)[0]?.explanation).toBe(
      'Not evaluated: the app was observed for only 8 s of the 60 s needed after the rejection.',
    );
  });
});
