import { PackageFailure, shortComponent } from '../../device/packages.ts';
import { LAUNCHER } from '../../device/system-packages.ts';
import type { CommandContext, ShellCommand } from '../types.ts';

/** Which package answers an implicit intent's action when no component is named. */
const ACTION_HANDLERS: { prefix: string; pkg: string }[] = [
  { prefix: 'android.settings.', pkg: 'com.android.settings' },
  { prefix: 'android.intent.action.VIEW', pkg: 'com.android.chrome' },
];

interface Intent {
  action?: string;
  categories: string[];
  data?: string;
  component?: string;
  pkg?: string;
  wait: boolean;
  stopFirst: boolean;
  extras: Record<string, string>;
}

function parseIntent(args: string[]): Intent {
  const intent: Intent = { categories: [], wait: false, stopFirst: false, extras: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    switch (a) {
      case '-a':
        intent.action = args[++i];
        break;
      case '-c':
        intent.categories.push(args[++i] ?? '');
        break;
      case '-d':
        intent.data = args[++i];
        break;
      case '-n':
        intent.component = args[++i];
        break;
      case '-p':
        intent.pkg = args[++i];
        break;
      case '-W':
        intent.wait = true;
        break;
      case '-S':
        intent.stopFirst = true;
        break;
      case '-e':
      case '--es':
      case '--ez':
      case '--ei': {
        const k = args[++i];
        const v = args[++i];
        if (k !== undefined) intent.extras[k] = v ?? '';
        break;
      }
      case '--user':
      case '-f':
      case '--activity-brought-to-front':
        if (a !== '--activity-brought-to-front') i++;
        break;
      default:
        if (!a.startsWith('-') && !intent.component && a.includes('/')) intent.component = a;
    }
  }
  return intent;
}

function describe(intent: Intent): string {
  const parts = [
    intent.action && `act=${intent.action}`,
    intent.categories.length && `cat=[${intent.categories.join(',')}]`,
    intent.data && `dat=${intent.data}`,
    intent.pkg && `pkg=${intent.pkg}`,
    intent.component && `cmp=${intent.component}`,
  ].filter(Boolean);
  return `Intent { ${parts.join(' ')} }`;
}

function start(ctx: CommandContext, args: string[]): number {
  const intent = parseIntent(args);
  let pkg: string | undefined;
  let activity: string | undefined;
  if (intent.component) {
    const [p, a] = intent.component.split('/');
    pkg = p;
    activity = a ? (a.startsWith('.') ? `${p}${a}` : a) : undefined;
  } else if (intent.pkg) {
    pkg = intent.pkg;
  } else if (intent.categories.includes('android.intent.category.HOME')) {
    pkg = LAUNCHER.pkg;
  } else if (intent.action) {
    pkg = ACTION_HANDLERS.find((h) => intent.action?.startsWith(h.prefix))?.pkg;
  }
  ctx.out(`Starting: ${describe(intent)}\n`);
  if (!pkg) {
    ctx.err(`Error: Activity not started, unable to resolve ${describe(intent)}\n`);
    return 1;
  }
  const began = Date.now();
  try {
    if (intent.stopFirst) ctx.device.forceStop(pkg);
    const top = ctx.device.startActivity(pkg, activity);
    if (intent.wait) {
      const ms = Math.max(1, Date.now() - began);
      ctx.out(
        `Status: ok\nLaunchState: COLD\nActivity: ${shortComponent(top.pkg, top.activity)}\nTotalTime: ${ms}\nWaitTime: ${ms + 2}\nComplete\n`,
      );
    }
    return 0;
  } catch (err) {
    if (!(err instanceof PackageFailure)) throw err;
    ctx.err(`Error type 3\n${err.message}\n`);
    return 1;
  }
}

function broadcast(ctx: CommandContext, args: string[]): number {
  const intent = parseIntent(args);
  // The Clipper convention (am broadcast -a clipper.set -e text …) that device farms use for clipboard honey data.
  if (intent.action === 'clipper.set' && intent.extras.text !== undefined) {
    ctx.device.clipboard.push(intent.extras.text);
    ctx.out(
      `Broadcasting: ${describe(intent)}\nBroadcast completed: result=-1, data="Text is copied into clipboard."\n`,
    );
    return 0;
  }
  ctx.out(`Broadcasting: ${describe(intent)}\nBroadcast completed: result=0\n`);
  return 0;
}

async function am(ctx: CommandContext, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'start':
    case 'start-activity':
      return start(ctx, rest);
    case 'force-stop':
    case 'kill': {
      const pkg = rest.filter((a, i) => !a.startsWith('-') && rest[i - 1] !== '--user')[0];
      if (pkg) ctx.device.forceStop(pkg);
      return 0;
    }
    case 'broadcast':
      return broadcast(ctx, rest);
    case 'get-current-user':
      ctx.out('0\n');
      return 0;
    default:
      ctx.err(`Error: Unknown command: ${verb ?? ''}\n`);
      return 1;
  }
}

export const AM: ShellCommand[] = [{ name: 'am', run: (ctx) => am(ctx, ctx.argv.slice(1)) }];
export { am as runActivityCommand };
