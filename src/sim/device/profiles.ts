/**
 * Handset profiles a sim can present. Values follow the build properties these models ship with
 * (sources: the public `getprop` dumps and build fingerprints of each model's Android 10 release,
 * as listed on the vendors' support pages and in LineageOS device trees). API 29 matches the
 * framework-res.apk the fixture APKs are built against.
 */
export interface HandsetProfile {
  brand: string;
  manufacturer: string;
  model: string;
  device: string;
  product: string;
  board: string;
  hardware: string;
  sdk: number;
  release: string;
  buildId: string;
  incremental: string;
  securityPatch: string;
  abi: string;
  abiList: string;
  screen: { width: number; height: number; density: number };
  /** Organisationally unique identifiers for the Wi-Fi chip's MAC (source: IEEE OUI registry). */
  wifiOui: string;
  carrier: { mcc: string; mnc: string; name: string; countryIso: string; phonePrefix: string };
  locale: string;
  timezone: string;
}

export const HANDSET_PROFILES: readonly HandsetProfile[] = [
  {
    brand: 'Redmi',
    manufacturer: 'Xiaomi',
    model: 'Redmi Note 8',
    device: 'ginkgo',
    product: 'ginkgo',
    board: 'trinket',
    hardware: 'qcom',
    sdk: 29,
    release: '10',
    buildId: 'QKQ1.200114.002',
    incremental: 'V12.0.3.0.QCOCNXM',
    securityPatch: '2020-12-01',
    abi: 'arm64-v8a',
    abiList: 'arm64-v8a,armeabi-v7a,armeabi',
    screen: { width: 1080, height: 2340, density: 440 },
    wifiOui: '64:cc:2e', // Xiaomi Communications
    carrier: { mcc: '460', mnc: '00', name: 'CHINA MOBILE', countryIso: 'cn', phonePrefix: '+86138' },
    locale: 'zh-CN',
    timezone: 'Asia/Shanghai',
  },
  {
    brand: 'HUAWEI',
    manufacturer: 'HUAWEI',
    model: 'ELE-AL00',
    device: 'HWELE',
    product: 'ELE-AL00',
    board: 'ELE',
    hardware: 'kirin980',
    sdk: 29,
    release: '10',
    buildId: 'HUAWEIELE-AL00',
    incremental: '10.1.0.162C00',
    securityPatch: '2020-11-01',
    abi: 'arm64-v8a',
    abiList: 'arm64-v8a,armeabi-v7a,armeabi',
    screen: { width: 1080, height: 2340, density: 480 },
    wifiOui: '00:e0:fc', // Huawei Technologies
    carrier: { mcc: '460', mnc: '01', name: 'CHINA UNICOM', countryIso: 'cn', phonePrefix: '+86186' },
    locale: 'zh-CN',
    timezone: 'Asia/Shanghai',
  },
  {
    brand: 'google',
    manufacturer: 'Google',
    model: 'Pixel 3a',
    device: 'sargo',
    product: 'sargo',
    board: 'sargo',
    hardware: 'sargo',
    sdk: 29,
    release: '10',
    buildId: 'QQ3A.200805.001',
    incremental: '6578210',
    securityPatch: '2020-08-05',
    abi: 'arm64-v8a',
    abiList: 'arm64-v8a,armeabi-v7a,armeabi',
    screen: { width: 1080, height: 2220, density: 440 },
    wifiOui: '3c:28:6d', // Google, Inc.
    carrier: { mcc: '262', mnc: '01', name: 'Telekom.de', countryIso: 'de', phonePrefix: '+49151' },
    locale: 'de-DE',
    timezone: 'Europe/Berlin',
  },
];
