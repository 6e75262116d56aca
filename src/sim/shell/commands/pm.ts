import { ApkInstallError } from '../../apk/manifest.ts';
import { PackageFailure } from '../../device/packages.ts';
import { javaException, type CommandContext, type ShellCommand } from '../types.ts';
import { dumpPackage } from './dumpsys-package.ts';
import { installAbandon, installCommit, installCreate, installWrite } from './install-session.ts';

/**
 * `pm` and `cmd package` (the same PackageManagerShellCommand on Android 10). `install -S SIZE`
 * reads the APK from stdin — that is how adb 29 streams `adb install` to a device with the `cmd` feature.
 */

function installFlags(args: string[]): { replace: boolean; grantAll: boolean; size?: number; path?: string } {
  let size: number | undefined;
  let replace = true; // Android 10 replaces existing packages by default (-r is a no-op since N)
  let grantAll = false;
  let path: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-S') size = Number(args[++i]);
    else if (a === '-g') grantAll = true;
    else if (a === '-r') replace = true;
    else if (
      ['-i', '--user', '--install-location', '--originating-uri', '--referrer', '-p', '--pkg'].includes(a)
    )
      i++;
    else if (!a.startsWith('-')) path = a;
  }
  return { replace, grantAll, size, path };
}

async function install(ctx: CommandContext, args: string[]): Promise<number> {
  const flags = installFlags(args);
  let apk: Buffer;
  if (flags.size !== undefined) {
    if (!Number.isSafeInteger(flags.size) || flags.size < 0) {
      ctx.err(`Error: APK content size ${args.join(' ')} is invalid\n`);
      return 1;
    }
    apk = await ctx.stdin.readExactly(flags.size);
    if (apk.length !== flags.size) {
      ctx.out(
        `Failure [INSTALL_FAILED_INVALID_APK: Incomplete APK: got ${apk.length} of ${flags.size} bytes]\n`,
      );
      return 1;
    }
  } else if (flags.path) {
    const data = ctx.device.fs.read(flags.path);
    if (!data) {
      ctx.out(`Failure [INSTALL_FAILED_INVALID_URI: File ${flags.path} not found]\n`);
      return 1;
    }
    apk = data;
  } else {
    ctx.err('Error: must either specify a package size or an APK file\n');
    return 1;
  }
  try {
    ctx.device.install(apk, { replace: flags.replace, grantAll: flags.grantAll });
    ctx.out('Success\n');
    return 0;
  } catch (err) {
    if (err instanceof ApkInstallError || err instanceof PackageFailure) {
      ctx.out(`Failure [${err.message}]\n`);
      return 1;
    }
    throw err;
  }
}

function listPackages(ctx: CommandContext, args: string[]): number {
  const opts = args.filter((a) => a.startsWith('-')).join('');
  const filter = args.find((a) => !a.startsWith('-'));
  for (const p of ctx.device.packages.all()) {
    if (opts.includes('3') && p.system) continue;
    if (opts.includes('s') && !p.system) continue;
    if (filter && !p.name.includes(filter)) continue;
    const path = opts.includes('f') ? `${p.apkPath}=` : '';
    const uid = opts.includes('U') ? ` uid:${p.uid}` : '';
    const ver = opts.includes('-show-versioncode') ? ` versionCode:${p.versionCode}` : '';
    ctx.out(`package:${path}${p.name}${ver}${uid}\n`);
  }
  return 0;
}

function setPermission(ctx: CommandContext, args: string[], granted: boolean): number {
  const [pkg, perm] = args.filter((a, i) => !a.startsWith('--user') && args[i - 1] !== '--user');
  if (!pkg || !perm) {
    ctx.err('Error: no package or permission specified\n');
    return 1;
  }
  try {
    ctx.device.setPermission(pkg, perm, granted);
    return 0;
  } catch (err) {
    if (err instanceof PackageFailure) return javaException(ctx, err.message);
    throw err;
  }
}

async function pm(ctx: CommandContext, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const pkgArg = rest.filter((a) => !a.startsWith('-')).at(-1);
  switch (verb) {
    case 'install':
      return install(ctx, rest);
    case 'install-create':
      return installCreate(ctx, rest);
    case 'install-write':
      return installWrite(ctx, rest);
    case 'install-commit':
      return installCommit(ctx, rest);
    case 'install-abandon':
      return installAbandon(ctx, rest);
    case 'uninstall': {
      if (!pkgArg) break;
      const ok = ctx.device.uninstall(pkgArg);
      ctx.out(ok ? 'Success\n' : 'Failure [DELETE_FAILED_INTERNAL_ERROR]\n');
      return ok ? 0 : 1;
    }
    case 'list':
      if (rest[0] === 'packages') return listPackages(ctx, rest.slice(1));
      if (rest[0] === 'users') {
        ctx.out('Users:\n\tUserInfo{0:Owner:c13} running\n');
        return 0;
      }
      break;
    case 'path': {
      const p = pkgArg ? ctx.device.packages.get(pkgArg) : undefined;
      if (!p) return 1;
      ctx.out(`package:${p.apkPath}\n`);
      return 0;
    }
    case 'grant':
      return setPermission(ctx, rest, true);
    case 'revoke':
      return setPermission(ctx, rest, false);
    case 'clear': {
      const ok = pkgArg ? ctx.device.clearData(pkgArg) : false;
      ctx.out(ok ? 'Success\n' : 'Failed\n');
      return ok ? 0 : 1;
    }
    case 'dump': {
      const p = pkgArg ? ctx.device.packages.get(pkgArg) : undefined;
      if (p) ctx.out(dumpPackage(ctx.device, p));
      return 0;
    }
    case 'resolve-activity': {
      const p = pkgArg ? ctx.device.packages.get(pkgArg) : undefined;
      if (!p?.launchActivity) {
        ctx.out('No activity found\n');
        return 0;
      }
      if (rest.includes('--brief'))
        ctx.out(
          `priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false\n${p.name}/${p.launchActivity}\n`,
        );
      else ctx.out(`Activity Resolver Table:\n  ${p.name}/${p.launchActivity}\n`);
      return 0;
    }
    case undefined:
      ctx.err('usage: pm [list|path|install|uninstall|grant|revoke|clear|dump] ...\n');
      return 1;
  }
  if (verb && !['uninstall', 'list'].includes(verb)) {
    ctx.err(`Unknown command: ${verb}\n`);
    return 1;
  }
  ctx.err('Error: package name not specified\n');
  return 1;
}

export const PM: ShellCommand[] = [{ name: 'pm', run: (ctx) => pm(ctx, ctx.argv.slice(1)) }];
export { pm as runPackageCommand };
