import type { ShellCommand } from '../types.ts';

export const GETPROP: ShellCommand[] = [
  {
    name: 'getprop',
    run(ctx) {
      const name = ctx.argv[1];
      if (name) {
        ctx.out(`${ctx.device.props.get(name) ?? ctx.argv[2] ?? ''}\n`);
        return 0;
      }
      for (const [k, v] of ctx.device.props) ctx.out(`[${k}]: [${v}]\n`);
      return 0;
    },
  },
  {
    name: 'setprop',
    run(ctx) {
      const [name, value] = ctx.argv.slice(1);
      if (!name || value === undefined) {
        ctx.err('usage: setprop NAME VALUE\n');
        return 1;
      }
      // ro.* are read-only once set, as on Android (the shell user cannot change them).
      if (name.startsWith('ro.') && ctx.device.props.has(name)) {
        ctx.err(`Failed to set property '${name}' to '${value}'.\nSee dmesg for error reason.\n`);
        return 1;
      }
      ctx.device.props.set(name, value);
      return 0;
    },
  },
];
