import { createRequire } from 'node:module';
import { z } from 'zod';
import { readZipDirectory, readZipEntry, ZipFormatError } from './zip.ts';

/**
 * Reads an APK the way the package manager does before installing it: the binary AndroidManifest.xml
 * (decoded by @devicefarmer/adbkit-apkreader's AXML parser) and the sim's app model asset.
 * Failures carry Android's own install failure codes (PackageManager.INSTALL_* constants).
 */
export const MODEL_ASSET = 'assets/appwarden-sim.yaml';
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_MODEL_BYTES = 1024 * 1024;

export interface ApkInfo {
  packageName: string;
  versionCode: number;
  versionName: string;
  minSdk: number;
  targetSdk: number;
  permissions: string[];
  /** Fully qualified activity names, in manifest order. */
  activities: string[];
  /** Fully qualified MAIN/LAUNCHER activity, if any. */
  launchActivity: string | null;
  label: string | null;
  /** Text of assets/appwarden-sim.yaml, if the APK carries an app model. */
  model: string | null;
}

export class ApkInstallError extends Error {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const require = createRequire(import.meta.url);
type ManifestParserCtor = new (buf: Buffer) => { parse(): unknown };
const ManifestParser =
  require('@devicefarmer/adbkit-apkreader/lib/apkreader/parser/manifest.js') as ManifestParserCtor;

// Only the parts of the parser's output we use; the parser itself is trusted, the APK is not.
const parsedManifest = z.object({
  package: z.string().min(1),
  versionCode: z.coerce.number().int().default(0),
  versionName: z.coerce.string().nullish(),
  usesPermissions: z.array(z.object({ name: z.string() }).loose()).default([]),
  usesSdk: z
    .object({ minSdkVersion: z.coerce.number().optional(), targetSdkVersion: z.coerce.number().optional() })
    .loose()
    .nullish(),
  application: z
    .object({
      label: z.unknown().optional(),
      activities: z.array(z.object({ name: z.string() }).loose()).default([]),
      activityAliases: z.array(z.object({ name: z.string() }).loose()).default([]),
      launcherActivities: z.array(z.object({ name: z.string() }).loose()).default([]),
    })
    .loose()
    .nullish(),
});

function qualify(pkg: string, name: string): string {
  if (name.startsWith('.')) return `${pkg}${name}`;
  return name.includes('.') ? name : `${pkg}.${name}`;
}

export function readApk(buf: Buffer): ApkInfo {
  let entries;
  try {
    entries = readZipDirectory(buf);
  } catch (err) {
    throw new ApkInstallError(
      'INSTALL_PARSE_FAILED_NOT_APK',
      `Failed to parse APK: ${(err as Error).message}`,
    );
  }
  const manifestEntry = entries.get('AndroidManifest.xml');
  if (!manifestEntry) {
    throw new ApkInstallError(
      'INSTALL_PARSE_FAILED_BAD_MANIFEST',
      'Failed to parse APK: no AndroidManifest.xml',
    );
  }
  let raw: unknown;
  let modelText: string | null = null;
  try {
    raw = new ManifestParser(readZipEntry(buf, manifestEntry, MAX_MANIFEST_BYTES)).parse();
    const modelEntry = entries.get(MODEL_ASSET);
    if (modelEntry) modelText = readZipEntry(buf, modelEntry, MAX_MODEL_BYTES).toString('utf8');
  } catch (err) {
    const code =
      err instanceof ZipFormatError ? 'INSTALL_FAILED_INVALID_APK' : 'INSTALL_PARSE_FAILED_BAD_MANIFEST';
    throw new ApkInstallError(code, `Failed to parse APK: ${(err as Error).message}`);
  }
  const parsed = parsedManifest.safeParse(raw);
  if (!parsed.success) {
    throw new ApkInstallError(
      'INSTALL_PARSE_FAILED_BAD_MANIFEST',
      `Failed to parse AndroidManifest.xml: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  }
  const m = parsed.data;
  if (!/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/.test(m.package)) {
    throw new ApkInstallError(
      'INSTALL_PARSE_FAILED_BAD_PACKAGE_NAME',
      `Invalid manifest package: ${m.package}`,
    );
  }
  const app = m.application;
  const launcher = app?.launcherActivities[0]?.name;
  const label = typeof app?.label === 'string' && !app.label.startsWith('resourceId:') ? app.label : null;
  return {
    packageName: m.package,
    versionCode: m.versionCode,
    versionName: m.versionName ?? '',
    minSdk: m.usesSdk?.minSdkVersion ?? 1,
    targetSdk: m.usesSdk?.targetSdkVersion ?? m.usesSdk?.minSdkVersion ?? 1,
    permissions: [...new Set(m.usesPermissions.map((p) => p.name))],
    activities: (app?.activities ?? []).map((a) => qualify(m.package, a.name)),
    launchActivity: launcher ? qualify(m.package, launcher) : null,
    label,
    model: modelText,
  };
}
