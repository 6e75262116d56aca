/**
 * The shape of the hook catalogue: one row per class.method. Rows are data; the hook core reads them.
 * Runs inside the Frida agent too, so nothing here may import Node or host modules.
 */

/** What kind of behaviour a call is evidence of; rules select events by category. */
export const HOOK_CATEGORIES = [
  'device-id', // hardware and telephony identifiers
  'network-id', // Wi-Fi / Bluetooth / interface addresses, SSIDs, cell info
  'location',
  'installed-apps',
  'running-apps',
  'usage-stats',
  'clipboard',
  'contacts',
  'call-log',
  'sms',
  'calendar',
  'media',
  'browser',
  'content-other', // ContentResolver access to an authority not in the classes above
  'accounts',
  'ad-id',
  'camera',
  'microphone',
  'screen-capture',
  'speech',
  'sensor',
  'permission-request',
  'associated-start', // starts/binds/broadcasts aimed at other packages (UX-START-002)
  'scheduling', // AlarmManager / JobScheduler (self-start)
  'download', // DownloadManager / PackageInstaller (DECEIVE-DL-001)
  'exec',
  'crypto-input', // identifiers seen before hashing, encryption or encoding
  'file', // reads of identifier-bearing files (/proc/net/arp, /sys/class/net/*/address)
  'consent-storage', // IABTCF_* SharedPreferences reads (GDPR-CONSENT-002)
  'tls', // certificate-pinning bypass hits
] as const;
export type HookCategory = (typeof HOOK_CATEGORIES)[number];

/**
 * Personal-data types a call reveals: identity.json field names where one fits
 * (src/config/identity.ts), plus the types that have no identity field.
 */
export const EXTRA_DATA_TYPES = [
  'cellLocation',
  'networkOperator',
  'ipAddress',
  'wifiScan',
  'bluetoothDevices',
  'runningApps',
  'usageStats',
  'callLog',
  'calendar',
  'media',
  'browserHistory',
  'accounts',
  'gsfId',
  'camera',
  'microphone',
  'screen',
  'speech',
  'sensor',
] as const;
export type ExtraDataType = (typeof EXTRA_DATA_TYPES)[number];

/** How to summarise a value (argument or return); see core/summarise.ts. */
export const SUMMARISERS = [
  'value', // generic, bounded: strings, numbers, arrays, Java lists and objects
  'string',
  'bytes', // byte[] → hex prefix, length, printable text
  'location', // android.location.Location / LatLng-like → {lat, lon, …}
  'packages', // List<PackageInfo|ApplicationInfo|ResolveInfo> → names
  'list', // java.util.List / arrays → size + first items
  'uri', // android.net.Uri → string
  'intent', // android.content.Intent → action, component/package, data
  'clip', // ClipData → text of its items
  'wifiInfo',
  'cursor', // Cursor → row count
  'sensor', // Sensor → type and name
  'none', // record nothing (e.g. large or sensitive payloads we do not need)
] as const;
export type SummariserName = (typeof SUMMARISERS)[number];

/**
 * Guards that decide whether a hit counts and may refine its category/data (core/classify.ts).
 * E.g. `Settings.Secure.getString` counts only for `android_id`.
 */
export const CLASSIFIERS = [
  'settingsKey',
  'systemProperty',
  'otherPackageInfo',
  'contentAuthority',
  'iabtcfKey',
  'identifierFile',
  'otherPackageIntent',
  'otherPackageBroadcast',
  'watchedValue',
] as const;
export type ClassifierName = (typeof CLASSIFIERS)[number];

export interface HookRow {
  /** Fully qualified Java class name. */
  class: string;
  /** Method name; `$init` for constructors. */
  method: string;
  /** Only these overloads (argument type lists); all overloads when absent. */
  overloads?: string[][];
  category: HookCategory;
  /** Personal-data types the call reveals (may be empty for behavioural hooks such as exec). */
  data: string[];
  /** One summariser for every argument, or one per position (missing positions → `value`). */
  args?: SummariserName | SummariserName[];
  ret?: SummariserName;
  /** Guard deciding whether a hit counts (and refining category/data). */
  classify?: ClassifierName;
  /** Where the API and its meaning are documented (URL or RULES.md key). */
  source: string;
}

/** API name as recorded in events: `class.method` (constructors as `class.<init>`). */
export function apiName(row: Pick<HookRow, 'class' | 'method'>): string {
  return `${row.class}.${row.method === '$init' ? '<init>' : row.method}`;
}
