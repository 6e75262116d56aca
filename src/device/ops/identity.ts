import { emptyIdentity, type Identity } from '../../config/identity.ts';
import { childLog } from '../../log.ts';
import type { Device } from '../device.ts';
import { parseAccountEmails, parseParcelString, parseWifiInfo } from '../parse/identity-outputs.ts';
import { listPackages } from './packages.ts';

/**
 * `service call iphonesubinfo` transaction codes by SDK level: the method order of IPhoneSubInfo.aidl.
 * Only levels whose order was checked are listed; elsewhere these values come from the agent at run time.
 * The call needs READ_PRIVILEGED_PHONE_STATE, which the shell user has on emulators and userdebug/root builds.
 */
const IPHONESUBINFO_CODES: Record<number, { imei: number; imsi: number; iccid: number; line1: number }> = {
  29: { imei: 1, imsi: 7, iccid: 11, line1: 13 },
};

export interface IdentityReadout {
  identity: Identity;
  /** Fields that could not be read from the shell, with why (read at run time by hooks where possible). */
  unavailable: Record<string, string>;
}

async function value(device: Device, argv: string[]): Promise<string> {
  const r = await device.shell(argv, { timeoutMs: 15_000 });
  const v = r.exitCode === 0 ? r.stdout.trim() : '';
  return v === 'null' ? '' : v;
}

/** What the device tells about itself through the shell, as an identity file. */
export async function readIdentity(device: Device, sdk: number): Promise<IdentityReadout> {
  const log = childLog({ device: device.serial });
  const id = emptyIdentity();
  const unavailable: Record<string, string> = {};

  id.androidId = await value(device, ['settings', 'get', 'secure', 'android_id']);
  id.serial =
    (await value(device, ['getprop', 'ro.serialno'])) ||
    (await value(device, ['getprop', 'ro.boot.serialno']));
  id.bluetoothMac = await value(device, ['settings', 'get', 'secure', 'bluetooth_address']);
  id.deviceName = await value(device, ['settings', 'get', 'global', 'device_name']);

  const wifi = parseWifiInfo((await device.shell(['dumpsys', 'wifi'], { timeoutMs: 20_000 })).stdout);
  id.ssid = wifi.ssid;
  id.bssid = wifi.bssid;
  id.wifiMac = wifi.mac || (await value(device, ['cat', '/sys/class/net/wlan0/address']));
  if (/^0?2:00:00:00:00:00$/.test(id.wifiMac)) id.wifiMac = '';

  const codes = IPHONESUBINFO_CODES[sdk];
  if (codes) {
    const call = async (code: number) =>
      parseParcelString(
        (await device.shell(['service', 'call', 'iphonesubinfo', String(code)], { timeoutMs: 15_000 }))
          .stdout,
      ) ?? '';
    const imei = await call(codes.imei);
    const imsi = await call(codes.imsi);
    const iccid = await call(codes.iccid);
    const line1 = await call(codes.line1);
    if (imei) id.imei = [imei];
    if (imsi) id.imsi = [imsi];
    if (iccid) id.iccid = [iccid];
    if (line1) id.phoneNumber = [line1];
    for (const [field, v] of Object.entries({ imei, imsi, iccid, phoneNumber: line1 })) {
      if (!v) unavailable[field] = 'service call iphonesubinfo returned nothing (needs an emulator or root)';
    }
  } else {
    for (const field of ['imei', 'imsi', 'iccid', 'phoneNumber']) {
      unavailable[field] = `no checked iphonesubinfo codes for SDK ${sdk}; read by the hooks at run time`;
    }
  }
  id.email = parseAccountEmails((await device.shell(['dumpsys', 'account'], { timeoutMs: 20_000 })).stdout);
  id.installedPackages = await listPackages(device, true);
  if (!id.adId)
    unavailable.adId = 'the advertising ID is only readable by apps; read by the hooks at run time';
  log.debug({ unavailable }, 'identity read');
  return { identity: id, unavailable };
}
