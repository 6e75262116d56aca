import { ApkInstallError, readApk } from '../../apk/manifest.ts';
import type { SimDevice } from '../../device/device.ts';
import { PackageFailure } from '../../device/packages.ts';
import type { CommandContext } from '../types.ts';

/**
 * Install sessions (`pm install-create | install-write | install-commit | install-abandon`), which
 * `adb install-multiple` uses for split APKs: the base APK and its splits arrive one by one and are
 * installed together on commit. Kept per device, beside (not inside) the device state.
 */
interface Session {
  grantAll: boolean;
  parts: { name: string; apk: Buffer }[];
}

const SESSIONS = new WeakMap<SimDevice, { next: number; open: Map<number, Session> }>();

function sessionsOf(device: SimDevice): { next: number; open: Map<number, Session> } {
  let s = SESSIONS.get(device);
  if (!s) {
    s = { next: 1_000_000 + (device.pidOf('system_server') ?? 0), open: new Map() };
    SESSIONS.set(device, s);
  }
  return s;
}

export function installCreate(ctx: CommandContext, args: string[]): number {
  const s = sessionsOf(ctx.device);
  const id = s.next++;
  s.open.set(id, { grantAll: args.includes('-g'), parts: [] });
  ctx.out(`Success: created install session [${id}]\n`);
  return 0;
}

export async function installWrite(ctx: CommandContext, args: string[]): Promise<number> {
  let size: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-S') size = Number(args[++i]);
    else rest.push(args[i] as string);
  }
  const [sessionArg, name, path] = rest;
  const session = sessionsOf(ctx.device).open.get(Number(sessionArg));
  if (!session || !name) {
    ctx.err(`Error: invalid session ${sessionArg ?? ''}\n`);
    return 1;
  }
  let apk: Buffer | undefined;
  if (path && path !== '-') apk = ctx.device.fs.read(path);
  else if (size !== undefined && Number.isSafeInteger(size) && size >= 0)
    apk = await ctx.stdin.readExactly(size);
  if (!apk || (size !== undefined && apk.length !== size)) {
    ctx.err(`Error: failed to read ${name}\n`);
    return 1;
  }
  session.parts.push({ name, apk });
  ctx.out(`Success: streamed ${apk.length} bytes\n`);
  return 0;
}

export function installCommit(ctx: CommandContext, args: string[]): number {
  const sessions = sessionsOf(ctx.device).open;
  const id = Number(args[0]);
  const session = sessions.get(id);
  sessions.delete(id);
  if (!session || session.parts.length === 0) {
    ctx.out(`Failure [INSTALL_FAILED_INVALID_APK: no APKs in session ${args[0] ?? ''}]\n`);
    return 1;
  }
  try {
    const infos = session.parts.map((p) => ({ ...p, info: readApk(p.apk) }));
    const pkg = infos[0]?.info.packageName;
    const stranger = infos.find((i) => i.info.packageName !== pkg);
    if (stranger) {
      throw new ApkInstallError(
        'INSTALL_FAILED_INVALID_APK',
        `Split ${stranger.name} has mismatched package name: ${stranger.info.packageName} vs ${pkg}`,
      );
    }
    // The base APK declares the activities; config splits carry only resources or native code.
    const base = infos.find((i) => i.info.activities.length > 0) ?? infos[0];
    ctx.device.install(base!.apk, { grantAll: session.grantAll });
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

export function installAbandon(ctx: CommandContext, args: string[]): number {
  sessionsOf(ctx.device).open.delete(Number(args[0]));
  ctx.out('Success\n');
  return 0;
}
