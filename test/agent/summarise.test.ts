import { describe, expect, it } from 'vitest';
import { authorityOf, classify } from '../../src/agent/core/classify.ts';
import { LIMITS, summarise, summariseArgs } from '../../src/agent/core/summarise.ts';
import { utf8Decode, utf8Encode } from '../../src/agent/core/utf8.ts';

/** What frida-java-bridge hands a hook: wrappers with methods, fields as { value }, Java arrays. */
const javaList = (items: unknown[]) => ({
  $className: 'java.util.ArrayList',
  size: () => items.length,
  get: (i: number) => items[i],
});
const packageInfo = (name: string) => ({
  $className: 'android.content.pm.PackageInfo',
  packageName: { value: name },
});

describe('argument and return summaries', () => {
  it('bounds strings and lists', () => {
    const long = 'x'.repeat(2000);
    expect(summarise('string', long)).toBe(`${'x'.repeat(LIMITS.string)}…[+${2000 - LIMITS.string}]`);
    const list = summarise(
      'list',
      Array.from({ length: 500 }, (_, i) => i),
    ) as { count: number; items: number[] };
    expect(list.count).toBe(500);
    expect(list.items).toHaveLength(LIMITS.items);
  });

  it('reads Java objects the way frida-java-bridge presents them', () => {
    expect(summarise('packages', javaList([packageInfo('com.a'), packageInfo('com.b')]))).toEqual({
      count: 2,
      names: ['com.a', 'com.b'],
    });
    const resolveInfo = { activityInfo: { value: { packageName: { value: 'com.c' } } } };
    expect(summarise('packages', [resolveInfo])).toEqual({ count: 1, names: ['com.c'] });
    const location = {
      $className: 'android.location.Location',
      getLatitude: () => 39.9,
      getLongitude: () => 116.4,
      getAccuracy: () => 5,
      getProvider: () => 'gps',
    };
    expect(summarise('location', location)).toEqual({ lat: 39.9, lon: 116.4, accuracy: 5, provider: 'gps' });
    const intent = {
      $className: 'android.content.Intent',
      getAction: () => 'a.B',
      getPackage: () => null,
      getComponent: () => ({ flattenToString: () => 'com.x/.Y' }),
      getDataString: () => null,
    };
    expect(summarise('intent', intent)).toEqual({
      action: 'a.B',
      package: null,
      component: 'com.x/.Y',
      data: null,
    });
    const clip = {
      getItemCount: () => 1,
      getItemAt: () => ({ getText: () => ({ toString: () => 'copied' }) }),
    };
    expect(summarise('clip', clip)).toEqual({ items: ['copied'] });
    expect(summarise('value', { $className: 'java.lang.Object', toString: () => 'Obj@1' })).toBe('Obj@1');
  });

  it('turns signed Java byte arrays into hex, length and printable text', () => {
    const javaBytes = { length: 4, 0: 0x68, 1: 0x69, 2: -1, 3: -128 };
    expect(summarise('bytes', javaBytes)).toEqual({ length: 4, hex: '6869ff80' });
    expect(summarise('bytes', 'hi 你好')).toEqual({ length: 9, hex: '686920e4bda0e5a5bd', text: 'hi 你好' });
    const big = summarise('bytes', new Uint8Array(1000)) as {
      length: number;
      hex: string;
      truncated: boolean;
    };
    expect(big.length).toBe(1000);
    expect(big.hex).toHaveLength(LIMITS.bytes * 2);
    expect(big.truncated).toBe(true);
  });

  it('records a failing summary instead of throwing into the app', () => {
    const hostile = {
      getLatitude: () => {
        throw new Error('boom');
      },
    };
    expect(summarise('location', hostile)).toEqual({ error: 'summary failed: boom' });
    expect(summariseArgs(['string', 'none'], ['a', 'secret', 3])).toEqual(['a', '[not recorded]', 3]);
  });

  it('round-trips UTF-8 without TextEncoder', () => {
    const s = 'IMEI 867530912345671 — 设备 🚀';
    expect(utf8Decode(utf8Encode(s))).toBe(s);
    expect(utf8Encode(s)).toEqual([...Buffer.from(s)]);
    expect(utf8Decode([0xe4, 0xbd])).toBe('\ufffd\ufffd');
  });
});

describe('classifiers', () => {
  const ctx = { appPackage: 'com.example.shop', watch: [] };
  it('extracts content authorities', () => {
    expect(authorityOf('content://0@com.android.contacts/data')).toBe('com.android.contacts');
    expect(authorityOf('https://x')).toBeNull();
  });
  it('matches identifier files by glob and File objects', () => {
    expect(classify('identifierFile', ['/sys/class/net/wlan0/address'], ctx)).toMatchObject({
      data: ['wifiMac'],
    });
    expect(classify('identifierFile', [{ getAbsolutePath: () => '/proc/net/arp' }], ctx)).toMatchObject({
      data: ['bssid', 'wifiMac'],
    });
    expect(classify('identifierFile', ['/sys/class/net/wlan0/mtu'], ctx)).toBeNull();
  });
  it('counts IABTCF_ keys only', () => {
    expect(classify('iabtcfKey', ['IABTCF_TCString', null], ctx)).toEqual({});
    expect(classify('iabtcfKey', ['user_token', null], ctx)).toBeNull();
  });
});
