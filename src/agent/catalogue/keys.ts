/**
 * Tables the classifiers read (core/classify.ts): which keys, properties, authorities and files make
 * a generic call (Settings.getString, SystemProperties.get, ContentResolver.query, file open) a read
 * of personal data.
 */
import type { HookCategory } from './types.ts';

export interface KeyRule {
  category: HookCategory;
  data: string[];
  source: string;
}

/** Settings.{Secure,System,Global}.getString(resolver, key). */
export const SETTINGS_KEYS: Record<string, KeyRule> = {
  android_id: {
    category: 'device-id',
    data: ['androidId'],
    source: 'https://developer.android.com/reference/android/provider/Settings.Secure#ANDROID_ID',
  },
  bluetooth_address: {
    category: 'network-id',
    data: ['bluetoothMac'],
    source: 'Settings.Secure "bluetooth_address" (hidden), read by SDKs before API 23',
  },
  bluetooth_name: {
    category: 'device-id',
    data: ['deviceName'],
    source: 'Settings.Secure "bluetooth_name" (hidden)',
  },
  device_name: {
    category: 'device-id',
    data: ['deviceName'],
    source: 'https://developer.android.com/reference/android/provider/Settings.Global#DEVICE_NAME',
  },
};

/** SystemProperties.get(key) — hidden API that SDKs call by reflection. */
export const SYSTEM_PROPERTIES: Record<string, KeyRule> = {
  'ro.serialno': {
    category: 'device-id',
    data: ['serial'],
    source: 'https://source.android.com/docs/core/architecture/configuration/add-system-properties',
  },
  'ro.boot.serialno': {
    category: 'device-id',
    data: ['serial'],
    source: 'bootloader-provided serial, mirrored to ro.serialno',
  },
  'gsm.serial': {
    category: 'device-id',
    data: ['serial'],
    source: 'vendor property holding the board serial on MTK/Qualcomm devices',
  },
  'ril.serialnumber': { category: 'device-id', data: ['serial'], source: 'Samsung RIL serial property' },
  'persist.radio.imei': {
    category: 'device-id',
    data: ['imei'],
    source: 'vendor RIL property exposing the IMEI on some devices',
  },
  'wifi.interface': {
    category: 'network-id',
    data: [],
    source: 'interface name used before reading /sys/class/net/<if>/address',
  },
};

/**
 * Content provider authorities → what they hold. Matched on the authority exactly, or as a prefix
 * followed by `/` or `.` for families (e.g. `com.android.contacts`).
 */
export const AUTHORITIES: { authorities: string[]; rule: KeyRule }[] = [
  {
    authorities: ['com.android.contacts', 'contacts', 'icc'],
    rule: {
      category: 'contacts',
      data: ['contacts'],
      source: 'https://developer.android.com/reference/android/provider/ContactsContract#AUTHORITY',
    },
  },
  {
    authorities: ['call_log', 'call_log_shadow'],
    rule: {
      category: 'call-log',
      data: ['callLog'],
      source: 'https://developer.android.com/reference/android/provider/CallLog#AUTHORITY',
    },
  },
  {
    authorities: ['sms', 'mms', 'mms-sms'],
    rule: {
      category: 'sms',
      data: ['sms'],
      source: 'https://developer.android.com/reference/android/provider/Telephony.Sms#CONTENT_URI',
    },
  },
  {
    authorities: ['com.android.calendar'],
    rule: {
      category: 'calendar',
      data: ['calendar'],
      source: 'https://developer.android.com/reference/android/provider/CalendarContract#AUTHORITY',
    },
  },
  {
    authorities: ['media'],
    rule: {
      category: 'media',
      data: ['media'],
      source: 'https://developer.android.com/reference/android/provider/MediaStore#AUTHORITY',
    },
  },
  {
    authorities: ['browser', 'com.android.browser'],
    rule: {
      category: 'browser',
      data: ['browserHistory'],
      source: 'android.provider.Browser BOOKMARKS_URI (removed in API 23, still queried by SDKs)',
    },
  },
];

/** Platform providers that are neither personal data nor another app (not recorded). */
export const IGNORED_AUTHORITIES = ['settings', 'telephony', 'downloads'];

/** Files whose contents are identifiers. Glob `*` matches one path segment. */
export const IDENTIFIER_FILES: { pattern: string; rule: KeyRule }[] = [
  {
    pattern: '/proc/net/arp',
    rule: {
      category: 'file',
      data: ['bssid', 'wifiMac'],
      source: 'ARP table: the gateway MAC equals the BSSID on most Wi-Fi networks',
    },
  },
  {
    pattern: '/sys/class/net/*/address',
    rule: {
      category: 'file',
      data: ['wifiMac'],
      source: 'https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-class-net (address)',
    },
  },
  {
    pattern: '/proc/cpuinfo',
    rule: { category: 'file', data: ['serial'], source: 'the Serial line of /proc/cpuinfo on many SoCs' },
  },
];

/** SharedPreferences keys of the IAB Transparency & Consent Framework. */
export const IABTCF_PREFIX = 'IABTCF_';
