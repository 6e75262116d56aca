import type { SimDevice } from './device/device.ts';
import { SimFs } from './device/fs.ts';

/**
 * Mounts on a sim, enough for the CA techniques of rooted devices: a tmpfs over a directory (its files are
 * hidden until it is unmounted) and bind mounts of one directory over another, optionally inside another
 * process's mount namespace (`nsenter --mount=/proc/PID/ns/mnt`). The sim has one file tree, so a mount
 * changes what every process sees; the namespaces a bind was made in are recorded so tests can check the
 * command sequence reached zygote and each app. Everything is undone by a reboot.
 */
export interface SimMount {
  type: 'tmpfs' | 'bind';
  target: string;
  source: string;
  /** Mount namespaces (by the pid that was entered; 0 = adbd's own) the mount exists in. */
  namespaces: Set<number>;
  /** The files the target held before, restored on unmount (one level: CA stores are flat). */
  hidden: { name: string; data: Buffer; perm: number }[];
}

const tables = new WeakMap<SimDevice, SimMount[]>();

export function mountsOf(device: SimDevice): SimMount[] {
  let t = tables.get(device);
  if (!t) tables.set(device, (t = []));
  return t;
}

function files(device: SimDevice, dir: string): { name: string; data: Buffer; perm: number }[] {
  return (device.fs.list(dir) ?? [])
    .filter((e) => e.stat.kind === 'file')
    .map((e) => ({
      name: e.name,
      data: device.fs.read(`${dir}/${e.name}`) ?? Buffer.alloc(0),
      perm: e.stat.mode & 0o7777,
    }));
}

function replaceFiles(device: SimDevice, dir: string, next: { name: string; data: Buffer; perm: number }[]) {
  for (const f of files(device, dir)) device.fs.remove(`${dir}/${f.name}`);
  for (const f of next) device.fs.write(`${dir}/${f.name}`, f.data, f.perm);
}

export function mountTmpfs(device: SimDevice, target: string, ns: number): void {
  const dir = SimFs.normalize(target);
  const hidden = files(device, dir);
  replaceFiles(device, dir, []);
  mountsOf(device).push({ type: 'tmpfs', target: dir, source: 'tmpfs', namespaces: new Set([ns]), hidden });
}

/** `mount --bind SOURCE TARGET`; a second bind of the same pair in another namespace joins the first. */
export function mountBind(device: SimDevice, source: string, target: string, ns: number): void {
  const src = SimFs.normalize(source);
  const dir = SimFs.normalize(target);
  const table = mountsOf(device);
  const same = table.find((m) => m.type === 'bind' && m.source === src && m.target === dir);
  if (same) {
    same.namespaces.add(ns);
    replaceFiles(device, dir, files(device, src));
    return;
  }
  const hidden = files(device, dir);
  replaceFiles(device, dir, files(device, src));
  table.push({ type: 'bind', target: dir, source: src, namespaces: new Set([ns]), hidden });
}

/** Unmounts the newest mount on `target` in namespace `ns`; false when nothing is mounted there. */
export function unmount(device: SimDevice, target: string, ns: number): boolean {
  const dir = SimFs.normalize(target);
  const table = mountsOf(device);
  for (let i = table.length - 1; i >= 0; i--) {
    const m = table[i] as SimMount;
    if (m.target !== dir || !m.namespaces.has(ns)) continue;
    m.namespaces.delete(ns);
    if (m.namespaces.size === 0) {
      replaceFiles(device, dir, m.hidden);
      table.splice(i, 1);
    }
    return true;
  }
  return false;
}

export function unmountAll(device: SimDevice): void {
  const table = mountsOf(device);
  while (table.length > 0) {
    const m = table.pop() as SimMount;
    replaceFiles(device, m.target, m.hidden);
  }
}
