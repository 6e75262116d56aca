import type { HookRow } from './types.ts';

/**
 * Java-level opens of identifier-bearing files (/proc/net/arp → BSSID/MACs of neighbours,
 * /sys/class/net/<if>/address → MAC). Native reads go through libc `open`, hooked by the Frida entry.
 */
export const FILES: HookRow[] = [
  {
    class: 'java.io.FileInputStream',
    method: '$init',
    category: 'file',
    data: ['wifiMac'],
    args: ['value'],
    classify: 'identifierFile',
    source:
      'https://developer.android.com/reference/java/io/FileInputStream#FileInputStream(java.lang.String)',
  },
  {
    class: 'java.io.FileReader',
    method: '$init',
    category: 'file',
    data: ['wifiMac'],
    args: ['value'],
    classify: 'identifierFile',
    source: 'https://developer.android.com/reference/java/io/FileReader#FileReader(java.lang.String)',
  },
  {
    class: 'java.io.RandomAccessFile',
    method: '$init',
    category: 'file',
    data: ['wifiMac'],
    args: ['value', 'value'],
    classify: 'identifierFile',
    source:
      'https://developer.android.com/reference/java/io/RandomAccessFile#RandomAccessFile(java.lang.String,%20java.lang.String)',
  },
];
