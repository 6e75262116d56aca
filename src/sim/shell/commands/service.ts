import type { SimIdentity } from '../../identity.ts';
import type { ShellCommand } from '../types.ts';

/**
 * `service call iphonesubinfo CODE`: transaction codes are the method order of Android 10's
 * IPhoneSubInfo.aidl (1 getDeviceId … 13 getLine1Number); the shell user holds
 * READ_PRIVILEGED_PHONE_STATE, so it gets the values, as on emulators and userdebug builds.
 */
const IPHONESUBINFO: Record<number, (id: SimIdentity) => string> = {
  1: (id) => id.imei[0] ?? '',
  3: (id) => id.imei[0] ?? '',
  4: (id) => id.imei[0] ?? '',
  7: (id) => id.imsi,
  8: (id) => id.imsi,
  11: (id) => id.iccid,
  12: (id) => id.iccid,
  13: (id) => id.phoneNumber,
  14: (id) => id.phoneNumber,
};

/** A reply Parcel holding (no exception, String16) printed as `service call` does: 4 words a line, then the chars. */
export function formatParcelString(value: string): string {
  const words: number[] = [0, value.length];
  const units = [...value].map((c) => c.charCodeAt(0));
  units.push(0);
  if (units.length % 2) units.push(0);
  for (let i = 0; i < units.length; i += 2)
    words.push(((units[i + 1] as number) << 16) | (units[i] as number));
  const bytes = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => bytes.writeUInt32LE(w >>> 0, i * 4));
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const hex: string[] = [];
    for (let i = 0; i < chunk.length; i += 4) hex.push(chunk.readUInt32LE(i).toString(16).padStart(8, '0'));
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`  0x${off.toString(16).padStart(8, '0')}: ${hex.join(' ').padEnd(35)} '${ascii.padEnd(16)}'`);
  }
  return `Result: Parcel(\n${lines.join('\n')})\n`;
}

export const SERVICE: ShellCommand[] = [
  {
    name: 'service',
    run(ctx) {
      const [verb, name, code] = ctx.argv.slice(1);
      if (verb === 'list') {
        ctx.out(
          'Found 6 services:\n0\tphone: [com.android.internal.telephony.ITelephony]\n1\tiphonesubinfo: [com.android.internal.telephony.IPhoneSubInfo]\n2\twifi: [android.net.wifi.IWifiManager]\n3\tpackage: [android.content.pm.IPackageManager]\n4\tactivity: [android.app.IActivityManager]\n5\tclipboard: [android.content.IClipboard]\n',
        );
        return 0;
      }
      if (verb === 'check') {
        ctx.out(`Service ${name ?? ''}: ${name ? 'found' : 'not found'}\n`);
        return 0;
      }
      if (verb === 'call' && name === 'iphonesubinfo') {
        const get = IPHONESUBINFO[Number(code)];
        if (!get) {
          // Unknown transaction: the binder replies with an exception header (-1, SecurityException-ish).
          ctx.out("Result: Parcel(\n  0x00000000: ffffffb5 00000000                   '........        ')\n");
          return 0;
        }
        ctx.out(formatParcelString(get(ctx.device.identity)));
        return 0;
      }
      if (verb === 'call') {
        ctx.out("Result: Parcel(00000000    '....')\n");
        return 0;
      }
      ctx.err(
        'Usage: service [-h|-?]\n       service list\n       service check SERVICE\n       service call SERVICE CODE [i32 N | i64 N | f N | d N | s16 STR ] ...\n',
      );
      return 1;
    },
  },
];
