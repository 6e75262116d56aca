import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { failure } from '../errors.ts';
import { childLog } from '../log.ts';

/**
 * The real Appium 3 server, run as a child process (`node appium/index.js server`; never npx, which
 * does not pass SIGTERM on) with appwarden's own APPIUM_HOME. Drivers are installed into that home
 * from the project's own files with `appium driver install --source=local` — no network, nothing
 * global. A child rather than in-process `main()`: Appium's main installs SIGINT/SIGTERM handlers that
 * call process.exit, which would take appwarden's own shutdown away.
 *
 * The child runs with tsx's loader so Appium can import the sim driver's TypeScript.
 */

const log = childLog({ part: 'appium-server' });
const require = createRequire(import.meta.url);

export type AppiumDriverName = 'appwarden-sim' | 'uiautomator2';

/** Where each driver is installed from: folders of this project (the sim driver) and its node_modules. */
export const DRIVER_SOURCES: Readonly<Record<AppiumDriverName, () => string>> = {
  'appwarden-sim': () => fileURLToPath(new URL('../sim/appium', import.meta.url)),
  uiautomator2: () => dirname(require.resolve('appium-uiautomator2-driver/package.json')),
};

export interface AppiumServerOptions {
  /** APPIUM_HOME for this server, e.g. `<data folder>/appium` (created when missing). */
  home: string;
  /** Drivers to install (if needed) and load. Default: both. */
  drivers?: AppiumDriverName[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Time allowed for the server to answer /status. Default 90 s (a loaded CI host is slow to load drivers). */
  startTimeoutMs?: number;
  /** Appium 3 insecure features. Default `*:adb_shell` (journeys' `mobile: shell`). */
  allowInsecure?: string[];
  /** Appium's log goes here when given (otherwise only its last lines are kept for error messages). */
  logFile?: string;
}

export interface AppiumServer {
  hostname: '127.0.0.1';
  port: number;
  /** Base URL, e.g. `http://127.0.0.1:4723`. */
  url: string;
  pid: number;
  home: string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_DRIVERS: AppiumDriverName[] = ['appwarden-sim', 'uiautomator2'];

function appiumEntry(): string {
  const pkgPath = require.resolve('appium/package.json');
  const bin = (require(pkgPath) as { bin: Record<string, string> }).bin.appium ?? 'index.js';
  return join(dirname(pkgPath), bin);
}

function tsxLoaderUrl(): string {
  return import.meta.resolve('tsx');
}

/**
 * Preloaded into the server: its stdin is a pipe from us that we never write to, so end-of-file means
 * appwarden is gone (even killed with SIGKILL) — the server then stops itself through Appium's own
 * SIGTERM handler instead of living on as an orphan holding its port.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  "process.stdin.on('data', () => {}); process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));",
)}`;

interface ManifestDriver {
  installPath?: string;
  installType?: string;
}

/** Drivers recorded in the home's manifest (`node_modules/.cache/appium/extensions.yaml`). */
async function installedDrivers(home: string): Promise<Record<string, ManifestDriver>> {
  const file = join(home, 'node_modules', '.cache', 'appium', 'extensions.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const doc = parseYaml(text) as { drivers?: Record<string, ManifestDriver> } | null;
  return doc?.drivers ?? {};
}

/** Runs the Appium CLI against a home; resolves with its output, rejects with its last lines. */
function appiumCli(home: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [appiumEntry(), ...args], {
      env: { ...process.env, APPIUM_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done(out);
      else {
        const tail = out.trim().split('\n').slice(-3).join(' | ');
        fail(new Error(`appium ${args.join(' ')} ended with ${signal ?? `exit code ${code}`}: ${tail}`));
      }
    });
  });
}

/** An exclusive lock on the home (mkdir is atomic) so two processes do not install at once. */
async function withHomeLock<T>(home: string, body: () => Promise<T>): Promise<T> {
  const lock = join(home, '.appwarden-install.lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than 5 minutes belongs to an install that died.
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > 300_000) {
        log.warn({ lock }, 'removing a stale Appium home lock');
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another process holds ${lock}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await body();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure the home has the drivers, installed from this project's files. Idempotent: a driver
 * already installed from the same folder is left alone; one installed from elsewhere is replaced.
 */
export async function ensureAppiumHome(
  home: string,
  drivers: AppiumDriverName[] = DEFAULT_DRIVERS,
): Promise<void> {
  const dir = resolve(home);
  await mkdir(dir, { recursive: true });
  const missing = async (): Promise<AppiumDriverName[]> => {
    const have = await installedDrivers(dir);
    return drivers.filter((d) => have[d]?.installPath !== DRIVER_SOURCES[d]());
  };
  if ((await missing()).length === 0) return;
  await withHomeLock(dir, async () => {
    const have = await installedDrivers(dir);
    for (const name of await missing()) {
      const source = DRIVER_SOURCES[name]();
      const started = performance.now();
      try {
        if (have[name]) await appiumCli(dir, ['driver', 'uninstall', name], 120_000);
        await appiumCli(dir, ['driver', 'install', '--source=local', source], 300_000);
      } catch (err) {
        throw failure(
          'install',
          `the Appium driver ${name} into ${dir}`,
          (err as Error).message,
          `Check that ${source} exists (npm ci), or delete ${dir} and retry.`,
          err,
        );
      }
      log.debug({ driver: name, ms: Math.round(performance.now() - started) }, 'Appium driver installed');
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

async function ready(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited(child).then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    try {
      const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return 'ready';
    } catch (err) {
      // Not listening yet; keep polling until the deadline.
      log.trace({ err: (err as Error).message }, 'Appium not ready yet');
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return 'timeout';
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

/** Starts Appium on 127.0.0.1 with the home's drivers (installing them first when needed). */
export async function startAppiumServer(opts: AppiumServerOptions): Promise<AppiumServer> {
  const home = resolve(opts.home);
  const drivers = opts.drivers ?? DEFAULT_DRIVERS;
  await ensureAppiumHome(home, drivers);
  const attempts = opts.port ? 1 : 3;
  let lastReason = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port || (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const args = [
      '--import',
      EXIT_WITH_PARENT,
      '--import',
      tsxLoaderUrl(),
      appiumEntry(),
      'server',
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--use-drivers',
      drivers.join(','),
      '--log-no-colors',
      '--log-timestamp',
      ...(opts.allowInsecure ?? ['*:adb_shell']).flatMap((f) => ['--allow-insecure', f]),
    ];
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, APPIUM_HOME: home, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const sink = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
    const keep = (d: Buffer): void => {
      sink?.write(d);
      for (const line of d.toString().split('\n')) if (line.trim()) tail.push(line);
      if (tail.length > 50) tail.splice(0, tail.length - 50);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => sink?.end());
    const state = await ready(url, child, opts.startTimeoutMs ?? 90_000);
    if (state === 'ready' && child.pid !== undefined) {
      log.debug({ port, pid: child.pid, ms: Math.round(performance.now() - started) }, 'Appium server ready');
      let stopping: Promise<void> | undefined;
      return {
        hostname: '127.0.0.1',
        port,
        url,
        pid: child.pid,
        home,
        stop: () => (stopping ??= stopChild(child)),
      };
    }
    await stopChild(child);
    lastReason =
      state === 'timeout'
        ? `no answer on ${url}/status within ${opts.startTimeoutMs ?? 90_000} ms`
        : `it exited (${tail.slice(-3).join(' | ') || 'no output'})`;
    log.debug({ attempt, port, reason: lastReason }, 'Appium server did not start');
  }
  throw failure(
    'start',
    'the Appium server',
    lastReason,
    `Run \`APPIUM_HOME=${home} node ${appiumEntry()} driver list\` to check the drivers, or pass logFile to see Appium's log.`,
  );
}
