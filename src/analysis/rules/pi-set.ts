/**
 * RULES.md §0 "PI set": which data types (identity.json fields and the agent catalogue's extra data types,
 * src/agent/catalogue/types.ts) count as personal information, with the words reports use for them.
 */

export interface PiType {
  type: string;
  tier: 1 | 2;
  /** As a sentence names it: "read the IMEI". */
  label: string;
}

/** Source: RULES.md §0 PI set (Tier-1/Tier-2); cell location and Wi-Fi scans count as location. */
export const PI_TYPES: readonly PiType[] = [
  { type: 'imei', tier: 1, label: 'the IMEI' },
  { type: 'meid', tier: 1, label: 'the MEID' },
  { type: 'imsi', tier: 1, label: 'the IMSI' },
  { type: 'iccid', tier: 1, label: 'the SIM serial number (ICCID)' },
  { type: 'serial', tier: 1, label: 'the device serial number' },
  { type: 'wifiMac', tier: 1, label: 'the Wi-Fi MAC address' },
  { type: 'bluetoothMac', tier: 1, label: 'the Bluetooth MAC address' },
  { type: 'bssid', tier: 1, label: 'the Wi-Fi access point (BSSID)' },
  { type: 'ssid', tier: 1, label: 'the Wi-Fi network name (SSID)' },
  { type: 'androidId', tier: 1, label: 'the Android ID' },
  { type: 'phoneNumber', tier: 1, label: 'the phone number' },
  { type: 'location', tier: 1, label: 'the location' },
  { type: 'cellLocation', tier: 1, label: 'the cell location' },
  { type: 'wifiScan', tier: 1, label: 'the nearby Wi-Fi networks' },
  { type: 'contacts', tier: 1, label: 'the contacts' },
  { type: 'callLog', tier: 1, label: 'the call log' },
  { type: 'sms', tier: 1, label: 'the SMS messages' },
  { type: 'calendar', tier: 1, label: 'the calendar' },
  { type: 'installedPackages', tier: 1, label: 'the list of installed apps' },
  { type: 'clipboard', tier: 1, label: 'the clipboard' },
  { type: 'media', tier: 1, label: 'photos and media' },
  { type: 'oaid', tier: 2, label: 'the OAID' },
  { type: 'adId', tier: 2, label: 'the advertising ID' },
  { type: 'gsfId', tier: 2, label: 'the GSF ID' },
];

const BY_TYPE = new Map(PI_TYPES.map((p) => [p.type, p]));

export function isPi(type: string): boolean {
  return BY_TYPE.has(type);
}

export function isTier1(type: string): boolean {
  return BY_TYPE.get(type)?.tier === 1;
}

export function piLabel(type: string): string {
  return BY_TYPE.get(type)?.label ?? `the ${type}`;
}

/**
 * Device-bound identifiers A1 (Nguyen et al., USENIX Security '21, cispa/gdpr-consent) matches in traffic;
 * the default of GDPR-CONSENT-001/002's `identifiers` param.
 */
export const A1_DEVICE_IDS: readonly string[] = [
  'adId',
  'androidId',
  'imei',
  'meid',
  'imsi',
  'iccid',
  'serial',
  'wifiMac',
  'bluetoothMac',
  'gsfId',
  'oaid',
  'location',
];

/**
 * Permission → data types its grant unlocks (for "reads tied to a denied permission", PI-CONSENT-004).
 * Source: https://developer.android.com/reference/android/Manifest.permission (protection level dangerous).
 */
export const PERMISSION_DATA: Record<string, string[]> = {
  'android.permission.ACCESS_FINE_LOCATION': ['location', 'cellLocation', 'wifiScan', 'bssid', 'ssid'],
  'android.permission.ACCESS_COARSE_LOCATION': ['location', 'cellLocation', 'wifiScan', 'bssid', 'ssid'],
  'android.permission.ACCESS_BACKGROUND_LOCATION': ['location', 'cellLocation'],
  'android.permission.READ_PHONE_STATE': ['imei', 'meid', 'imsi', 'iccid', 'serial', 'phoneNumber'],
  'android.permission.READ_PHONE_NUMBERS': ['phoneNumber'],
  'android.permission.READ_CONTACTS': ['contacts'],
  'android.permission.READ_CALL_LOG': ['callLog'],
  'android.permission.READ_SMS': ['sms'],
  'android.permission.READ_CALENDAR': ['calendar'],
  'android.permission.READ_EXTERNAL_STORAGE': ['media'],
  'android.permission.READ_MEDIA_IMAGES': ['media'],
  'android.permission.READ_MEDIA_VIDEO': ['media'],
  'android.permission.READ_MEDIA_AUDIO': ['media'],
  'android.permission.CAMERA': ['camera'],
  'android.permission.RECORD_AUDIO': ['microphone'],
  'android.permission.BLUETOOTH_CONNECT': ['bluetoothMac'],
  'android.permission.NEARBY_WIFI_DEVICES': ['wifiScan', 'bssid', 'ssid'],
  'android.permission.QUERY_ALL_PACKAGES': ['installedPackages'],
};

/** Full permission name for `CAMERA` or `android.permission.CAMERA`. */
export function fullPermission(p: string): string {
  return p.includes('.') ? p : `android.permission.${p}`;
}

/**
 * Dangerous permission groups (PERM-004: "more than one unrelated dangerous group").
 * Source: https://developer.android.com/guide/topics/permissions/overview#permission-groups and
 * Manifest.permission_group. Location, storage/media and phone variants share a group, which is how the
 * rule excludes FINE+COARSE, storage pairs and READ_MEDIA_*.
 */
export const PERMISSION_GROUPS: Record<string, string> = {
  'android.permission.ACCESS_FINE_LOCATION': 'LOCATION',
  'android.permission.ACCESS_COARSE_LOCATION': 'LOCATION',
  'android.permission.ACCESS_BACKGROUND_LOCATION': 'LOCATION',
  'android.permission.READ_EXTERNAL_STORAGE': 'STORAGE',
  'android.permission.WRITE_EXTERNAL_STORAGE': 'STORAGE',
  'android.permission.READ_MEDIA_IMAGES': 'STORAGE',
  'android.permission.READ_MEDIA_VIDEO': 'STORAGE',
  'android.permission.READ_MEDIA_AUDIO': 'STORAGE',
  'android.permission.READ_MEDIA_VISUAL_USER_SELECTED': 'STORAGE',
  'android.permission.READ_PHONE_STATE': 'PHONE',
  'android.permission.READ_PHONE_NUMBERS': 'PHONE',
  'android.permission.CALL_PHONE': 'PHONE',
  'android.permission.ANSWER_PHONE_CALLS': 'PHONE',
  'android.permission.ADD_VOICEMAIL': 'PHONE',
  'android.permission.USE_SIP': 'PHONE',
  'android.permission.READ_CONTACTS': 'CONTACTS',
  'android.permission.WRITE_CONTACTS': 'CONTACTS',
  'android.permission.GET_ACCOUNTS': 'CONTACTS',
  'android.permission.READ_CALENDAR': 'CALENDAR',
  'android.permission.WRITE_CALENDAR': 'CALENDAR',
  'android.permission.CAMERA': 'CAMERA',
  'android.permission.RECORD_AUDIO': 'MICROPHONE',
  'android.permission.SEND_SMS': 'SMS',
  'android.permission.RECEIVE_SMS': 'SMS',
  'android.permission.READ_SMS': 'SMS',
  'android.permission.RECEIVE_WAP_PUSH': 'SMS',
  'android.permission.RECEIVE_MMS': 'SMS',
  'android.permission.READ_CALL_LOG': 'CALL_LOG',
  'android.permission.WRITE_CALL_LOG': 'CALL_LOG',
  'android.permission.PROCESS_OUTGOING_CALLS': 'CALL_LOG',
  'android.permission.BODY_SENSORS': 'SENSORS',
  'android.permission.ACTIVITY_RECOGNITION': 'ACTIVITY_RECOGNITION',
  'android.permission.BLUETOOTH_SCAN': 'NEARBY_DEVICES',
  'android.permission.BLUETOOTH_CONNECT': 'NEARBY_DEVICES',
  'android.permission.BLUETOOTH_ADVERTISE': 'NEARBY_DEVICES',
  'android.permission.NEARBY_WIFI_DEVICES': 'NEARBY_DEVICES',
  'android.permission.POST_NOTIFICATIONS': 'NOTIFICATIONS',
};
