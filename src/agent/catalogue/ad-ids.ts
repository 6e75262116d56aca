import type { HookRow } from './types.ts';

/**
 * Advertising identifiers: Google AAID, Huawei OAID, and the OAID providers used by China's MSA
 * ("移动安全联盟") SDK and its open-source equivalents (Xiaomi IdProvider, Samsung DeviceIdService).
 */
export const AD_IDS: HookRow[] = [
  {
    class: 'com.google.android.gms.ads.identifier.AdvertisingIdClient$Info',
    method: 'getId',
    category: 'ad-id',
    data: ['adId'],
    ret: 'string',
    source:
      'https://developers.google.com/android/reference/com/google/android/gms/ads/identifier/AdvertisingIdClient.Info#getId()',
  },
  {
    class: 'com.huawei.hms.ads.identifier.AdvertisingIdClient$Info',
    method: 'getId',
    category: 'ad-id',
    data: ['oaid'],
    ret: 'string',
    source:
      'https://developer.huawei.com/consumer/en/doc/HMSCore-Guides/identifier-service-obtaining-oaid-sdk-0000001050064988',
  },
  {
    class: 'com.bun.miitmdid.core.MdidSdkHelper',
    method: 'InitSdk',
    category: 'ad-id',
    data: ['oaid'],
    ret: 'value',
    source:
      'MSA OAID SDK (移动安全联盟 统一SDK) integration guide, http://www.msa-alliance.cn/col.jsp?id=120',
  },
  {
    class: 'com.android.id.impl.IdProviderImpl',
    method: 'getOAID',
    category: 'ad-id',
    data: ['oaid'],
    ret: 'string',
    source: 'Xiaomi IdProvider as read by https://github.com/gzu-liyujiang/Android_CN_OAID (XiaomiImpl)',
  },
  {
    class: 'com.samsung.android.deviceidservice.IDeviceIdService$Stub$Proxy',
    method: 'getOAID',
    category: 'ad-id',
    data: ['oaid'],
    ret: 'string',
    source:
      'Samsung DeviceIdService AIDL client as bundled by https://github.com/gzu-liyujiang/Android_CN_OAID (SamsungImpl)',
  },
];
