import { AM } from './commands/am.ts';
import { BUILTINS } from './commands/builtins.ts';
import { CMD } from './commands/cmd.ts';
import { ROOT } from './commands/root.ts';
import { CONTENT } from './commands/content.ts';
import { DUMPSYS } from './commands/dumpsys.ts';
import { GETPROP } from './commands/getprop.ts';
import { INPUT } from './commands/input.ts';
import { IP } from './commands/ip.ts';
import { LOGCAT } from './commands/logcat.ts';
import { MONKEY } from './commands/monkey.ts';
import { PM } from './commands/pm.ts';
import { PS } from './commands/ps.ts';
import { SCREEN } from './commands/screen.ts';
import { SERVICE } from './commands/service.ts';
import { SYSTEM } from './commands/system.ts';
import { SENSOR } from './commands/sensor.ts';
import { SETTINGS } from './commands/settings.ts';
import { UIAUTOMATOR } from './commands/uiautomator.ts';
import type { ShellCommand } from './types.ts';

/** Every command the sim's shell knows: one family per file, one line here. */
const FAMILIES: ShellCommand[][] = [
  BUILTINS,
  GETPROP,
  SETTINGS,
  PM,
  AM,
  CMD,
  DUMPSYS,
  INPUT,
  MONKEY,
  PS,
  LOGCAT,
  SCREEN,
  CONTENT,
  SERVICE,
  IP,
  ROOT,
  UIAUTOMATOR,
  SENSOR,
  SYSTEM,
];

export function buildCommandTable(families: ShellCommand[][]): Map<string, ShellCommand> {
  const table = new Map<string, ShellCommand>();
  for (const c of families.flat()) {
    for (const name of [c.name, ...(c.aliases ?? [])]) {
      if (table.has(name))
        throw new Error(`Failed to register sim shell command ${name}: the name is already taken.`);
      table.set(name, c);
    }
  }
  return table;
}

export const COMMAND_TABLE: ReadonlyMap<string, ShellCommand> = buildCommandTable(FAMILIES);
