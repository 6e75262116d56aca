import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failure } from '../../errors.ts';

/**
 * The sim's reference apps: real APKs (built from ./<name>/ by scripts/build-reference-apps.sh) whose
 * models carry known violations. The demo suite runs them and the integration tests check that the
 * rules find exactly what each one carries. Each model's header comment explains its violations.
 */
export interface ReferenceApp {
  name: string;
  package: string;
  label: string;
  /** RULES.md ids the app is built to violate (empty: the compliant baseline). */
  violations: string[];
  /** Hosts it contacts; map them with `appwarden_sim_routes` (src/sim/net/routes.ts) to a test upstream. */
  hosts: string[];
}

export const REFERENCE_APPS: readonly ReferenceApp[] = [
  {
    name: 'compliant',
    package: 'com.appwarden.ref.compliant',
    label: '记事本 Notes',
    violations: [],
    hosts: ['ulogs.umeng.com'],
  },
  {
    name: 'collector',
    package: 'com.appwarden.ref.collector',
    label: '天气预报 Weather',
    violations: [
      'PI-CONSENT-001',
      'SDK-001',
      'SHARE-001',
      'GDPR-CONSENT-001',
      'PI-SCOPE-001',
      'PI-SCOPE-002',
    ],
    hosts: ['ulogs.umeng.com'],
  },
  {
    name: 'permpest',
    package: 'com.appwarden.ref.permpest',
    label: '手电筒 Flashlight',
    violations: [
      'PERM-001',
      'PERM-002',
      'PERM-003',
      'PERM-004',
      'PERM-006',
      'PI-CONSENT-002',
      'PI-CONSENT-003',
      'PI-SCOPE-001',
    ],
    hosts: [],
  },
  {
    name: 'splash',
    package: 'com.appwarden.ref.splash',
    label: '短视频 Clips',
    violations: [
      'UX-POPUP-001',
      'UX-POPUP-002',
      'DECEIVE-SHAKE-001',
      'DECEIVE-JUMP-001',
      'UX-START-002',
      'SHARE-001',
      'PI-CONSENT-001',
      'PI-CONSENT-003',
    ],
    hosts: ['api-access.pangolin-sdk-toutiao.com'],
  },
  {
    name: 'bgcollector',
    package: 'com.appwarden.ref.bgcollector',
    label: '计步器 Steps',
    violations: ['PI-BG-001', 'PI-FREQ-001', 'PI-SCOPE-001', 'PI-SCOPE-002', 'SHARE-001', 'SHARE-003'],
    hosts: ['tdcv3.talkingdata.com'],
  },
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const REFERENCE_APK_DIR = path.join(root, 'src/sim/apps/build');

/** Builds the reference APKs if missing or stale (idempotent) and returns their paths by name. */
export function referenceApks(): Record<string, string> {
  try {
    execFileSync(path.join(root, 'scripts/build-reference-apps.sh'), { stdio: 'pipe', timeout: 300_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw failure(
      'build',
      'the reference apps',
      stderr || (err as Error).message,
      'Run scripts/build-reference-apps.sh to see why.',
      err,
    );
  }
  const out: Record<string, string> = {};
  for (const app of REFERENCE_APPS) {
    const p = path.join(REFERENCE_APK_DIR, `${app.name}.apk`);
    if (!fs.existsSync(p))
      throw failure(
        'find',
        `reference app ${app.name}`,
        `${p} was not built`,
        'Run scripts/build-reference-apps.sh.',
      );
    out[app.name] = p;
  }
  return out;
}

/** The `appwarden_sim_routes` value that sends every reference app host to one upstream (`ip:port`). */
export function referenceRoutes(upstream: string): string {
  const hosts = new Set(REFERENCE_APPS.flatMap((a) => a.hosts));
  return [...hosts].map((h) => `${h}=${upstream}`).join(',');
}
