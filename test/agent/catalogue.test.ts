import { describe, expect, it } from 'vitest';
import { CATALOGUE, FAMILIES, mergeFamilies } from '../../src/agent/catalogue/index.ts';
import {
  AUTHORITIES,
  IDENTIFIER_FILES,
  SETTINGS_KEYS,
  SYSTEM_PROPERTIES,
} from '../../src/agent/catalogue/keys.ts';
import {
  apiName,
  CLASSIFIERS,
  EXTRA_DATA_TYPES,
  HOOK_CATEGORIES,
  SUMMARISERS,
  type HookRow,
} from '../../src/agent/catalogue/types.ts';
import { IDENTITY_FIELDS } from '../../src/config/identity.ts';

const KNOWN_DATA = new Set<string>([...IDENTITY_FIELDS, ...EXTRA_DATA_TYPES]);

describe('hook catalogue', () => {
  it('gives every row a known category, known data types, known summarisers and a source', () => {
    for (const row of CATALOGUE) {
      const where = apiName(row);
      expect(HOOK_CATEGORIES, where).toContain(row.category);
      for (const d of row.data) expect(KNOWN_DATA.has(d), `${where} data ${d}`).toBe(true);
      const args = row.args === undefined ? [] : Array.isArray(row.args) ? row.args : [row.args];
      for (const s of [...args, ...(row.ret === undefined ? [] : [row.ret])])
        expect(SUMMARISERS, where).toContain(s);
      if (row.classify !== undefined) expect(CLASSIFIERS, where).toContain(row.classify);
      expect(row.source.length, `${where} source`).toBeGreaterThan(10);
      expect(row.class).toMatch(/^[a-z][\w]*(\.[\w$]+)+$/);
    }
  });

  it('has no duplicate class.method and a merge rejects one', () => {
    const names = CATALOGUE.map(apiName);
    expect(new Set(names).size).toBe(names.length);
    const row: HookRow = { class: 'a.B', method: 'c', category: 'exec', data: [], source: 'test row source' };
    expect(() => mergeFamilies({ one: [row], two: [{ ...row }] })).toThrow(
      /a\.B\.c is listed in both one and two/,
    );
  });

  it('covers the APIs issue 8 lists', () => {
    const names = new Set(CATALOGUE.map(apiName));
    for (const api of [
      'android.telephony.TelephonyManager.getImei',
      'android.telephony.TelephonyManager.getSubscriberId',
      'android.telephony.TelephonyManager.getAllCellInfo',
      'android.provider.Settings$Secure.getString',
      'android.os.Build.getSerial',
      'android.os.SystemProperties.get',
      'android.net.wifi.WifiInfo.getMacAddress',
      'android.net.wifi.WifiManager.getScanResults',
      'java.net.NetworkInterface.getHardwareAddress',
      'android.bluetooth.BluetoothAdapter.getBondedDevices',
      'android.location.LocationManager.requestLocationUpdates',
      'com.google.android.gms.location.FusedLocationProviderClient.getLastLocation',
      'android.location.Geocoder.getFromLocation',
      'android.app.ApplicationPackageManager.getInstalledPackages',
      'android.app.ApplicationPackageManager.getPackageInfo',
      'android.app.ActivityManager.getRunningAppProcesses',
      'android.app.usage.UsageStatsManager.queryUsageStats',
      'android.content.ClipboardManager.getPrimaryClip',
      'android.content.ContentResolver.query',
      'android.accounts.AccountManager.getAccounts',
      'com.google.android.gms.ads.identifier.AdvertisingIdClient$Info.getId',
      'com.huawei.hms.ads.identifier.AdvertisingIdClient$Info.getId',
      'android.hardware.camera2.CameraManager.openCamera',
      'android.media.AudioRecord.startRecording',
      'android.media.projection.MediaProjectionManager.getMediaProjection',
      'android.speech.SpeechRecognizer.startListening',
      'android.hardware.SensorManager.registerListener',
      'androidx.core.app.ActivityCompat.requestPermissions',
      'android.app.ContextImpl.bindService',
      'android.app.AlarmManager.setRepeating',
      'android.app.JobSchedulerImpl.schedule',
      'android.app.DownloadManager.enqueue',
      'android.content.pm.PackageInstaller.createSession',
      'java.lang.Runtime.exec',
      'java.lang.ProcessBuilder.start',
      'java.security.MessageDigest.digest',
      'javax.crypto.Cipher.doFinal',
      'android.util.Base64.encodeToString',
      'java.io.FileReader.<init>',
      'android.app.SharedPreferencesImpl.getString',
    ]) {
      expect(names.has(api), api).toBe(true);
    }
    expect(Object.keys(FAMILIES).length).toBeGreaterThanOrEqual(15);
  });

  it('keeps the classifier tables typed with known categories and data', () => {
    const rules = [
      ...Object.values(SETTINGS_KEYS),
      ...Object.values(SYSTEM_PROPERTIES),
      ...AUTHORITIES.map((a) => a.rule),
      ...IDENTIFIER_FILES.map((f) => f.rule),
    ];
    for (const r of rules) {
      expect(HOOK_CATEGORIES).toContain(r.category);
      for (const d of r.data) expect(KNOWN_DATA.has(d), d).toBe(true);
    }
    expect(SETTINGS_KEYS.android_id?.data).toEqual(['androidId']);
  });
});
