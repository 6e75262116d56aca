import path from 'node:path/posix';

/**
 * The sim's file system: in memory, enough for `adb push/pull`, `ls`, `cat`, `rm`, `mkdir` and the
 * APK staging paths (`/data/local/tmp`, `/data/app/<pkg>-1/base.apk`). Modes follow stat(2)'s st_mode.
 */
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;

export interface FsNode {
  kind: 'file' | 'dir';
  /** Permission bits (e.g. 0o644). */
  perm: number;
  /** Seconds since the epoch. */
  mtime: number;
  data: Buffer;
}

export interface FsStat {
  mode: number;
  size: number;
  mtime: number;
  kind: 'file' | 'dir';
}

const INITIAL_DIRS = [
  '/',
  '/data',
  '/data/local',
  '/data/local/tmp',
  '/data/app',
  '/data/data',
  '/sdcard',
  '/sdcard/Download',
  '/sdcard/DCIM',
  '/sdcard/Pictures',
  '/storage',
  '/storage/emulated',
  '/storage/emulated/0',
  '/system',
  '/system/bin',
  '/system/etc',
  '/system/etc/security',
  '/system/etc/security/cacerts',
  '/proc',
  '/dev',
  '/vendor',
];

export class SimFs {
  private readonly nodes = new Map<string, FsNode>();

  constructor(now = () => Math.floor(Date.now() / 1000)) {
    this.now = now;
    for (const d of INITIAL_DIRS)
      this.nodes.set(d, { kind: 'dir', perm: 0o771, mtime: now(), data: Buffer.alloc(0) });
    this.nodes.set('/dev/null', { kind: 'file', perm: 0o666, mtime: now(), data: Buffer.alloc(0) });
  }

  private readonly now: () => number;
  /** Files whose content is made when read (`/proc/net/tcp`), by absolute path. */
  private readonly generated = new Map<string, () => Buffer>();

  /** Serves `p` from `make()` on every read, as procfs does. */
  provide(p: string, make: () => Buffer): void {
    const abs = SimFs.normalize(p);
    this.mkdirp(path.dirname(abs));
    this.generated.set(abs, make);
    this.nodes.set(abs, { kind: 'file', perm: 0o444, mtime: this.now(), data: Buffer.alloc(0) });
  }

  /** Sets the permission bits; false when there is no such file. */
  chmod(p: string, perm: number): boolean {
    const n = this.nodes.get(SimFs.normalize(p));
    if (!n) return false;
    n.perm = perm & 0o7777;
    return true;
  }

  static normalize(p: string, cwd = '/'): string {
    // /sdcard is a symlink to /storage/self/primary on real devices; one tree is enough here.
    const abs = path.resolve(cwd, p);
    return abs.length > 1 ? abs.replace(/\/+$/, '') : abs;
  }

  stat(p: string): FsStat | undefined {
    const n = this.nodes.get(SimFs.normalize(p));
    if (!n) return undefined;
    return {
      kind: n.kind,
      mode: (n.kind === 'dir' ? S_IFDIR : S_IFREG) | n.perm,
      size: n.kind === 'dir' ? 4096 : n.data.length,
      mtime: n.mtime,
    };
  }

  read(p: string): Buffer | undefined {
    const abs = SimFs.normalize(p);
    const make = this.generated.get(abs);
    if (make && this.nodes.has(abs)) return make();
    const n = this.nodes.get(abs);
    return n?.kind === 'file' ? n.data : undefined;
  }

  /** Creates parent directories as `adb push` does on devices with fixed_push_mkdir. */
  write(p: string, data: Buffer, perm = 0o644, mtime = this.now()): void {
    const abs = SimFs.normalize(p);
    if (abs === '/dev/null') return;
    const existing = this.nodes.get(abs);
    if (existing?.kind === 'dir') throw new Error(`${abs}: Is a directory`);
    this.mkdirp(path.dirname(abs));
    this.nodes.set(abs, { kind: 'file', perm: perm & 0o7777, mtime, data });
  }

  mkdirp(p: string): void {
    const abs = SimFs.normalize(p);
    const parts = abs.split('/').filter(Boolean);
    let cur = '';
    for (const part of parts) {
      cur += `/${part}`;
      const n = this.nodes.get(cur);
      if (n?.kind === 'file') throw new Error(`${cur}: Not a directory`);
      if (!n) this.nodes.set(cur, { kind: 'dir', perm: 0o771, mtime: this.now(), data: Buffer.alloc(0) });
    }
  }

  /** Direct children of a directory, sorted by name; undefined if it is not a directory. */
  list(p: string): { name: string; stat: FsStat }[] | undefined {
    const abs = SimFs.normalize(p);
    if (this.nodes.get(abs)?.kind !== 'dir') return undefined;
    const prefix = abs === '/' ? '/' : `${abs}/`;
    const out: { name: string; stat: FsStat }[] = [];
    for (const key of this.nodes.keys()) {
      if (key === abs || !key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length);
      if (name.includes('/')) continue;
      out.push({ name, stat: this.stat(key) as FsStat });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Removes a file, or a directory tree when recursive; false if nothing was there. */
  remove(p: string, recursive = false): boolean {
    const abs = SimFs.normalize(p);
    const n = this.nodes.get(abs);
    if (!n) return false;
    if (n.kind === 'dir') {
      if (!recursive) throw new Error(`${abs}: Is a directory`);
      for (const key of [...this.nodes.keys()]) if (key.startsWith(`${abs}/`)) this.nodes.delete(key);
    }
    this.nodes.delete(abs);
    return true;
  }
}
