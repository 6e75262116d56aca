import { createHash } from 'node:crypto';
import type { Identity } from '../../config/identity.ts';
import { childLog } from '../../log.ts';
import type { Device } from '../device.ts';

/**
 * Honey data: personal data that appwarden plants on the device, unique per device and run, so a leak of
 * it in traffic is unambiguous. Each value carries a token derived from the seed.
 */
export interface HoneyData {
  contacts: { name: string; phone: string }[];
  sms: string[];
  clipboard: string[];
  deviceName: string;
  location: { lat: number; lon: number };
}

export interface HoneyOptions {
  /** Unique per device and run, e.g. `${runId}/${serial}`. */
  seed: string;
  /** Centre of the mock location (default: Beijing, Tiananmen); the planted fix is within ~2 km of it. */
  near?: { lat: number; lon: number };
}

function digits(hash: Buffer, n: number, offset = 0): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += String((hash[(offset + i) % hash.length] as number) % 10);
  return s;
}

export function makeHoneyData(opts: HoneyOptions): HoneyData {
  const h = createHash('sha256').update(`appwarden-honey:${opts.seed}`).digest();
  const token = h.subarray(0, 5).toString('hex');
  const near = opts.near ?? { lat: 39.9087, lon: 116.3975 };
  const dLat = (((h[10] as number) / 255) * 2 - 1) * 0.018;
  const dLon = (((h[11] as number) / 255) * 2 - 1) * 0.018;
  return {
    contacts: [
      { name: `Canary Wen ${token}`, phone: `+86 139 ${digits(h, 4, 12)} ${digits(h, 4, 16)}` },
      { name: `Canary Hale ${token}`, phone: `+49 151 ${digits(h, 8, 20)}` },
    ],
    sms: [`Your appwarden verification code is ${digits(h, 6, 24)} (${token})`],
    clipboard: [`aw-clip-${token}-${digits(h, 6, 28)}`],
    deviceName: `aw-phone-${token}`,
    location: { lat: Number((near.lat + dLat).toFixed(6)), lon: Number((near.lon + dLon).toFixed(6)) },
  };
}

export interface SeedResult {
  /** What was planted, merged into the identity the matcher uses. */
  seeded: Partial<Identity>;
  /** What could not be planted on this device, and why. */
  notSeeded: Record<string, string>;
}

async function attempt(device: Device, argv: string[]): Promise<string | null> {
  const r = await device.shell(argv, { timeoutMs: 20_000 });
  if (r.exitCode === 0 && !/Error|Exception|usage:/i.test(r.stdout + r.stderr)) return null;
  return (r.stderr || r.stdout).trim().split('\n')[0] || `exit code ${r.exitCode}`;
}

/**
 * Plants honey data with standard shell commands: contacts and SMS through the content providers, the
 * device name through settings, the clipboard through the Clipper broadcast convention, the location
 * through a test provider (`cmd location providers …`, Android 12+). A part the device refuses is
 * reported in `notSeeded`, never silently assumed.
 */
export async function seedHoneyData(device: Device, honey: HoneyData): Promise<SeedResult> {
  const log = childLog({ device: device.serial });
  const seeded: Partial<Identity> = {};
  const notSeeded: Record<string, string> = {};

  const contacts: { name: string; phone: string }[] = [];
  for (const c of honey.contacts) {
    const err = await attempt(device, [
      'content',
      'insert',
      '--uri',
      'content://com.android.contacts/raw_contacts',
      '--bind',
      'account_type:n:',
      '--bind',
      'account_name:n:',
    ]);
    if (err) {
      notSeeded.contacts = err;
      break;
    }
    const q = await device.shell(
      [
        'content',
        'query',
        '--uri',
        'content://com.android.contacts/raw_contacts',
        '--projection',
        '_id',
        '--sort',
        '_id DESC',
      ],
      { timeoutMs: 20_000 },
    );
    // The newest raw contact is ours: take the largest id, whether or not the provider honoured the sort.
    const ids = [...q.stdout.matchAll(/_id=(\d+)/g)].map((m) => Number(m[1]));
    const rawId = ids.length > 0 ? String(Math.max(...ids)) : undefined;
    if (!rawId) {
      notSeeded.contacts = 'could not read back the raw contact id';
      break;
    }
    const nameErr = await attempt(device, [
      'content',
      'insert',
      '--uri',
      'content://com.android.contacts/data',
      '--bind',
      `raw_contact_id:i:${rawId}`,
      '--bind',
      'mimetype:s:vnd.android.cursor.item/name',
      '--bind',
      `data1:s:${c.name}`,
    ]);
    const phoneErr = await attempt(device, [
      'content',
      'insert',
      '--uri',
      'content://com.android.contacts/data',
      '--bind',
      `raw_contact_id:i:${rawId}`,
      '--bind',
      'mimetype:s:vnd.android.cursor.item/phone_v2',
      '--bind',
      `data1:s:${c.phone}`,
    ]);
    if (nameErr || phoneErr) {
      notSeeded.contacts = (nameErr ?? phoneErr) as string;
      break;
    }
    contacts.push(c);
  }
  if (contacts.length > 0) seeded.contacts = contacts;

  const sms: string[] = [];
  for (const body of honey.sms) {
    const err = await attempt(device, [
      'content',
      'insert',
      '--uri',
      'content://sms/inbox',
      '--bind',
      'address:s:+8610690000',
      '--bind',
      `body:s:${body}`,
    ]);
    if (err) notSeeded.sms = err;
    else sms.push(body);
  }
  if (sms.length > 0) seeded.sms = sms;

  const clip = honey.clipboard[0];
  if (clip !== undefined) {
    const err = await attempt(device, ['am', 'broadcast', '-a', 'clipper.set', '-e', 'text', clip]);
    if (err) notSeeded.clipboard = err;
    else seeded.clipboard = [clip];
  }

  const nameErr = await attempt(device, ['settings', 'put', 'global', 'device_name', honey.deviceName]);
  if (nameErr) notSeeded.deviceName = nameErr;
  else seeded.deviceName = honey.deviceName;

  const { lat, lon } = honey.location;
  const locErr =
    (await attempt(device, ['cmd', 'location', 'providers', 'add-test-provider', 'gps'])) ??
    (await attempt(device, [
      'cmd',
      'location',
      'providers',
      'set-test-provider-location',
      'gps',
      '--location',
      `${lat},${lon}`,
    ]));
  if (locErr) notSeeded.location = locErr;
  else seeded.location = { lat, lon };

  if (Object.keys(notSeeded).length > 0) log.info({ notSeeded }, 'some honey data could not be planted');
  return { seeded, notSeeded };
}

/** The matcher's identity: what the device told about itself plus what was planted. */
export function mergeIdentity(base: Identity, seeded: Partial<Identity>): Identity {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(seeded).filter(([, v]) => v !== undefined)),
    contacts: [...base.contacts, ...(seeded.contacts ?? [])],
    sms: [...base.sms, ...(seeded.sms ?? [])],
    clipboard: [...base.clipboard, ...(seeded.clipboard ?? [])],
  };
}
