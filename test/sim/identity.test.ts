import { describe, expect, it } from 'vitest';
import { identitySchema } from '../../src/config/identity.ts';
import { SimDevice } from '../../src/sim/device/device.ts';
import { generateIdentity, luhnCheckDigit, luhnValid } from '../../src/sim/identity.ts';

describe('sim identity', () => {
  it('computes Luhn check digits (known IMEI 490154203237518)', () => {
    expect(luhnCheckDigit('49015420323751')).toBe('8');
    expect(luhnValid('490154203237518')).toBe(true);
    expect(luhnValid('490154203237519')).toBe(false);
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(generateIdentity('a')).toEqual(generateIdentity('a'));
    expect(generateIdentity('a').imei[0]).not.toBe(generateIdentity('b').imei[0]);
  });

  it('has valid shapes for every identifier across many seeds', () => {
    for (let i = 0; i < 50; i++) {
      const id = generateIdentity(`seed-${i}`);
      for (const imei of id.imei) expect(luhnValid(imei) && imei.length === 15).toBe(true);
      expect(id.iccid).toMatch(/^89\d{18}$/);
      expect(luhnValid(id.iccid)).toBe(true);
      expect(id.imsi).toMatch(new RegExp(`^${id.profile.carrier.mcc}${id.profile.carrier.mnc}\\d{10}$`));
      expect(id.androidId).toMatch(/^[0-9a-f]{16}$/);
      expect(id.wifiMac.startsWith(id.profile.wifiOui)).toBe(true);
      const bt = parseInt(id.bluetoothMac.slice(0, 2), 16);
      expect(bt & 0x02).toBe(2); // locally administered
      expect(bt & 0x01).toBe(0); // unicast
      expect(id.adId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('exports an identity.json that validates and carries honey data written on the device', () => {
    const d = new SimDevice('honey');
    d.clipboard.push('canary-clip-123');
    d.content.insertSms({ address: '+8613800000000', body: 'code 4711' }, 'inbox');
    const raw = d.content.insertRawContact({});
    d.content.insertData({
      raw_contact_id: raw,
      mimetype: 'vnd.android.cursor.item/name',
      data1: 'Canary Chen',
    });
    d.content.insertData({
      raw_contact_id: raw,
      mimetype: 'vnd.android.cursor.item/phone_v2',
      data1: '+8613911112222',
    });
    const file = identitySchema.parse(d.identityFile());
    expect(file.imei).toEqual(d.identity.imei);
    expect(file.androidId).toBe(d.settings.secure.get('android_id'));
    expect(file.contacts).toEqual([{ name: 'Canary Chen', phone: '+8613911112222' }]);
    expect(file.clipboard).toEqual(['canary-clip-123']);
    expect(file.sms).toEqual(['code 4711']);
  });
});
