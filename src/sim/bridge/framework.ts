/**
 * The Android framework as the stand-in bridge simulates it: the classes the hook catalogue names,
 * answering from the sim's identity (read live through `identity()`, so honey data written later —
 * clipboard, contacts — is what the app sees). App models call them with `bridge.invoke(...)`.
 * Return values are plain JS shapes that the hook core's summarisers understand
 * ({ lat, lon }, { packageName }, string lists, …).
 */
import type { Identity } from '../../config/identity.ts';
import type { StandInBridge } from './bridge.ts';

export interface FrameworkOptions {
  /** Package of the app the models run as (getPackageInfo of it is the app's own). */
  appPackage: string;
  /** Called for starts/binds/broadcasts, so the sim can act on them. */
  onStart?: (kind: 'activity' | 'service' | 'broadcast' | 'bind', intent: unknown) => void;
}

function macBytes(mac: string): number[] {
  return mac
    .split(':')
    .filter((p) => p.length > 0)
    .map((p) => parseInt(p, 16));
}

function first(list: string[]): string | null {
  return list[0] ?? null;
}

function ipToInt(ip: string): number {
  // WifiInfo.getIpAddress is little-endian: 192.168.1.2 → 0x0201a8c0.
  const parts = ip.split('.').map(Number);
  return parts.reduce((acc, p, i) => acc + ((p & 0xff) << (8 * i)), 0) >>> 0;
}

export function registerFramework(
  bridge: StandInBridge,
  identity: () => Identity,
  options: FrameworkOptions,
): void {
  const id = identity;
  const wifiInfo = () => {
    const i = id();
    return {
      getSSID: () => `"${i.ssid}"`,
      getBSSID: () => i.bssid,
      getMacAddress: () => i.wifiMac,
      getIpAddress: () => ipToInt('192.168.1.23'),
    };
  };

  bridge.registerClass('android.telephony.TelephonyManager', {
    getDeviceId: () => first(id().imei),
    getImei: {
      impl: (slot?: unknown) => id().imei[typeof slot === 'number' ? slot : 0] ?? null,
      overloads: [[], ['int']],
    },
    getMeid: () => first(id().meid),
    getSubscriberId: () => first(id().imsi),
    getSimSerialNumber: () => first(id().iccid),
    getLine1Number: () => first(id().phoneNumber),
    getNetworkOperator: () => first(id().imsi)?.slice(0, 5) ?? '',
    getCellLocation: () => ({ cid: 12345, lac: 6789 }),
    getAllCellInfo: () => [{ type: 'lte', ci: 12345, tac: 6789 }],
  });
  bridge.registerClass('android.provider.Settings$Secure', {
    getString: {
      impl: (_resolver: unknown, key: unknown) => (key === 'android_id' ? id().androidId : null),
      overloads: [['android.content.ContentResolver', 'java.lang.String']],
    },
  });
  bridge.registerClass('android.os.Build', { getSerial: () => id().serial });
  bridge.registerClass('android.os.SystemProperties', {
    get: {
      impl: (key: unknown, dflt?: unknown) => (key === 'ro.serialno' ? id().serial : (dflt ?? '')),
      overloads: [['java.lang.String'], ['java.lang.String', 'java.lang.String']],
    },
  });
  bridge.registerClass('android.net.wifi.WifiInfo', {
    getMacAddress: () => id().wifiMac,
    getSSID: () => `"${id().ssid}"`,
    getBSSID: () => id().bssid,
    getIpAddress: () => ipToInt('192.168.1.23'),
  });
  bridge.registerClass('android.net.wifi.WifiManager', {
    getConnectionInfo: wifiInfo,
    getScanResults: () => [{ SSID: id().ssid, BSSID: id().bssid }],
    getDhcpInfo: () => ({ ipAddress: ipToInt('192.168.1.23') }),
  });
  bridge.registerClass('java.net.NetworkInterface', { getHardwareAddress: () => macBytes(id().wifiMac) });
  bridge.registerClass('android.bluetooth.BluetoothAdapter', {
    getAddress: () => id().bluetoothMac,
    getName: () => id().deviceName,
    getBondedDevices: () => [],
  });
  bridge.registerClass('android.location.LocationManager', {
    getLastKnownLocation: { impl: () => id().location, overloads: [['java.lang.String']] },
    requestLocationUpdates: {
      impl: () => undefined,
      overloads: [['java.lang.String', 'long', 'float', 'android.location.LocationListener']],
    },
    requestSingleUpdate: {
      impl: () => undefined,
      overloads: [['java.lang.String', 'android.location.LocationListener', 'android.os.Looper']],
    },
  });
  bridge.registerClass(
    'android.app.ApplicationPackageManager',
    {
      getInstalledPackages: {
        impl: () => id().installedPackages.map((packageName) => ({ packageName })),
        overloads: [['int']],
      },
      getInstalledApplications: {
        impl: () => id().installedPackages.map((packageName) => ({ packageName })),
        overloads: [['int']],
      },
      queryIntentActivities: {
        impl: () => id().installedPackages.map((packageName) => ({ activityInfo: { packageName } })),
        overloads: [['android.content.Intent', 'int']],
      },
      getPackageInfo: {
        impl: (pkg: unknown) => {
          if (pkg !== options.appPackage && !id().installedPackages.includes(String(pkg))) {
            throw new Error(`android.content.pm.PackageManager$NameNotFoundException: ${String(pkg)}`);
          }
          return { packageName: pkg };
        },
        overloads: [['java.lang.String', 'int']],
      },
    },
    { implements: ['android.content.pm.PackageManager'] },
  );
  bridge.registerClass('android.content.ClipboardManager', {
    getPrimaryClip: () => (id().clipboard.length === 0 ? null : { items: [...id().clipboard] }),
    getText: () => id().clipboard[0] ?? null,
    hasPrimaryClip: () => id().clipboard.length > 0,
  });
  bridge.registerClass('android.content.ContentResolver', {
    query: {
      impl: (uri: unknown) => {
        const u = String(uri);
        if (u.startsWith('content://com.android.contacts')) return id().contacts.map((c) => ({ ...c }));
        if (u.startsWith('content://sms')) return id().sms.map((body) => ({ body }));
        return [];
      },
      overloads: [
        [
          'android.net.Uri',
          '[Ljava.lang.String;',
          'java.lang.String',
          '[Ljava.lang.String;',
          'java.lang.String',
        ],
        ['android.net.Uri', '[Ljava.lang.String;', 'android.os.Bundle', 'android.os.CancellationSignal'],
      ],
    },
    insert: {
      impl: (uri: unknown) => `${String(uri)}/1`,
      overloads: [['android.net.Uri', 'android.content.ContentValues']],
    },
  });
  bridge.registerClass('android.accounts.AccountManager', {
    getAccounts: () => id().email.map((name) => ({ name, type: 'com.google' })),
  });
  bridge.registerClass('com.google.android.gms.ads.identifier.AdvertisingIdClient$Info', {
    getId: () => id().adId,
  });
  bridge.registerClass('com.huawei.hms.ads.identifier.AdvertisingIdClient$Info', { getId: () => id().oaid });
  bridge.registerClass('android.hardware.SensorManager', {
    registerListener: {
      impl: () => true,
      overloads: [['android.hardware.SensorEventListener', 'android.hardware.Sensor', 'int']],
    },
  });
  bridge.registerClass('android.app.Activity', {
    onResume: () => undefined,
    onPause: () => undefined,
    requestPermissions: { impl: () => undefined, overloads: [['[Ljava.lang.String;', 'int']] },
    startActivity: {
      impl: (intent: unknown) => options.onStart?.('activity', intent),
      overloads: [['android.content.Intent']],
    },
  });
  bridge.registerClass('android.app.ContextImpl', {
    startActivity: {
      impl: (intent: unknown) => options.onStart?.('activity', intent),
      overloads: [['android.content.Intent']],
    },
    startService: {
      impl: (intent: unknown) => options.onStart?.('service', intent),
      overloads: [['android.content.Intent']],
    },
    bindService: {
      impl: (intent: unknown) => {
        options.onStart?.('bind', intent);
        return true;
      },
      overloads: [['android.content.Intent', 'android.content.ServiceConnection', 'int']],
    },
    sendBroadcast: {
      impl: (intent: unknown) => options.onStart?.('broadcast', intent),
      overloads: [['android.content.Intent']],
    },
  });
}
