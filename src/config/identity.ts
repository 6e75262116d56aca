import { z } from 'zod';

/** identity.json — the matcher's input (DESIGN.md "Identity file"). Empty fields are ignored. */
export const identitySchema = z
  .object({
    imei: z.array(z.string()).default([]),
    meid: z.array(z.string()).default([]),
    imsi: z.array(z.string()).default([]),
    iccid: z.array(z.string()).default([]),
    androidId: z.string().default(''),
    serial: z.string().default(''),
    wifiMac: z.string().default(''),
    bluetoothMac: z.string().default(''),
    bssid: z.string().default(''),
    ssid: z.string().default(''),
    phoneNumber: z.array(z.string()).default([]),
    adId: z.string().default(''),
    oaid: z.string().default(''),
    email: z.array(z.string()).default([]),
    location: z.object({ lat: z.number(), lon: z.number() }).nullable().default(null),
    contacts: z.array(z.object({ name: z.string().default(''), phone: z.string().default('') })).default([]),
    clipboard: z.array(z.string()).default([]),
    sms: z.array(z.string()).default([]),
    deviceName: z.string().default(''),
    installedPackages: z.array(z.string()).default([]),
  })
  .strict();

export type Identity = z.infer<typeof identitySchema>;

export const IDENTITY_FIELDS = Object.keys(identitySchema.shape) as (keyof Identity)[];

export function emptyIdentity(): Identity {
  return identitySchema.parse({});
}
