import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const APK_DIR = path.join(root, 'test/fixtures/apks/build');

/** Builds the fixture APKs with scripts/build-test-apks.sh when they are missing or stale (idempotent, fast when fresh). */
export function ensureApks(): { hello: string; model: string; big: string } {
  execFileSync(path.join(root, 'scripts/build-test-apks.sh'), { stdio: 'pipe', timeout: 120_000 });
  const apks = { hello: 'hello.apk', model: 'model.apk', big: 'big.apk' };
  for (const [k, f] of Object.entries(apks)) {
    const p = path.join(APK_DIR, f);
    if (!fs.existsSync(p)) throw new Error(`fixture APK ${k} was not built at ${p}`);
  }
  return {
    hello: path.join(APK_DIR, apks.hello),
    model: path.join(APK_DIR, apks.model),
    big: path.join(APK_DIR, apks.big),
  };
}
