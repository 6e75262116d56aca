/**
 * The `frida` npm package, loaded lazily: it is an optional dependency whose native binding cannot be
 * fetched on every machine. Absent or broken → a clear "unavailable" result, never a crash; sessions
 * still run, and rules that need hooks report "not evaluated".
 *
 * The types below are the small part of frida-node's API (v17) that src/hooks uses, written here
 * because the package (and its types) may be missing; they follow frida-node's d.ts names.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { log } from '../log.ts';

export interface FridaSignal<H extends (...args: never[]) => void> {
  connect(handler: H): void;
  disconnect(handler: H): void;
}

export interface FridaCrash {
  pid: number;
  processName: string;
  summary: string;
  report: string;
}

export interface FridaScript {
  readonly message: FridaSignal<(message: unknown, data: Buffer | null) => void>;
  readonly destroyed: FridaSignal<() => void>;
  readonly exports: Record<string, (...args: unknown[]) => Promise<unknown>>;
  load(): Promise<void>;
  unload(): Promise<void>;
}

export interface FridaSession {
  readonly pid: number;
  readonly detached: FridaSignal<(reason: string, crash: FridaCrash | null) => void>;
  createScript(source: string, options?: { name?: string }): Promise<FridaScript>;
  enableChildGating(): Promise<void>;
  detach(): Promise<void>;
}

export interface FridaChild {
  pid: number;
  parentPid: number;
  identifier: string | null;
  path: string | null;
}

export interface FridaSpawn {
  pid: number;
  identifier: string | null;
}

/** An installed app; `pid` is 0 when it is not running. */
export interface FridaApplication {
  identifier: string;
  name: string;
  pid: number;
}

export interface FridaDevice {
  readonly id: string;
  readonly name: string;
  readonly childAdded: FridaSignal<(child: FridaChild) => void>;
  readonly spawnAdded: FridaSignal<(spawn: FridaSpawn) => void>;
  spawn(program: string | string[]): Promise<number>;
  attach(pid: number): Promise<FridaSession>;
  resume(pid: number): Promise<void>;
  enableSpawnGating(): Promise<void>;
  disableSpawnGating(): Promise<void>;
  enumerateApplications(): Promise<FridaApplication[]>;
}

export interface FridaModule {
  getDevice(id: string, options?: { timeout?: number | null }): Promise<FridaDevice>;
  getDeviceManager(): { addRemoteDevice(address: string): Promise<FridaDevice> };
}

export type FridaAvailability =
  { available: true; frida: FridaModule; version: string | null } | { available: false; reason: string };

type Importer = (specifier: string) => Promise<unknown>;

// A variable specifier keeps TypeScript and bundlers from resolving the optional package.
const FRIDA = 'frida';

function fridaVersion(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${FRIDA}/package.json`);
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version ?? null;
  } catch (err) {
    // The module loaded but its package.json is not resolvable (exports map): the version is unknown.
    log.debug({ err: String(err) }, 'frida version unknown');
    return null;
  }
}

/** Loads frida, or explains why it cannot be used here. */
export async function loadFrida(importer: Importer = (s) => import(s)): Promise<FridaAvailability> {
  let mod: unknown;
  try {
    mod = await importer(FRIDA);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    const notInstalled =
      code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module) 'frida'/.test(message);
    const reason = notInstalled
      ? 'unavailable: install frida (package not installed; npm i frida fetches its native binding)'
      : `unavailable: install frida (native binding missing: ${message.split('\n')[0] ?? message})`;
    return { available: false, reason };
  }
  const frida = ((mod as { default?: unknown }).default ?? mod) as Partial<FridaModule>;
  if (typeof frida.getDevice !== 'function' || typeof frida.getDeviceManager !== 'function') {
    return {
      available: false,
      reason: 'unavailable: install frida (the installed package does not export getDevice/getDeviceManager)',
    };
  }
  return { available: true, frida: frida as FridaModule, version: fridaVersion() };
}
