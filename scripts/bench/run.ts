/**
 * `npm run bench -- NAME [args]` runs scripts/bench/NAME.ts in its own process (so RSS figures are its own)
 * and passes its output through. Each benchmark prints its figures and, as its last line, one JSON object.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f))
  .map((f) => f.slice(0, -3))
  .sort();

if (!name || !available.includes(name)) {
  process.stderr.write(
    `${name ? `Unknown benchmark '${name}'. ` : ''}Usage: npm run bench -- NAME\nAvailable: ${available.join(', ')}\n`,
  );
  process.exit(2);
}
const r = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', path.join(here, `${name}.ts`), ...rest],
  {
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 2);
