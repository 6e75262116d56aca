/**
 * One sentence per API call for reports: who did what, through which API, when — e.g.
 * "Umeng (Alibaba) read the IMEI (android.telephony.TelephonyManager.getImei) at 0.8 s."
 * Tested word for word (test/hooks/explain.test.ts).
 */
import { ORGANISATIONS } from '../analysis/data/organisations.ts';
import type { ApiCallData } from '../evidence/types.ts';

/** Human names of the data types (identity fields and the catalogue's extra types). */
export const DATA_NAMES: Record<string, string> = {
  imei: 'the IMEI',
  meid: 'the MEID',
  imsi: 'the IMSI',
  iccid: 'the SIM serial (ICCID)',
  androidId: 'the Android ID',
  serial: 'the device serial number',
  wifiMac: 'the Wi-Fi MAC address',
  bluetoothMac: 'the Bluetooth MAC address',
  bssid: 'the Wi-Fi BSSID',
  ssid: 'the Wi-Fi network name',
  phoneNumber: 'the phone number',
  adId: 'the advertising ID',
  oaid: 'the OAID',
  email: 'e-mail addresses',
  location: 'the location',
  contacts: 'the contacts',
  clipboard: 'the clipboard',
  sms: 'SMS messages',
  deviceName: 'the device name',
  installedPackages: 'the installed-app list',
  cellLocation: 'the cell location',
  networkOperator: 'the network operator',
  ipAddress: 'the IP address',
  wifiScan: 'nearby Wi-Fi networks',
  bluetoothDevices: 'paired Bluetooth devices',
  runningApps: 'the running apps',
  usageStats: 'app usage statistics',
  callLog: 'the call log',
  calendar: 'the calendar',
  media: 'photos and media',
  browserHistory: 'the browser history',
  accounts: 'the accounts',
  gsfId: 'the Google Services Framework ID',
  camera: 'the camera',
  microphone: 'the microphone',
  screen: 'the screen',
  speech: 'speech',
  sensor: 'a motion sensor',
};

/** Verbs for categories that are actions rather than reads. */
const ACTIONS: Record<string, string> = {
  'permission-request': 'requested permissions',
  'associated-start': "started or bound another app's component",
  scheduling: 'scheduled a wake-up',
  download: 'started a download or package install',
  exec: 'ran a shell command',
  'consent-storage': 'read the stored IAB TCF consent',
  sensor: 'registered a sensor listener',
  camera: 'opened the camera',
  microphone: 'started recording audio',
  'screen-capture': 'started capturing the screen',
  speech: 'started speech recognition',
  'content-other': "queried another app's content provider",
  tls: 'had a certificate check bypassed',
};

function list(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function seconds(t: number): string {
  return `${(Math.round(t / 100) / 10).toString()} s`;
}

export function explainApiCall(call: ApiCallData, t: number, appLabel = 'The app'): string {
  const org = call.sdk === null ? undefined : ORGANISATIONS.find((o) => o.id === call.sdk);
  const who = org?.name ?? call.sdk ?? appLabel;
  const what = list(call.data.map((d) => DATA_NAMES[d] ?? d));
  const action =
    call.category === 'crypto-input'
      ? `passed ${what} to hashing, encryption or Base64`
      : (ACTIONS[call.category] ?? `read ${what || call.category}`);
  const repeated = call.count !== undefined && call.count > 1 ? `, ${call.count} times` : '';
  const background = call.fg ? '' : ' in the background';
  return `${who} ${action} (${call.api}) at ${seconds(t)}${repeated}${background}.`;
}
