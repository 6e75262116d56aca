import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimDevice } from '../../src/sim/device/device.ts';
import type { AppRuntime, InputEvent } from '../../src/sim/device/runtime.ts';
import { runShellLine } from '../../src/sim/shell/interpreter.ts';
import { bufferStdin } from '../../src/sim/shell/types.ts';
import { ensureApks } from './helpers.ts';

async function sh(
  d: SimDevice,
  line: string,
  stdin?: Buffer,
): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await runShellLine(d, line, {
    stdin: stdin ? bufferStdin(stdin) : undefined,
    output: { out: (b) => (out += b.toString()), err: (b) => (err += b.toString()) },
  });
  return { out, err, code };
}

let apks: ReturnType<typeof ensureApks>;
beforeAll(() => {
  apks = ensureApks();
});

describe('sim shell: properties and settings', () => {
  it('prints every property in getprop format and single ones by name', async () => {
    const d = new SimDevice('props');
    const all = await sh(d, 'getprop');
    expect(all.out).toContain(`[ro.serialno]: [${d.identity.serial}]`);
    expect(all.out).toContain('[sys.boot_completed]: [1]');
    expect((await sh(d, 'getprop ro.product.cpu.abi')).out).toBe('arm64-v8a\n');
    expect((await sh(d, 'getprop no.such.prop')).out).toBe('\n');
  });

  it('gets, puts, deletes and lists settings with Android output', async () => {
    const d = new SimDevice('settings');
    expect((await sh(d, 'settings get secure android_id')).out).toBe(`${d.identity.androidId}\n`);
    expect((await sh(d, 'settings get global http_proxy')).out).toBe('null\n');
    expect((await sh(d, 'settings put global http_proxy 127.0.0.1:8080')).code).toBe(0);
    expect(d.settings.global.get('http_proxy')).toBe('127.0.0.1:8080');
    expect((await sh(d, 'settings list global')).out).toContain('http_proxy=127.0.0.1:8080\n');
    expect((await sh(d, 'settings delete global http_proxy')).out).toBe('Deleted 1 rows\n');
    expect((await sh(d, 'settings get global http_proxy')).out).toBe('null\n');
  });

  it('greps piped input and files, with -i, -v, -c and -e', async () => {
    const d = new SimDevice('grep');
    d.fs.write('/sdcard/notes.txt', Buffer.from('Alpha\nbeta\nGamma\n'));
    expect((await sh(d, 'grep -i alpha /sdcard/notes.txt')).out).toBe('Alpha\n');
    expect((await sh(d, 'cat /sdcard/notes.txt | grep -v -e beta')).out).toBe('Alpha\nGamma\n');
    expect((await sh(d, 'grep -c a /sdcard/notes.txt')).out).toBe('3\n');
    const none = await sh(d, 'echo x | grep y');
    expect([none.out, none.code]).toEqual(['', 1]);
  });

  it('answers unknown commands like Android with 127', async () => {
    const d = new SimDevice('unknown');
    const r = await sh(d, 'nosuchtool -x; echo rc=$?');
    expect(r.err).toBe('/system/bin/sh: nosuchtool: inaccessible or not found\n');
    expect(r.out).toBe('rc=127\n');
  });
});

describe('sim shell: packages, activities, permissions', () => {
  it('installs from a pushed file and from a streamed -S install', async () => {
    const d = new SimDevice('pm');
    d.fs.write('/data/local/tmp/hello.apk', fs.readFileSync(apks.hello));
    expect((await sh(d, 'pm install -r /data/local/tmp/hello.apk')).out).toBe('Success\n');
    const model = fs.readFileSync(apks.model);
    expect((await sh(d, `cmd package install -S ${model.length}`, model)).out).toBe('Success\n');
    expect((await sh(d, 'pm list packages -3')).out).toBe(
      'package:com.appwarden.fixture.hello\npackage:com.appwarden.fixture.model\n',
    );
    expect((await sh(d, 'pm list packages -f model')).out).toBe(
      'package:/data/app/com.appwarden.fixture.model-1/base.apk=com.appwarden.fixture.model\n',
    );
    expect(d.packages.get('com.appwarden.fixture.model')?.model).toContain(
      'app: com.appwarden.fixture.model',
    );
    const short = await sh(d, `cmd package install -S ${model.length + 10}`, model);
    expect(short.out).toMatch(/^Failure \[INSTALL_FAILED_INVALID_APK/);
  });

  it('grants and revokes runtime permissions, refusing install-time and unrequested ones', async () => {
    const d = new SimDevice('perm');
    d.install(fs.readFileSync(apks.model));
    const pkg = 'com.appwarden.fixture.model';
    expect((await sh(d, `pm grant ${pkg} android.permission.READ_PHONE_STATE`)).code).toBe(0);
    let dump = (await sh(d, `dumpsys package ${pkg}`)).out;
    expect(dump).toContain('android.permission.READ_PHONE_STATE: granted=true');
    expect(dump).toContain('android.permission.ACCESS_FINE_LOCATION: granted=false');
    expect(dump).toContain('versionCode=7 minSdk=23 targetSdk=29');
    expect((await sh(d, `pm revoke ${pkg} android.permission.READ_PHONE_STATE`)).code).toBe(0);
    dump = (await sh(d, `pm dump ${pkg}`)).out;
    expect(dump).toContain('android.permission.READ_PHONE_STATE: granted=false');
    const notChangeable = await sh(d, `pm grant ${pkg} android.permission.INTERNET`);
    expect(notChangeable.code).toBe(255);
    expect(notChangeable.err).toContain('is not a changeable permission type');
    expect((await sh(d, `pm grant ${pkg} android.permission.CAMERA`)).err).toContain(
      'has not requested permission',
    );
    expect((await sh(d, 'pm grant com.nope android.permission.CAMERA')).err).toContain(
      'Unknown package: com.nope',
    );
  });

  it('starts activities with am and reports them in dumpsys activity/window, then force-stops', async () => {
    const d = new SimDevice('am');
    d.install(fs.readFileSync(apks.hello));
    const start = await sh(d, 'am start -W -n com.appwarden.fixture.hello/.SettingsActivity');
    expect(start.out).toContain('Activity: com.appwarden.fixture.hello/.SettingsActivity');
    const acts = (await sh(d, 'dumpsys activity activities')).out;
    expect(acts).toMatch(
      /mResumedActivity: ActivityRecord\{\w+ u0 com\.appwarden\.fixture\.hello\/\.SettingsActivity t\d+\}/,
    );
    const win = (await sh(d, "dumpsys window windows | grep -E 'mCurrentFocus|mFocusedApp'")).out.split('\n');
    expect(win[0]).toMatch(
      /mCurrentFocus=Window\{\w+ u0 com\.appwarden\.fixture\.hello\/com\.appwarden\.fixture\.hello\.SettingsActivity\}/,
    );
    const pid = (await sh(d, 'pidof com.appwarden.fixture.hello')).out.trim();
    expect((await sh(d, 'ps -A')).out).toMatch(
      new RegExp(`\\s${pid}\\s+612 .* com\\.appwarden\\.fixture\\.hello\\n`),
    );
    await sh(d, 'am force-stop com.appwarden.fixture.hello');
    expect((await sh(d, 'pidof com.appwarden.fixture.hello')).code).toBe(1);
    expect((await sh(d, 'dumpsys window')).out).toContain('mCurrentFocus=Window{');
    expect(d.foreground().pkg).toBe('com.android.launcher3');
    const bad = await sh(d, 'am start -n com.appwarden.fixture.hello/.Nope');
    expect(bad.err).toContain(
      'Error: Activity class {com.appwarden.fixture.hello/com.appwarden.fixture.hello.Nope} does not exist.',
    );
  });

  it('calls the app runtime on launch, input, background, permission result and force-stop', async () => {
    const d = new SimDevice('runtime');
    d.install(fs.readFileSync(apks.model));
    const calls: string[] = [];
    const rt: AppRuntime = {
      onLaunch: (a) => void calls.push(`launch ${a}`),
      onForceStop: () => void calls.push('stop'),
      onPermissionResult: (p, g) => void calls.push(`perm ${p} ${g}`),
      onBackground: () => void calls.push('bg'),
      onForeground: () => void calls.push('fg'),
      onShake: (peak) => void calls.push(`shake ${peak}`),
      onInput: (e: InputEvent) => void calls.push(`input ${e.kind}`),
    };
    d.setRuntimeFactory((pkg) => (pkg.model ? rt : undefined));
    await sh(d, 'monkey -p com.appwarden.fixture.model -c android.intent.category.LAUNCHER 1');
    await sh(d, 'input tap 100 200');
    await sh(d, 'pm grant com.appwarden.fixture.model android.permission.READ_CONTACTS');
    await sh(d, 'input keyevent KEYCODE_HOME');
    await sh(d, 'am start -n com.appwarden.fixture.model/.MainActivity');
    d.shake(25);
    await sh(d, 'am force-stop com.appwarden.fixture.model');
    expect(calls).toEqual([
      'launch com.appwarden.fixture.model.MainActivity',
      'input tap',
      'perm android.permission.READ_CONTACTS true',
      'bg',
      'fg',
      'shake 25',
      'stop',
    ]);
  });
});

describe('sim shell: honey data and identity commands', () => {
  it('stores contacts and SMS written with content insert and reads them back', async () => {
    const d = new SimDevice('content');
    await sh(
      d,
      'content insert --uri content://com.android.contacts/raw_contacts --bind account_type:n: --bind account_name:n:',
    );
    await sh(
      d,
      "content insert --uri content://com.android.contacts/data --bind raw_contact_id:i:1 --bind mimetype:s:vnd.android.cursor.item/name --bind 'data1:s:Canary Chen'",
    );
    await sh(
      d,
      'content insert --uri content://com.android.contacts/data --bind raw_contact_id:i:1 --bind mimetype:s:vnd.android.cursor.item/phone_v2 --bind data1:s:+8613900001111',
    );
    await sh(
      d,
      "content insert --uri content://sms/inbox --bind address:s:+8610086 --bind 'body:s:Your code is 4711'",
    );
    expect(d.identityFile().contacts).toEqual([{ name: 'Canary Chen', phone: '+8613900001111' }]);
    expect(d.identityFile().sms).toEqual(['Your code is 4711']);
    const q = await sh(d, 'content query --uri content://sms/inbox --projection address:body');
    expect(q.out).toBe('Row: 0 address=+8610086, body=Your code is 4711\n');
    await sh(d, "cmd clipboard set 'canary token 42'");
    expect((await sh(d, 'cmd clipboard get')).out).toBe('canary token 42\n');
    expect(d.identityFile().clipboard).toEqual(['canary token 42']);
    expect((await sh(d, 'cmd location set-location 39.9042,116.4074')).code).toBe(0);
    expect(d.identityFile().location).toEqual({ lat: 39.9042, lon: 116.4074 });
    expect((await sh(d, 'dumpsys location')).out).toContain('gps 39.904200,116.407400');
  });

  it('reads IMEI, IMSI and ICCID through service call iphonesubinfo as a String16 parcel', async () => {
    const d = new SimDevice('subinfo');
    const parcelText = (out: string): string =>
      [...out.matchAll(/'([^']*)'/g)]
        .map((m) => m[1])
        .join('')
        .replace(/\./g, '')
        .trim();
    expect(parcelText((await sh(d, 'service call iphonesubinfo 1')).out)).toBe(d.identity.imei[0]);
    expect(parcelText((await sh(d, 'service call iphonesubinfo 8 i32 0')).out)).toBe(d.identity.imsi);
    expect(parcelText((await sh(d, 'service call iphonesubinfo 11')).out)).toBe(d.identity.iccid);
  });

  it('shows Wi-Fi identity in dumpsys wifi and the MAC in sysfs', async () => {
    const d = new SimDevice('wifi');
    const w = (await sh(d, 'dumpsys wifi | grep mWifiInfo')).out;
    expect(w).toContain(`SSID: "${d.identity.ssid}", BSSID: ${d.identity.bssid}, MAC: ${d.identity.wifiMac}`);
    expect((await sh(d, 'cat /sys/class/net/wlan0/address')).out).toBe(`${d.identity.wifiMac}\n`);
  });

  it('shows accounts, the Bluetooth address and the Wi-Fi MAC where real tooling looks', async () => {
    const d = new SimDevice('accounts');
    const acct = d.identity.accounts[0]!;
    expect((await sh(d, 'dumpsys account')).out).toContain(`Account {name=${acct.name}, type=com.google}`);
    expect((await sh(d, 'dumpsys bluetooth_manager')).out).toContain(
      `address: ${d.identity.bluetoothMac.toUpperCase()}`,
    );
    expect((await sh(d, 'ip addr show wlan0')).out).toContain(`link/ether ${d.identity.wifiMac} brd`);
    expect(d.identityFile().email).toEqual([acct.name]);
  });

  it('filters logcat by tag and level and clears it', async () => {
    const d = new SimDevice('logcat');
    d.writeLog('D', 'Umeng', 'debug line');
    d.writeLog('E', 'Umeng', 'error line');
    d.writeLog('I', 'Other', 'other line');
    const r = await sh(d, 'logcat -d Umeng:E *:S');
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.out).toMatch(/ E Umeng {3}: error line\n$/);
    await sh(d, 'logcat -c');
    expect((await sh(d, 'logcat -d')).out).toBe('');
  });

  it('reports and overrides the screen size with wm size', async () => {
    const d = new SimDevice('wm');
    const { width, height } = d.identity.profile.screen;
    expect((await sh(d, 'wm size')).out).toBe(`Physical size: ${width}x${height}\n`);
    await sh(d, 'wm size 720x1280');
    expect((await sh(d, 'wm size')).out).toContain('Override size: 720x1280');
    const png = d.screenshot();
    expect(png.readUInt32BE(16)).toBe(720);
  });
});
