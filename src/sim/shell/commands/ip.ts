import type { ShellCommand } from '../types.ts';

/** `ip addr [show wlan0]` / `ifconfig wlan0`: the Wi-Fi MAC and address, as the shell user sees them. */
export const IP: ShellCommand[] = [
  {
    name: 'ip',
    run(ctx) {
      const [obj] = ctx.argv.slice(1);
      if (!obj || !['addr', 'a', 'address', 'link'].includes(obj)) {
        ctx.err('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n');
        return 255;
      }
      const id = ctx.device.identity;
      ctx.out(
        [
          '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
          '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
          ...(obj === 'link' ? [] : ['    inet 127.0.0.1/8 scope host lo']),
          '30: wlan0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 3000',
          `    link/ether ${id.wifiMac} brd ff:ff:ff:ff:ff:ff`,
          ...(obj === 'link'
            ? []
            : [`    inet ${id.wifiIp}/24 brd ${id.wifiIp.replace(/\.\d+$/, '.255')} scope global wlan0`]),
          '',
        ].join('\n'),
      );
      return 0;
    },
  },
];
