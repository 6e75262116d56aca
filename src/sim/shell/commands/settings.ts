import { SETTINGS_NAMESPACES, type SettingsNamespace } from '../../device/settings.ts';
import { javaException, type ShellCommand } from '../types.ts';

const USAGE = `Settings provider (settings) commands:
  help
      Print this help text.
  get [--user <USER_ID> | current] NAMESPACE KEY
      Retrieve the current value of KEY.
  put [--user <USER_ID> | current] NAMESPACE KEY VALUE [TAG] [default]
      Change the contents of KEY to VALUE.
  delete [--user <USER_ID> | current] NAMESPACE KEY
      Delete the entry for KEY.
  list [--user <USER_ID> | current] NAMESPACE
      Print all defined keys.

NAMESPACE is one of {system, secure, global}, case-insensitive
`;

function isNamespace(s: string | undefined): s is SettingsNamespace {
  return SETTINGS_NAMESPACES.includes(s as SettingsNamespace);
}

/** `settings get|put|delete|list` with Android 10's output: `null` for unset keys, `Deleted N rows`. */
export const SETTINGS: ShellCommand[] = [
  {
    name: 'settings',
    run(ctx) {
      const args = ctx.argv.slice(1);
      const user = args.indexOf('--user');
      if (user >= 0) args.splice(user, 2);
      const [verb, rawNs, key, value] = args;
      const ns = rawNs?.toLowerCase();
      if (!verb || verb === 'help' || !isNamespace(ns)) {
        if (verb && verb !== 'help') {
          return javaException(ctx, `java.lang.IllegalArgumentException: Invalid namespace: ${rawNs ?? ''}`);
        }
        ctx.out(USAGE);
        return verb ? 0 : 255;
      }
      const store = ctx.device.settings[ns];
      switch (verb) {
        case 'get':
          if (!key) break;
          ctx.out(`${store.get(key) ?? 'null'}\n`);
          return 0;
        case 'put':
          if (!key || value === undefined) break;
          store.set(key, value);
          ctx.device.writeLog('D', 'SettingsProvider', `put ${ns}/${key}`);
          return 0;
        case 'delete':
          if (!key) break;
          ctx.out(`Deleted ${store.delete(key) ? 1 : 0} rows\n`);
          return 0;
        case 'list':
          for (const [k, v] of [...store].sort(([a], [b]) => a.localeCompare(b))) ctx.out(`${k}=${v}\n`);
          return 0;
      }
      ctx.err(`Invalid arguments for ${verb}\n`);
      ctx.out(USAGE);
      return 255;
    },
  },
];
