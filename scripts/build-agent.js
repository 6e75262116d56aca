#!/usr/bin/env node
/**
 * Builds the Frida agent: type-checks src/agent against @types/frida-gum and frida-java-bridge's types
 * (src/agent/tsconfig.json) and bundles src/agent/main.ts with frida-compile 18 into the gitignored
 * src/agent/build/agent.js. Part of `npm run build`.
 *
 * frida-compile reads `<projectRoot>/tsconfig.json`; the project root must be the repository (so that
 * node_modules resolve), but the root tsconfig is the Node one. The compiler's file system is wrapped
 * so that, for frida-compile only, the root tsconfig reads as the agent's compiler options.
 */
import { build, queryDefaultAssets } from 'frida-compile';
import { getNodeSystem } from 'frida-compile/dist/system/node.js';
import ts from 'frida-compile/ext/typescript.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const agentConfigPath = path.join(root, 'src/agent/tsconfig.json');
const entrypoint = 'src/agent/main.ts';
const output = path.join(root, 'src/agent/build/agent.js');

/**
 * frida-compile 18 follows the `.ts` import specifiers of our sources (appwarden imports with explicit
 * `.ts` extensions) and packs those TypeScript files as extra, never-imported assets next to the
 * emitted `.js`. Frida would still have to parse them, so they are removed from the bundle here.
 * Bundle format: "📦\n", one "<bytes> <name>\n" line per asset (plus "↻ <alias>\n" lines), "✄\n",
 * then the assets in order, separated by "\n✄\n".
 */
export function stripTypeScriptSources(bundle) {
  const buf = Buffer.from(bundle, 'utf8');
  const headerEnd = buf.indexOf('\n✄\n');
  const header = buf.subarray(0, headerEnd).toString('utf8').split('\n');
  if (header[0] !== '📦')
    throw new Error(
      'Failed to post-process the agent bundle: unknown bundle format. Check the frida-compile version (18.0.0 expected).',
    );
  const entries = [];
  for (const line of header.slice(1)) {
    if (line.startsWith('↻ ')) entries.at(-1).aliases.push(line);
    else {
      const space = line.indexOf(' ');
      entries.push({ size: Number(line.slice(0, space)), name: line.slice(space + 1), aliases: [] });
    }
  }
  let offset = headerEnd + Buffer.byteLength('\n✄\n');
  const sep = Buffer.byteLength('\n✄\n');
  for (const [i, e] of entries.entries()) {
    if (i > 0) offset += sep;
    e.data = buf.subarray(offset, offset + e.size);
    offset += e.size;
  }
  const kept = entries.filter((e) => !(e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')));
  const head = ['📦', ...kept.flatMap((e) => [`${e.size} ${e.name}`, ...e.aliases])].join('\n') + '\n✄\n';
  return Buffer.concat([
    Buffer.from(head, 'utf8'),
    ...kept.flatMap((e, i) => (i > 0 ? [Buffer.from('\n✄\n'), e.data] : [e.data])),
  ]).toString('utf8');
}

export function buildAgent({ compress = false } = {}) {
  const started = Date.now();
  const agentConfig = JSON.parse(fs.readFileSync(agentConfigPath, 'utf8'));
  const rootConfigPath = path.join(root, 'tsconfig.json').split(path.sep).join('/');
  const base = getNodeSystem();
  const system = {
    ...base,
    readFile(file, encoding) {
      if (file === rootConfigPath)
        return JSON.stringify({ compilerOptions: agentConfig.compilerOptions, files: [] });
      return base.readFile(file, encoding);
    },
  };
  const diagnostics = [];
  let bundle;
  try {
    bundle = build({
      projectRoot: root,
      entrypoint,
      assets: queryDefaultAssets(root, system),
      system,
      sourceMaps: 'omitted',
      compression: compress ? 'terser' : 'none',
      onDiagnostic(d) {
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (d.file !== undefined && d.start !== undefined) {
          const { line, character } = ts.getLineAndCharacterOfPosition(d.file, d.start);
          diagnostics.push(`${path.relative(root, d.file.fileName)}:${line + 1}:${character + 1}: ${text}`);
        } else {
          diagnostics.push(text);
        }
      },
    });
  } catch (err) {
    const reason =
      diagnostics.length > 0 ? diagnostics.join('\n') : err instanceof Error ? err.message : String(err);
    throw new Error(
      `Failed to build the Frida agent: ${reason}\nFix the errors above in src/agent and run npm run build again.`,
      { cause: err },
    );
  }
  fs.mkdirSync(path.dirname(output), { recursive: true });
  bundle = stripTypeScriptSources(bundle);
  fs.writeFileSync(output, bundle);
  return { output, bytes: Buffer.byteLength(bundle), ms: Date.now() - started, warnings: diagnostics };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = buildAgent({ compress: process.argv.includes('--compress') });
    for (const w of r.warnings) console.warn(w);
    console.log(`agent: ${path.relative(root, r.output)} (${Math.round(r.bytes / 1024)} KB, ${r.ms} ms)`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
