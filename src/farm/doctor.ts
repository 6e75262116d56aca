import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** What was found (a version, a path) or what is wrong. */
  detail: string;
  /** How to fix it, when not ok. */
  fix?: string;
  /** A missing optional part degrades features but does not block the demo. */
  optional?: boolean;
}

const require = createRequire(import.meta.url);

function nodeCheck(): DoctorCheck {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return {
    name: 'Node.js',
    ok,
    detail: `v${process.versions.node}`,
    fix: ok ? undefined : 'Install Node.js 20.19 or newer.',
  };
}

async function adbCheck(): Promise<DoctorCheck> {
  try {
    const { stdout } = await execa('adb', ['version'], { timeout: 10_000 });
    return { name: 'adb', ok: true, detail: stdout.split('\n')[0] ?? 'found', optional: true };
  } catch (err) {
    return {
      name: 'adb',
      ok: false,
      optional: true,
      detail: `not on PATH (${(err as Error).message.split('\n')[0]})`,
      fix: 'Needed only for real devices and emulators: apt-get install adb (or the Android SDK platform-tools).',
    };
  }
}

function packageCheck(name: string, pkg: string, fix: string, optional = false): DoctorCheck {
  try {
    const manifest = require(`${pkg}/package.json`) as { version: string };
    return { name, ok: true, detail: `${pkg} ${manifest.version}`, optional };
  } catch (err) {
    return {
      name,
      ok: false,
      detail: `${pkg} is not installed (${(err as Error).message.split('\n')[0]})`,
      fix,
      optional,
    };
  }
}

async function fridaCheck(): Promise<DoctorCheck> {
  try {
    const frida = (await import('frida' as string)) as { default?: unknown };
    return { name: 'Frida binding', ok: frida !== undefined, detail: 'frida loads', optional: true };
  } catch (err) {
    return {
      name: 'Frida binding',
      ok: false,
      optional: true,
      detail: `unavailable (${(err as Error).message.split('\n')[0]})`,
      fix: 'Hooks on real devices need it: npm install frida (needs its native binding). Sims work without it.',
    };
  }
}

function caCheck(dataDir: string): DoctorCheck {
  const cert = path.join(dataDir, 'ca', 'certs', 'ca.pem');
  const key = path.join(dataDir, 'ca', 'keys', 'ca.private.key');
  if (!fs.existsSync(cert) || !fs.existsSync(key)) {
    return {
      name: 'Interception CA',
      ok: false,
      optional: true,
      detail: `no CA in ${path.dirname(cert)}`,
      fix: "Run 'appwarden ca init' (a run creates it on first use too).",
    };
  }
  const mode = fs.statSync(key).mode & 0o777;
  const ok = (mode & 0o077) === 0;
  return {
    name: 'Interception CA',
    ok,
    detail: ok ? cert : `private key ${key} has mode ${mode.toString(8)}`,
    fix: ok ? undefined : `chmod 600 ${key}`,
  };
}

function dataDirCheck(dataDir: string): DoctorCheck {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
    return { name: 'Data folder', ok: true, detail: dataDir };
  } catch (err) {
    return {
      name: 'Data folder',
      ok: false,
      detail: `${dataDir} is not writable (${(err as Error).message})`,
      fix: 'Pass --data DIR or set APPWARDEN_DATA to a writable folder.',
    };
  }
}

export async function runDoctor(dataDir: string): Promise<DoctorCheck[]> {
  return [
    nodeCheck(),
    dataDirCheck(dataDir),
    await adbCheck(),
    packageCheck('Appium server', 'appium', 'npm ci (appium is a dependency of appwarden).'),
    packageCheck(
      'Appium UiAutomator2 driver',
      'appium-uiautomator2-driver',
      'npm ci (needed for real devices and emulators).',
      true,
    ),
    packageCheck('Appium base driver (sim driver)', '@appium/base-driver', 'npm ci.'),
    await fridaCheck(),
    caCheck(dataDir),
  ];
}
