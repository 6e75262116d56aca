import type { Identity } from '../config/identity.ts';
import { HANDSET_PROFILES, type HandsetProfile } from './device/profiles.ts';
import { SeededRandom } from './random.ts';

/**
 * A sim's personal data, generated from its seed in the shapes real devices have: IMEI with its Luhn
 * check digit (3GPP TS 23.003 §6.2), IMSI = MCC+MNC+MSIN, ICCID 89… with Luhn (ITU-T E.118),
 * 16-hex-digit Android ID, Wi-Fi MAC with the maker's OUI, Bluetooth MAC locally administered.
 */
export interface SimIdentity {
  profile: HandsetProfile;
  imei: string[];
  meid: string[];
  imsi: string;
  iccid: string;
  androidId: string;
  serial: string;
  wifiMac: string;
  bluetoothMac: string;
  ssid: string;
  bssid: string;
  phoneNumber: string;
  adId: string;
  oaid: string;
  location: { lat: number; lon: number };
  accounts: { name: string; type: string }[];
  deviceName: string;
  wifiIp: string;
}

export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit counting from the right of the payload (the check digit goes after it).
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function luhnValid(number: string): boolean {
  return /^\d+$/.test(number) && luhnCheckDigit(number.slice(0, -1)) === number.slice(-1);
}

function uuid(r: SeededRandom): string {
  const b = r.bytes(16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function mac(prefix: Buffer, r: SeededRandom): string {
  return Buffer.concat([prefix, r.bytes(6 - prefix.length)])
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

/** Type Allocation Codes of the profile's maker (first 8 IMEI digits; source: GSMA TAC lists as published on imeidb-style registries). */
const TAC_BY_BRAND: Record<string, string[]> = {
  Redmi: ['86758604', '86614204'],
  HUAWEI: ['86401004', '86875104'],
  google: ['35824410', '35331710'],
};

const SSIDS = ['HomeNet-5G', 'TP-LINK_8A3C', 'ChinaNet-x7Qe', 'FRITZ!Box 7590 KL', 'Office-WiFi'];
const FIRST_NAMES = ['li.wei', 'zhang.min', 'anna.schmidt', 'jonas.weber', 'wang.fang'];

export function generateIdentity(seed: string): SimIdentity {
  const root = new SeededRandom(seed);
  const profile = root.fork('profile').pick(HANDSET_PROFILES);
  const r = root.fork('identity');
  const tacs = TAC_BY_BRAND[profile.brand] ?? ['35000000'];
  const imei = [0, 1].map(() => {
    const body = `${r.pick(tacs)}${r.digits(6)}`;
    return `${body}${luhnCheckDigit(body)}`;
  });
  const iccidBody = `89${profile.carrier.mcc === '460' ? '86' : '49'}${profile.carrier.mnc.padStart(2, '0')}${r.digits(13)}`;
  const wifiMac = mac(Buffer.from(profile.wifiOui.replace(/:/g, ''), 'hex'), r);
  // Locally administered, unicast: second-lowest bit of the first octet set, lowest clear.
  const btFirst = Buffer.from([(r.bytes(1)[0] as number) & 0xfc] as number[]);
  btFirst[0] = (btFirst[0] as number) | 0x02;
  const bluetoothMac = mac(btFirst, r);
  const bssid = mac(Buffer.from([0x50, 0xc7, 0xbf]), r); // TP-Link OUI
  const base =
    profile.carrier.countryIso === 'cn' ? { lat: 31.2304, lon: 121.4737 } : { lat: 52.52, lon: 13.405 };
  const name = r.pick(FIRST_NAMES);
  return {
    profile,
    imei,
    meid: [],
    imsi: `${profile.carrier.mcc}${profile.carrier.mnc}${r.digits(10)}`,
    iccid: `${iccidBody}${luhnCheckDigit(iccidBody)}`,
    androidId: r.hex(8),
    serial: r.hex(4).toUpperCase() + r.digits(4),
    wifiMac,
    bluetoothMac,
    ssid: r.pick(SSIDS),
    bssid,
    phoneNumber: `${profile.carrier.phonePrefix}${r.digits(8)}`,
    adId: uuid(r),
    oaid: r.hex(32),
    location: {
      lat: Math.round((base.lat + (r.int(20000) - 10000) / 1e5) * 1e6) / 1e6,
      lon: Math.round((base.lon + (r.int(20000) - 10000) / 1e5) * 1e6) / 1e6,
    },
    accounts: [{ name: `${name}${r.digits(2)}@example.com`, type: 'com.google' }],
    deviceName: `${name.split('.')[0]}'s ${profile.model}`,
    wifiIp: `192.168.${1 + r.int(10)}.${10 + r.int(200)}`,
  };
}

/** What the device currently holds beyond its fixed identity (honey data and apps). */
export interface DeviceHoneyData {
  contacts: { name: string; phone: string }[];
  clipboard: string[];
  sms: string[];
  installedPackages: string[];
  deviceName: string;
  location: { lat: number; lon: number };
}

/** The matcher's identity file (src/config/identity.ts) for this sim. */
export function toIdentity(id: SimIdentity, live: DeviceHoneyData): Identity {
  return {
    imei: [...id.imei],
    meid: [...id.meid],
    imsi: [id.imsi],
    iccid: [id.iccid],
    androidId: id.androidId,
    serial: id.serial,
    wifiMac: id.wifiMac,
    bluetoothMac: id.bluetoothMac,
    bssid: id.bssid,
    ssid: id.ssid,
    phoneNumber: [id.phoneNumber],
    adId: id.adId,
    oaid: id.oaid,
    email: id.accounts.map((a) => a.name),
    location: live.location,
    contacts: live.contacts.map((c) => ({ ...c })),
    clipboard: [...live.clipboard],
    sms: [...live.sms],
    deviceName: live.deviceName,
    installedPackages: [...live.installedPackages],
  };
}
