import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Parses frida-compile's bundle format: "📦", "<bytes> <name>" lines, "✄", assets separated by "\n✄\n". */
function parseBundle(bundle: Buffer): { name: string; text: string }[] {
  const headerEnd = bundle.indexOf('\n✄\n');
  const lines = bundle.subarray(0, headerEnd).toString('utf8').split('\n');
  expect(lines[0]).toBe('📦');
  const entries = lines
    .slice(1)
    .filter((l) => !l.startsWith('↻ '))
    .map((l) => ({ size: Number(l.slice(0, l.indexOf(' '))), name: l.slice(l.indexOf(' ') + 1) }));
  let offset = headerEnd + Buffer.byteLength('\n✄\n');
  return entries.map((e, i) => {
    if (i > 0) {
      expect(bundle.subarray(offset, offset + Buffer.byteLength('\n✄\n')).toString('utf8')).toBe('\n✄\n');
      offset += Buffer.byteLength('\n✄\n');
    }
    const text = bundle.subarray(offset, offset + e.size).toString('utf8');
    offset += e.size;
    return { name: e.name, text };
  });
}

describe('agent bundle (npm run build)', () => {
  it(
    'type-checks against @types/frida-gum and bundles the agent with frida-java-bridge',
    { timeout: 60_000 },
    () => {
      const out = execFileSync(process.execPath, ['scripts/build-agent.js'], { cwd: root, encoding: 'utf8' });
      expect(out).toMatch(/agent: src\/agent\/build\/agent\.js \(\d+ KB, \d+ ms\)/);
      const bundle = fs.readFileSync(path.join(root, 'src/agent/build/agent.js'));
      const entries = parseBundle(bundle);
      const names = entries.map((e) => e.name);
      expect(names[0]).toBe('/src/agent/main.js');
      expect(names).toContain('/src/agent/core/agent.js');
      expect(names).toContain('/node_modules/frida-java-bridge/index.js');
      expect(names.filter((n) => n.endsWith('.ts'))).toEqual([]);
      // every relative import of our modules resolves to a bundled asset
      for (const e of entries.filter((x) => x.name.startsWith('/src/agent/'))) {
        for (const m of e.text.matchAll(/from ["'](\.[^"']+)["']/g)) {
          const target = path.posix.join(path.posix.dirname(e.name), m[1] as string);
          expect(names, `${e.name} imports ${m[1]}`).toContain(target);
        }
      }
      expect(entries[0]?.text).toContain('rpc.exports');
    },
  );
});
