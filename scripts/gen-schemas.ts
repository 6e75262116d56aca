/**
 * `npm run schemas`: writes scenarios/schemas/{devices,scenario,suite,rules}.schema.json from the
 * zod schemas in src/config, so yaml-language-server completes and checks the YAML files.
 * test/config/schemas.test.ts fails when the committed files are stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildJsonSchemas, jsonSchemaText } from '../src/config/jsonSchema.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'scenarios', 'schemas');
fs.mkdirSync(outDir, { recursive: true });
for (const [kind, schema] of Object.entries(buildJsonSchemas())) {
  const file = path.join(outDir, `${kind}.schema.json`);
  fs.writeFileSync(file, jsonSchemaText(schema));
  process.stdout.write(`wrote ${path.relative(root, file)}\n`);
}
