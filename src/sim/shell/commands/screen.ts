import { placeholderScreen } from '../../screen/png.ts';
import type { ShellCommand } from '../types.ts';

/** `screencap [-p] [FILE]` and `wm size|density`. */
export const SCREEN: ShellCommand[] = [
  {
    name: 'screencap',
    run(ctx) {
      const args = ctx.argv.slice(1);
      const file = args.find((a) => !a.startsWith('-'));
      const png = ctx.device.screenshot();
      if (file) ctx.device.fs.write(file, png);
      else if (args.includes('-p')) ctx.out(png);
      else {
        // Without -p screencap writes raw RGBA with a 12-byte header; tooling always asks for -p, so send the PNG.
        ctx.out(png);
      }
      return 0;
    },
  },
  {
    name: 'wm',
    run(ctx) {
      const [verb, value] = ctx.argv.slice(1);
      const base = ctx.device.identity.profile.screen;
      if (verb === 'size') {
        if (value === 'reset') ctx.device.screenOverride = null;
        else if (value) {
          const m = /^(\d+)x(\d+)$/.exec(value);
          if (!m) {
            ctx.err(`Error: bad size ${value}\n`);
            return 255;
          }
          ctx.device.screenOverride = { width: Number(m[1]), height: Number(m[2]) };
        } else {
          ctx.out(`Physical size: ${base.width}x${base.height}\n`);
          const o = ctx.device.screenOverride;
          if (o) ctx.out(`Override size: ${o.width}x${o.height}\n`);
        }
        return 0;
      }
      if (verb === 'density') {
        ctx.out(`Physical density: ${base.density}\n`);
        return 0;
      }
      ctx.err(`Error: unknown command '${verb ?? ''}'\n`);
      return 255;
    },
  },
];

export { placeholderScreen };
