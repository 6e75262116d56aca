/**
 * How each identity field (DESIGN.md "Identity file") is read by the matcher and named in sentences.
 * `kind` picks the normalisations the matcher derives (see src/analysis/matcher/variants.ts).
 */
export type IdentityValueKind = 'id' | 'mac' | 'phone' | 'email' | 'ssid' | 'text';

export interface IdentityFieldInfo {
  /** Noun phrase with its article, as used in "<label> was sent in …". */
  label: string;
  kind: IdentityValueKind;
}

export const IDENTITY_FIELD_INFO: Record<string, IdentityFieldInfo> = {
  imei: { label: 'the IMEI', kind: 'id' },
  meid: { label: 'the MEID', kind: 'id' },
  imsi: { label: 'the IMSI', kind: 'id' },
  iccid: { label: 'the SIM serial number (ICCID)', kind: 'id' },
  androidId: { label: 'the Android ID', kind: 'id' },
  serial: { label: 'the hardware serial number', kind: 'id' },
  wifiMac: { label: 'the Wi-Fi MAC address', kind: 'mac' },
  bluetoothMac: { label: 'the Bluetooth MAC address', kind: 'mac' },
  bssid: { label: 'the BSSID of the Wi-Fi network', kind: 'mac' },
  ssid: { label: 'the name (SSID) of the Wi-Fi network', kind: 'ssid' },
  phoneNumber: { label: 'the phone number', kind: 'phone' },
  adId: { label: 'the advertising ID', kind: 'id' },
  oaid: { label: 'the OAID', kind: 'id' },
  email: { label: 'the email address', kind: 'email' },
  location: { label: 'the precise location', kind: 'text' },
  contacts: { label: 'a contact from the address book', kind: 'text' },
  clipboard: { label: 'the clipboard content', kind: 'text' },
  sms: { label: 'an SMS message', kind: 'text' },
  deviceName: { label: 'the device name', kind: 'text' },
  installedPackages: { label: 'the list of installed apps', kind: 'text' },
};

/**
 * Values that devices report when the real one is withheld; they identify nobody and must never match.
 * Sources: Android 6.0 behaviour changes ("02:00:00:00:00:00" for MAC addresses,
 * https://developer.android.com/about/versions/marshmallow/android-6.0-changes#behavior-hardware-id);
 * WifiManager docs ("<unknown ssid>"); Build.SERIAL docs ("unknown"); a zeroed advertising ID after
 * opt-out (https://support.google.com/googleplay/android-developer/answer/6048248).
 */
export const PLACEHOLDER_VALUES: readonly string[] = [
  '02:00:00:00:00:00',
  '00:00:00:00:00:00',
  '<unknown ssid>',
  'unknown',
  '00000000-0000-0000-0000-000000000000',
  '000000000000000',
];
