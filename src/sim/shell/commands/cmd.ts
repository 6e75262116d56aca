import type { ShellCommand } from '../types.ts';
import { runActivityCommand } from './am.ts';
import { runPackageCommand } from './pm.ts';

/**
 * `cmd SERVICE …` — the binder shell-command entry point. adb 29 uses `cmd package install -S` to
 * stream installs and `cmd package uninstall`. `cmd clipboard set|get` is the sim's way to seed and
 * read the clipboard (Android 10 has no shell command for it; farms install a helper app instead).
 */
export const CMD: ShellCommand[] = [
  {
    name: 'cmd',
    async run(ctx) {
      const [service, ...args] = ctx.argv.slice(1);
      switch (service) {
        case 'package':
          return runPackageCommand(ctx, args);
        case 'activity':
          return runActivityCommand(ctx, args);
        case 'clipboard': {
          const [verb, ...text] = args;
          if (verb === 'set' || verb === 'set-primary-clip') {
            ctx.device.clipboard.push(text.join(' '));
            return 0;
          }
          if (verb === 'get' || verb === 'get-primary-clip') {
            ctx.out(`${ctx.device.clipboard.at(-1) ?? ''}\n`);
            return 0;
          }
          ctx.err('usage: cmd clipboard set TEXT | get\n');
          return 1;
        }
        case 'location': {
          // Android 12+'s test providers, which is how the farm plants a mock location:
          //   cmd location providers add-test-provider gps
          //   cmd location providers set-test-provider-location gps --location LAT,LON
          // (`set-location LAT,LON` is kept as a sim shorthand.)
          const [verb, ...rest] = args;
          if (verb === 'providers' && rest[0] === 'add-test-provider' && rest[1]) return 0;
          const value =
            verb === 'set-location'
              ? rest[0]
              : verb === 'providers' && rest[0] === 'set-test-provider-location'
                ? rest[rest.indexOf('--location') + 1]
                : undefined;
          const m = /^(-?[\d.]+),(-?[\d.]+)$/.exec(value ?? '');
          if (m) {
            ctx.device.location = { lat: Number(m[1]), lon: Number(m[2]) };
            return 0;
          }
          ctx.err('usage: cmd location providers set-test-provider-location PROVIDER --location LAT,LON\n');
          return 1;
        }
        case undefined:
          ctx.err('cmd: No service specified; use -l to list all services\n');
          return 20;
        default:
          ctx.err(`cmd: Can't find service: ${service}\n`);
          return 20;
      }
    },
  },
];
