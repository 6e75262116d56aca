import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openStore } from '../../src/evidence/store.ts';
import { cleanupTempDirs, populate, session, T0, tempDir } from './helpers.ts';

const ID = 'session-20261128-011500-abcdef';
let dataDir: string;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'appwarden', ...args], {
    out: (s) => (out += s),
    err: (s) => (err += `${s}\n`),
  });
  return { code, out, err };
}

beforeAll(async () => {
  dataDir = tempDir();
  const store = openStore({ dataDir });
  populate(store, ID);
  store.finishSession(ID, 'findings');
  store.createSession(
    session('session-20261128-011600-000001', {
      startedAt: T0 + 60_000,
      device: 'pixel-7',
      deviceKind: 'adb',
    }),
  );
  store.finishSession('session-20261128-011600-000001', 'error', 'device lost');
  await store.close();
});

afterAll(cleanupTempDirs);

describe('appwarden sessions / export / import', () => {
  it('lists sessions newest first as a table and as JSON', async () => {
    const table = await cli('--data', dataDir, 'sessions', 'list');
    expect(table.code).toBe(0);
    const lines = table.out.split('\n');
    expect(lines[1]).toMatch(/│ session\s+│ status\s+│ target\s+│ scenario\s+│ device\s+│ started/);
    expect(table.out.indexOf('session-20261128-011600-000001')).toBeLessThan(table.out.indexOf(ID));
    expect(table.out).toMatch(/error\s+│ com\.example\.shop .*│ pixel-7 \(adb\)/);
    expect(table.out.includes('\u001b[')).toBe(false);

    const json = await cli('--data', dataDir, 'sessions', 'list', '--json', '--status', 'findings');
    expect(JSON.parse(json.out)).toMatchObject([{ id: ID, status: 'findings', deviceKind: 'sim' }]);
    expect(
      JSON.parse((await cli('--data', dataDir, 'sessions', 'list', '--json', '--run', 'nope')).out),
    ).toEqual([]);
  });

  it('shows one session with its counts', async () => {
    const r = await cli('--data', dataDir, 'sessions', 'show', ID);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/│ status\s+│ findings\s+│/);
    expect(r.out).toMatch(/│ capabilities\s+│ root, frida\s+│/);
    expect(r.out).toMatch(/│ events\s+│ 6 \(device 1, hook 1, journey 2, net 1, ui 1\)\s+│/);
    expect(r.out).toMatch(/│ flows\s+│ 1\s+│/);
    const j = JSON.parse((await cli('--data', dataDir, 'sessions', 'show', ID, '--json')).out) as Record<
      string,
      unknown
    >;
    expect(j).toMatchObject({
      session: { id: ID, target: 'com.example.shop', capabilities: ['root', 'frida'] },
      counts: { events: 6, flows: 1, apiCalls: 1, uiSnapshots: 1, findings: 0 },
      identity: false,
    });
  });

  it('fails with exit 2 and one line for an unknown session, without creating a data folder', async () => {
    const r = await cli('--data', dataDir, 'sessions', 'show', 'nope');
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(
      /^appwarden: Failed to show session nope: no such session in .*\. List sessions with/,
    );
    const empty = path.join(tempDir(), 'none');
    expect((await cli('--data', empty, 'sessions', 'list')).out).toBe(`No sessions in ${empty}.\n`);
    expect(fs.existsSync(empty)).toBe(false);
  });

  it('exports a session and imports it into another data folder', async () => {
    const file = path.join(tempDir(), 'b.tar.gz');
    const ex = await cli('--data', dataDir, 'export', ID, '--out', file);
    expect(ex.code).toBe(0);
    expect(ex.out).toMatch(
      new RegExp(
        `^Exported session ${ID} to .*b\\.tar\\.gz \\(5 files, \\d+ bytes before compression\\)\\.\\n$`,
      ),
    );
    const other = path.join(tempDir(), 'other');
    const im = await cli('--data', other, 'import', file);
    expect(im).toMatchObject({ code: 0, out: `Imported session ${ID} (6 events, 3 blobs) into ${other}.\n` });
    const again = await cli('--data', other, 'import', file);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists/);
    const bad = path.join(tempDir(), 'bad.tar.gz');
    fs.writeFileSync(bad, fs.readFileSync(file).subarray(0, 100));
    const refused = await cli('--data', path.join(tempDir(), 'x'), 'import', bad);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /^appwarden: Failed to import bundle .*bad\.tar\.gz: corrupt or truncated archive/,
    );
  });
});
