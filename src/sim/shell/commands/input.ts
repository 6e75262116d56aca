import type { ShellCommand } from '../types.ts';
import { KEYCODES } from './keycodes.ts';

/** `input tap|text|keyevent|swipe` — delivered to the foreground app's runtime (and HOME/BACK to the device). */
export const INPUT: ShellCommand[] = [
  {
    name: 'input',
    run(ctx) {
      let args = ctx.argv.slice(1);
      // An optional source (touchscreen, keyboard …) comes first.
      if (args[0] && !['tap', 'text', 'keyevent', 'swipe', 'press', 'roll', 'draganddrop'].includes(args[0]))
        args = args.slice(1);
      const [verb, ...rest] = args;
      const nums = rest.map(Number);
      switch (verb) {
        case 'tap':
          if (nums.length < 2 || nums.some(Number.isNaN)) break;
          ctx.device.input({ kind: 'tap', x: nums[0] as number, y: nums[1] as number });
          return 0;
        case 'swipe':
          if (nums.length < 4 || nums.some(Number.isNaN)) break;
          ctx.device.input({
            kind: 'swipe',
            x1: nums[0] as number,
            y1: nums[1] as number,
            x2: nums[2] as number,
            y2: nums[3] as number,
            durationMs: nums[4] ?? 300,
          });
          return 0;
        case 'text':
          if (rest.length === 0) break;
          // `input text` takes %s for spaces, as on Android.
          ctx.device.input({ kind: 'text', text: rest.join(' ').replace(/%s/g, ' ') });
          return 0;
        case 'keyevent':
        case 'press': {
          const keys = verb === 'press' ? ['KEYCODE_DPAD_CENTER'] : rest.filter((k) => k !== '--longpress');
          if (keys.length === 0) break;
          for (const k of keys) {
            const code = /^\d+$/.test(k)
              ? Number(k)
              : KEYCODES[k.startsWith('KEYCODE_') ? k : `KEYCODE_${k}`];
            if (code === undefined) {
              ctx.err(`Error: Unknown keycode: ${k}\n`);
              return 1;
            }
            const name = Object.entries(KEYCODES).find(([, c]) => c === code)?.[0] ?? `KEYCODE_${code}`;
            ctx.device.input({ kind: 'key', code, name });
          }
          return 0;
        }
      }
      ctx.err(
        'Usage: input [<source>] <command> [<arg>...]\n\nThe commands and default sources are:\n      text <string> (Default: touchscreen)\n      keyevent [--longpress] <key code number or name> ... (Default: keyboard)\n      tap <x> <y> (Default: touchscreen)\n      swipe <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)\n',
      );
      return 1;
    },
  },
];
