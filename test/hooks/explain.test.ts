import { describe, expect, it } from 'vitest';
import type { ApiCallData } from '../../src/evidence/types.ts';
import { DATA_NAMES, explainApiCall } from '../../src/hooks/explain.ts';
import { EXTRA_DATA_TYPES } from '../../src/agent/catalogue/types.ts';
import { IDENTITY_FIELDS } from '../../src/config/identity.ts';

function call(extra: Partial<ApiCallData>): ApiCallData {
  return {
    api: 'android.telephony.TelephonyManager.getImei',
    category: 'device-id',
    data: ['imei'],
    args: [],
    ret: null,
    stack: [],
    sdk: 'umeng',
    process: 'p',
    thread: 'main',
    fg: true,
    ...extra,
  };
}

describe('API call explanations', () => {
  it('reads word for word', () => {
    expect(explainApiCall(call({}), 800)).toBe(
      'Umeng (Alibaba) read the IMEI (android.telephony.TelephonyManager.getImei) at 0.8 s.',
    );
    expect(
      explainApiCall(
        call({
          sdk: null,
          api: 'android.net.wifi.WifiManager.getConnectionInfo',
          category: 'network-id',
          data: ['wifiMac', 'ssid', 'bssid'],
          fg: false,
          count: 12,
        }),
        61_250,
      ),
    ).toBe(
      'The app read the Wi-Fi MAC address, the Wi-Fi network name and the Wi-Fi BSSID (android.net.wifi.WifiManager.getConnectionInfo) at 61.3 s, 12 times in the background.',
    );
    expect(
      explainApiCall(
        call({
          sdk: 'jpush',
          api: 'java.security.MessageDigest.update',
          category: 'crypto-input',
          data: ['androidId'],
        }),
        1200,
      ),
    ).toBe(
      'JPush / JIGUANG (Aurora Mobile) passed the Android ID to hashing, encryption or Base64 (java.security.MessageDigest.update) at 1.2 s.',
    );
    expect(
      explainApiCall(
        call({
          sdk: null,
          api: 'android.app.Activity.requestPermissions',
          category: 'permission-request',
          data: [],
        }),
        300,
        'Shop',
      ),
    ).toBe('Shop requested permissions (android.app.Activity.requestPermissions) at 0.3 s.');
  });

  it('has a human name for every data type', () => {
    for (const d of [...IDENTITY_FIELDS, ...EXTRA_DATA_TYPES]) expect(DATA_NAMES[d], d).toBeDefined();
  });
});
