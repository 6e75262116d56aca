import type { HookRow } from './types.ts';

/** Shell commands run by the app (SDKs read `getprop`, `cat /sys/class/net/wlan0/address`, `pm list`). */
export const EXEC: HookRow[] = [
  {
    class: 'java.lang.Runtime',
    method: 'exec',
    category: 'exec',
    data: [],
    args: ['list', 'list', 'value'],
    ret: 'none',
    source: 'https://developer.android.com/reference/java/lang/Runtime#exec(java.lang.String[])',
  },
  {
    class: 'java.lang.ProcessBuilder',
    method: 'start',
    category: 'exec',
    data: [],
    ret: 'none',
    source: 'https://developer.android.com/reference/java/lang/ProcessBuilder#start()',
  },
];
