/**
 * Organisations behind the SDKs and tracker endpoints that apps embed: who receives a flow, and whose
 * code is on a stack. One row per organisation/SDK, each with its sources. Code reads this table; adding
 * an SDK is adding a row.
 *
 * `domains` are host suffixes: normally registrable domains (eTLD+1), but a more specific host where the
 * registrable domain is shared by unrelated services of one company (e.g. `bugly.qq.com` vs `qq.com`,
 * `map.baidu.com` vs `baidu.com`), so that a flow to WeChat is not attributed to Tencent's crash SDK.
 * `packagePrefixes` are Java package or class-name prefixes as they appear in stack frames.
 *
 * Sources: "Exodus" = the εxodus tracker list, https://reports.exodus-privacy.eu.org/en/trackers/ (code
 * and network signatures per tracker); "HaGeZi" = HaGeZi's per-vendor DNS lists of native tracking hosts,
 * https://github.com/hagezi/dns-blocklists (adblock/native.*.txt); vendor documentation as named per row.
 * Every row has at least one URL. Reviewed 2026-11: rows for OPPO, vivo, Kuaishou, Huawei, Baidu Mobads
 * and Pangle were narrowed to the hosts their SDKs use (see the notes on those rows).
 */

export const ORGANISATION_CATEGORIES = [
  'analytics',
  'ads',
  'push',
  'crash',
  'location',
  'maps',
  'social',
  'attribution',
  'platform',
  'payment',
  'other',
] as const;
export type OrganisationCategory = (typeof ORGANISATION_CATEGORIES)[number];

export interface Organisation {
  /** Stable id used in findings and reports. */
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2 country of the operating company. */
  country: string;
  category: OrganisationCategory;
  domains: string[];
  packagePrefixes: string[];
  sources: string[];
}

const EXODUS = 'https://reports.exodus-privacy.eu.org/en/trackers/';
const HAGEZI = 'https://github.com/hagezi/dns-blocklists/blob/main/adblock';

export const ORGANISATIONS: readonly Organisation[] = [
  {
    id: 'umeng',
    name: 'Umeng (Alibaba)',
    country: 'CN',
    category: 'analytics',
    domains: ['umeng.com', 'umengcloud.com', 'umsns.com'],
    packagePrefixes: ['com.umeng.'],
    sources: [
      `${EXODUS} "Umeng Analytics", "Umeng Feedback"`,
      'https://developer.umeng.com/docs/ (SDK integration, domain allow-list)',
    ],
  },
  {
    id: 'bugly',
    name: 'Tencent Bugly',
    country: 'CN',
    category: 'crash',
    domains: ['bugly.qq.com'],
    packagePrefixes: ['com.tencent.bugly.'],
    sources: [`${EXODUS} "Bugly"`, 'https://bugly.qq.com/docs/ (Android SDK)'],
  },
  {
    id: 'jpush',
    name: 'JPush / JIGUANG (Aurora Mobile)',
    country: 'CN',
    category: 'push',
    domains: ['jpush.cn', 'jiguang.cn', 'jpush.io'],
    packagePrefixes: ['cn.jpush.', 'cn.jiguang.'],
    sources: [`${EXODUS} "JPush"`, 'https://docs.jiguang.cn/jpush/client/Android/android_guide'],
  },
  {
    id: 'getui',
    name: 'Getui (Daily Interactive)',
    country: 'CN',
    category: 'push',
    domains: ['getui.com', 'getui.net', 'igexin.com', 'gepush.com'],
    packagePrefixes: ['com.igexin.', 'com.getui.'],
    sources: [`${EXODUS} "Getui"`, 'https://docs.getui.com/getui/mobile/android/overview/'],
  },
  {
    id: 'pangle',
    name: 'Pangle / CSJ (ByteDance)',
    country: 'CN',
    category: 'ads',
    domains: [
      'pangolin-sdk-toutiao.com',
      'pglstatp-toutiao.com',
      'pangle.io',
      'csjplatform.com',
      // Only Pangle's host: snssdk.com as a whole is ByteDance's app API domain (Toutiao, Douyin …).
      'pangolin.snssdk.com',
    ],
    packagePrefixes: ['com.bytedance.sdk.openadsdk.', 'com.bytedance.pangle.', 'com.bytedance.msdk.'],
    sources: [`${EXODUS} "Pangle"`, 'https://www.csjplatform.com/union/media/union/download (CSJ SDK docs)'],
  },
  {
    id: 'gdt',
    name: 'Tencent Ads / GDT (YLH)',
    country: 'CN',
    category: 'ads',
    domains: ['gdt.qq.com', 'e.qq.com'],
    packagePrefixes: ['com.qq.e.'],
    sources: [`${EXODUS} "Tencent Ads (GDT)"`, 'https://developers.adnet.qq.com/doc/android/access_doc'],
  },
  {
    id: 'kuaishou-ads',
    name: 'Kuaishou Ads (Kuaishou Union)',
    country: 'CN',
    category: 'ads',
    // The SDK's API is open.e.kuaishou.com (e.g. /rest/e/v3/open/univ, /logBatch in com.kwad.sdk);
    // ad creatives come from *-lm.adukwai.com.
    domains: ['e.kuaishou.com', 'e.kuaishou.cn', 'adukwai.com'],
    packagePrefixes: ['com.kwad.sdk.', 'com.kwad.'],
    sources: ["https://u.kuaishou.com/ (Kuaishou Union, the SDK's publisher site)"],
  },
  {
    id: 'baidu-lbs',
    name: 'Baidu Location & Maps SDK',
    country: 'CN',
    category: 'location',
    domains: ['map.baidu.com', 'lbsyun.baidu.com'],
    packagePrefixes: [
      'com.baidu.location.',
      'com.baidu.mapapi.',
      'com.baidu.mapsdkplatform.',
      'com.baidu.BaiduMap',
      'com.baidu.navi',
    ],
    sources: [
      `${EXODUS} "Baidu Location", "Baidu Map", "Baidu Navigation"`,
      'https://lbsyun.baidu.com/index.php?title=android-locsdk',
    ],
  },
  {
    id: 'baidu-mobads',
    name: 'Baidu Mobile Ads',
    country: 'CN',
    category: 'ads',
    // SDK endpoints: mobads.baidu.com (/cpro/ui/mads.php, /ads/preload.php), mobads-logs.baidu.com, and
    // its remote configuration on Baidu's object storage. union.baidu.com is Baidu Union's own site.
    domains: [
      'mobads.baidu.com',
      'mobads-logs.baidu.com',
      'mobads-pre-config.cdn.bcebos.com',
      'union.baidu.com',
    ],
    packagePrefixes: ['com.baidu.mobads.', 'com.baidu.mobad'],
    sources: [
      `${EXODUS} "Baidu Mobile Ads"`,
      'https://union.baidu.com/ (Baidu Union SDK docs)',
      'https://github.com/MuntashirAkon/AppManager/blob/master/app/src/main/res/values/trackers.xml (com.baidu.mobads)',
    ],
  },
  {
    id: 'baidu-mobstat',
    name: 'Baidu Mobile Stat',
    country: 'CN',
    category: 'analytics',
    domains: ['hmma.baidu.com', 'mtj.baidu.com'],
    packagePrefixes: ['com.baidu.mobstat.'],
    sources: [`${EXODUS} "Baidu Mobile Stat"`, 'https://mtj.baidu.com/static/userguide/book/android/'],
  },
  {
    id: 'amap',
    name: 'AMap / Gaode (Alibaba)',
    country: 'CN',
    category: 'location',
    domains: ['amap.com', 'autonavi.com'],
    packagePrefixes: ['com.amap.api.', 'com.autonavi.', 'com.loc.'],
    sources: [`${EXODUS} "AMap"`, 'https://lbs.amap.com/api/android-location-sdk/summary'],
  },
  {
    id: 'tencent-lbs',
    name: 'Tencent Location & Maps SDK',
    country: 'CN',
    category: 'location',
    domains: ['map.qq.com', 'lbs.qq.com'],
    packagePrefixes: ['com.tencent.map.geolocation.', 'com.tencent.tencentmap.', 'com.tencent.lbs'],
    sources: [
      `${EXODUS} "Tencent Map LBS"`,
      'https://lbs.qq.com/mobile/androidLocationSDK/androidGeoGuide/androidGeoOverview',
    ],
  },
  {
    id: 'huawei-hms',
    name: 'Huawei Mobile Services',
    country: 'CN',
    category: 'platform',
    // Exodus's HMS Core signature covers all of hicloud.com and dbankcloud.*: HMS, AppGallery, Huawei ID,
    // push and HiAnalytics share them, so they are attributed to HMS as a whole.
    domains: ['hicloud.com', 'dbankcloud.com', 'dbankcloud.cn', 'cloud.huawei.com'],
    packagePrefixes: ['com.huawei.hms.', 'com.huawei.agconnect.'],
    sources: [
      `${EXODUS} "Huawei Mobile Services (HMS) Core"`,
      'https://developer.huawei.com/consumer/en/doc/development/HMSCore-Guides/',
      `${HAGEZI}/native.huawei.txt (HiAnalytics collectors on *.dt.dbankcloud.cn/.com, logservice*.hicloud.com)`,
    ],
  },
  {
    id: 'xiaomi-push',
    name: 'Xiaomi Push',
    country: 'CN',
    category: 'push',
    domains: ['xmpush.xiaomi.com', 'xmpush.global.xiaomi.com'],
    packagePrefixes: ['com.xiaomi.push.', 'com.xiaomi.mipush.'],
    sources: [`${EXODUS} "Xiaomi Push"`, 'https://dev.mi.com/console/doc/detail?pId=41'],
  },
  {
    id: 'oppo-push',
    name: 'OPPO / HeyTap Push',
    country: 'CN',
    category: 'push',
    // Push hosts only (api.push.oppomobile.com, httpdns.push.heytapmobi.com, …): heytapmobi.com as a whole
    // is OPPO's domain for everything (cloud, ads, analytics, the open platform) — see oppo-heytap.
    domains: ['push.oppomobile.com', 'push.heytapmobi.com', 'push.heytapmobile.com'],
    packagePrefixes: ['com.heytap.msp.', 'com.heytap.mcssdk.', 'com.coloros.mcssdk.'],
    sources: [
      'https://open.oppomobile.com/new/developmentDoc/info?id=11221 (OPUSH SDK)',
      'https://blog.gitcode.com/0332477de2dfd939e7067e4d2eced69a.html (httpdns.push.heytapmobi.com is OPPO push)',
    ],
  },
  {
    id: 'oppo-ads',
    name: 'OPPO / HeyTap Ads',
    country: 'CN',
    category: 'ads',
    domains: ['ad.heytapmobi.com', 'ads.heytapmobi.com', 'iad.heytapmobi.com'],
    packagePrefixes: [],
    // Hosts seen in public ad-blocking lists and OPPO's ad API (api.ads.heytapmobi.com, sdk.ad…, iad…).
    sources: [`${HAGEZI}/native.oppo-realme.txt (OPPO's own tracking and ad hosts)`],
  },
  {
    id: 'oppo-heytap',
    name: 'OPPO / HeyTap services',
    country: 'CN',
    category: 'platform',
    domains: ['heytapmobi.com', 'heytapmobile.com', 'oppomobile.com'],
    packagePrefixes: [],
    sources: [`${HAGEZI}/native.oppo-realme.txt`, 'https://open.oppomobile.com/ (OPPO open platform)'],
  },
  {
    id: 'vivo-push',
    name: 'vivo Push',
    country: 'CN',
    category: 'push',
    // api-push.vivo.com.cn is the push API (app servers call it; the on-device SDK talks to vivo's system
    // push service), so this row mostly attributes stack frames. "push.vivo.com.cn" was a guess: dropped.
    domains: ['api-push.vivo.com.cn'],
    packagePrefixes: ['com.vivo.push.'],
    sources: [
      'https://dev.vivo.com.cn/documentCenter/doc/362 (vivo push server API, api-push.vivo.com.cn)',
      'https://dev.vivo.com.cn/documentCenter/doc/365 (vivo push SDK)',
    ],
  },
  {
    id: 'vivo-ads',
    name: 'vivo Ads',
    country: 'CN',
    category: 'ads',
    domains: ['ad.vivo.com.cn', 'adsdk.vivo.com.cn', 'adlog.vivo.com.cn', 'ads-api.vivo.com'],
    packagePrefixes: [],
    sources: [`${HAGEZI}/native.vivo.txt (adsdk., adlog., ads-api. hosts)`],
  },
  {
    id: 'sensorsdata',
    name: 'Sensors Data',
    country: 'CN',
    category: 'analytics',
    domains: ['sensorsdata.cn', 'sensorsdata.com'],
    packagePrefixes: ['com.sensorsdata.analytics.'],
    sources: [
      `${EXODUS} "Sensors Analytics"`,
      'https://manual.sensorsdata.cn/sa/latest/tech_sdk_client_android_basic-',
    ],
  },
  {
    id: 'talkingdata',
    name: 'TalkingData',
    country: 'CN',
    category: 'analytics',
    domains: ['talkingdata.com', 'talkingdata.net', 'tendcloud.com'],
    packagePrefixes: ['com.tendcloud.', 'com.talkingdata.', 'com.apptalkingdata.', 'com.gametalkingdata.'],
    sources: [`${EXODUS} "TalkingData"`, 'https://doc.talkingdata.com/'],
  },
  {
    id: 'firebase',
    name: 'Google Firebase',
    country: 'US',
    category: 'analytics',
    domains: [
      'app-measurement.com',
      'firebaseio.com',
      'crashlytics.com',
      'firebaseinstallations.googleapis.com',
      'firebaselogging-pa.googleapis.com',
      'firebaseremoteconfig.googleapis.com',
    ],
    packagePrefixes: ['com.google.firebase.', 'com.google.android.gms.measurement.', 'com.crashlytics.'],
    sources: [
      `${EXODUS} "Google Firebase Analytics", "Google CrashLytics"`,
      'https://firebase.google.com/docs/projects/learn-more#firebase-domains',
    ],
  },
  {
    id: 'google-ads',
    name: 'Google Ads / AdMob',
    country: 'US',
    category: 'ads',
    domains: ['doubleclick.net', 'googlesyndication.com', 'googleadservices.com', 'admob.com'],
    packagePrefixes: ['com.google.android.gms.ads.', 'com.google.ads.'],
    sources: [
      `${EXODUS} "Google AdMob", "Google DoubleClick"`,
      'https://developers.google.com/admob/android/quick-start',
    ],
  },
  {
    id: 'facebook',
    name: 'Meta / Facebook SDK',
    country: 'US',
    category: 'social',
    domains: ['facebook.com', 'facebook.net', 'fbcdn.net'],
    packagePrefixes: ['com.facebook.'],
    sources: [
      `${EXODUS} "Facebook Analytics", "Facebook Ads", "Facebook Login", "Facebook Share"`,
      'https://developers.facebook.com/docs/android/',
    ],
  },
  {
    id: 'appsflyer',
    name: 'AppsFlyer',
    country: 'IL',
    category: 'attribution',
    domains: ['appsflyer.com', 'appsflyersdk.com'],
    packagePrefixes: ['com.appsflyer.'],
    sources: [
      `${EXODUS} "AppsFlyer"`,
      'https://dev.appsflyer.com/hc/docs/android-sdk-reference-appsflyerlib',
    ],
  },
  {
    id: 'adjust',
    name: 'Adjust',
    country: 'DE',
    category: 'attribution',
    domains: ['adjust.com', 'adjust.io'],
    packagePrefixes: ['com.adjust.sdk.'],
    sources: [`${EXODUS} "Adjust"`, 'https://dev.adjust.com/en/sdk/android/'],
  },
  {
    id: 'branch',
    name: 'Branch',
    country: 'US',
    category: 'attribution',
    domains: ['branch.io', 'app.link', 'bnc.lt'],
    packagePrefixes: ['io.branch.'],
    sources: [`${EXODUS} "Branch"`, 'https://help.branch.io/developers-hub/docs/android-basic-integration'],
  },
  {
    id: 'unity-ads',
    name: 'Unity Ads',
    country: 'US',
    category: 'ads',
    domains: ['unityads.unity3d.com', 'unityads.unity.cn'],
    packagePrefixes: ['com.unity3d.ads.', 'com.unity3d.services.'],
    sources: [`${EXODUS} "Unity3d Ads"`, 'https://docs.unity.com/ads/en-us/manual/InstallingTheAndroidSDK'],
  },
  {
    id: 'applovin',
    name: 'AppLovin',
    country: 'US',
    category: 'ads',
    domains: ['applovin.com', 'applvn.com'],
    packagePrefixes: ['com.applovin.'],
    sources: [
      `${EXODUS} "AppLovin (MAX and SparkLabs)"`,
      'https://developers.applovin.com/en/android/overview/integration',
    ],
  },
  {
    id: 'mintegral',
    name: 'Mintegral (Mobvista)',
    country: 'CN',
    category: 'ads',
    domains: ['mintegral.com', 'mintegral.net', 'rayjump.com', 'mobvista.com'],
    packagePrefixes: ['com.mbridge.msdk.', 'com.mintegral.', 'com.mobvista.'],
    sources: [`${EXODUS} "Mintegral"`, 'https://dev.mintegral.com/doc/index.html?file=sdk-m_sdk-android'],
  },
  {
    id: 'ironsource',
    name: 'ironSource (Unity)',
    country: 'IL',
    category: 'ads',
    domains: ['ironsrc.com', 'ironsrc.mobi', 'supersonicads.com'],
    packagePrefixes: ['com.ironsource.', 'com.supersonicads.', 'com.supersonic.'],
    sources: [`${EXODUS} "ironSource"`, 'https://developers.is.com/ironsource-mobile/android/android-sdk/'],
  },
];

const byDomain = new Map<string, Organisation>();
const prefixes: { prefix: string; org: Organisation }[] = [];
for (const org of ORGANISATIONS) {
  for (const d of org.domains) {
    const existing = byDomain.get(d);
    if (existing)
      throw new Error(`organisations.ts: domain ${d} is listed by both ${existing.id} and ${org.id}`);
    byDomain.set(d, org);
  }
  for (const prefix of org.packagePrefixes) prefixes.push({ prefix, org });
}
// Longest prefix first, so `com.bytedance.sdk.openadsdk.` wins over any shorter ByteDance prefix.
prefixes.sort((a, b) => b.prefix.length - a.prefix.length);

/** Normalises a host (`Host` header, URL host or bare name): lower case, no port, no trailing dot. */
function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h; // IPv6 literal: never an organisation's domain
  const colon = h.lastIndexOf(':');
  if (colon !== -1) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** The organisation whose domain is the longest suffix of `host` (on a label boundary), if any. */
export function organisationForDomain(host: string): Organisation | undefined {
  let h = normaliseHost(host);
  for (;;) {
    const org = byDomain.get(h);
    if (org) return org;
    const dot = h.indexOf('.');
    if (dot === -1) return undefined;
    h = h.slice(dot + 1);
  }
}

/** The organisation whose SDK package prefix starts a stack frame or class name, e.g. `com.umeng.x.Y.z(Y.java:1)`. */
export function organisationForFrame(className: string): Organisation | undefined {
  const frame = className.trim().replace(/^at\s+/, '');
  for (const { prefix, org } of prefixes) if (frame.startsWith(prefix)) return org;
  return undefined;
}
