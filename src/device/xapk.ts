import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { z } from 'zod';
import { AppwardenError } from '../errors.ts';

/**
 * XAPK (APKPure's bundle format): a ZIP holding `manifest.json`, the base APK and its config splits,
 * and optional OBB expansion files to place under the device's shared storage. Version 1 bundles
 * carry one APK and no `split_apks` list.
 *
 * The archive comes from an app store, so it is untrusted: every entry name and every OBB install
 * path is checked before a byte is written (no absolute paths, no `..`, OBBs only under
 * `Android/obb/<package>/`), and the total extracted size is bounded.
 */
const manifestSchema = z.object({
  package_name: z.string().regex(/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/, 'a Java package name'),
  version_code: z.union([z.string(), z.number()]).optional(),
  split_apks: z.array(z.object({ file: z.string().min(1), id: z.string().min(1) })).optional(),
  expansions: z
    .array(
      z.object({
        file: z.string().min(1),
        install_location: z.string().optional(),
        install_path: z.string().min(1),
      }),
    )
    .optional(),
});

export interface Xapk {
  packageName: string;
  /** Extracted APK files, base first. */
  apks: string[];
  /** Extracted OBB files and where they go on the device (under /sdcard/). */
  obbs: { local: string; remote: string }[];
}

export interface ReadXapkOptions {
  /** Most bytes the bundle may extract to (default 8 GiB: large games ship multi-GB OBBs). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;

export function isXapk(file: string): boolean {
  return /\.xapk$/i.test(file);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip handle')) : resolve(zip),
    );
  });
}

function entries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const all: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      all.push(e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(all));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function readStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) =>
      err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream),
    );
  });
}

/** A relative path with no `..`, no drive or root, no backslashes: safe to join under a folder. */
function safeRelative(name: string): boolean {
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name)) return false;
  return name.split('/').every((part) => part !== '..' && part !== '');
}

type Manifest = z.infer<typeof manifestSchema>;
type Fail = (reason: string, cause?: unknown) => AppwardenError;

function failFor(file: string): Fail {
  return (reason, cause) =>
    new AppwardenError(`Failed to read XAPK ${file}: ${reason}.`, cause === undefined ? {} : { cause });
}

async function openXapk(file: string, fail: Fail): Promise<yauzl.ZipFile> {
  try {
    return await openZip(file);
  } catch (err) {
    throw fail(`not a readable ZIP archive (${(err as Error).message})`, err);
  }
}

async function readManifest(
  zip: yauzl.ZipFile,
  byName: Map<string, yauzl.Entry>,
  fail: Fail,
): Promise<Manifest> {
  const entry = byName.get('manifest.json');
  if (!entry) throw fail('it has no manifest.json (is it an XAPK?)');
  if (entry.uncompressedSize > 1024 * 1024) throw fail('manifest.json is larger than 1 MiB');
  const chunks: Buffer[] = [];
  for await (const c of await readStream(zip, entry)) chunks.push(c as Buffer);
  try {
    return manifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch (err) {
    throw fail(`manifest.json is not a valid XAPK manifest (${(err as Error).message.split('\n')[0]})`, err);
  }
}

/** The package name an XAPK declares, read from its manifest alone (nothing is extracted). */
export async function xapkPackageName(file: string): Promise<string> {
  const fail = failFor(file);
  const zip = await openXapk(file, fail);
  try {
    const list = await entries(zip);
    return (await readManifest(zip, new Map(list.map((e) => [e.fileName, e])), fail)).package_name;
  } finally {
    zip.close();
  }
}

/** Extracts `file` into `workDir` (which must exist and be private to the caller) and reads its manifest. */
export async function readXapk(file: string, workDir: string, opts: ReadXapkOptions = {}): Promise<Xapk> {
  const fail = failFor(file);
  const zip = await openXapk(file, fail);
  try {
    const list = await entries(zip);
    const byName = new Map(list.map((e) => [e.fileName, e]));
    const manifest = await readManifest(zip, byName, fail);
    const pkg = manifest.package_name;
    const apkNames = manifest.split_apks?.length
      ? [...manifest.split_apks]
          .sort((a, b) => Number(b.id === 'base') - Number(a.id === 'base'))
          .map((s) => s.file)
      : list.filter((e) => /^[^/]+\.apk$/i.test(e.fileName)).map((e) => e.fileName);
    if (apkNames.length === 0) throw fail('it contains no APK');
    const obbPrefix = `Android/obb/${pkg}/`;
    for (const x of manifest.expansions ?? []) {
      if (!safeRelative(x.install_path) || !x.install_path.startsWith(obbPrefix))
        throw fail(`expansion ${JSON.stringify(x.install_path)} would be placed outside ${obbPrefix}`);
    }
    const wanted = [...apkNames, ...(manifest.expansions ?? []).map((x) => x.file)];
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    let total = 0;
    const local = new Map<string, string>();
    for (const [i, name] of wanted.entries()) {
      const entry = byName.get(name);
      if (!entry)
        throw fail(`manifest.json names ${JSON.stringify(name)}, which the archive does not contain`);
      if (!safeRelative(name)) throw fail(`entry ${JSON.stringify(name)} has an unsafe path`);
      total += entry.uncompressedSize;
      if (total > maxBytes) throw fail(`it would extract to more than ${maxBytes} bytes`);
      // Files are numbered, not named after entries: nothing from the archive chooses a host path.
      const out = path.join(workDir, `${i}${path.extname(name).toLowerCase() === '.apk' ? '.apk' : '.obb'}`);
      await pipeline(await readStream(zip, entry), fs.createWriteStream(out, { mode: 0o600 }));
      local.set(name, out);
    }
    return {
      packageName: pkg,
      apks: apkNames.map((n) => local.get(n) as string),
      obbs: (manifest.expansions ?? []).map((x) => ({
        local: local.get(x.file) as string,
        remote: `/sdcard/${x.install_path}`,
      })),
    };
  } catch (err) {
    if (err instanceof AppwardenError) throw err;
    throw fail((err as Error).message, err);
  } finally {
    zip.close();
  }
}
