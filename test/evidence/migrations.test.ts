import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/evidence/migrations.ts';
import { DATABASE_FILE, openStore } from '../../src/evidence/store.ts';
import { cleanupTempDirs, tempDir } from './helpers.ts';

afterAll(cleanupTempDirs);

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/evidence');
const ID = 'session-20261128-011500-abcdef';

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('has a fixture database of every released schema version', () => {
    for (let v = 1; v <= SCHEMA_VERSION; v++) {
      expect(fs.existsSync(path.join(fixtures, `schema-v${v}.sqlite`)), `schema-v${v}.sqlite`).toBe(true);
    }
  });

  it.each(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1))(
    'opens a store written at schema %i with every row readable',
    async (v) => {
      const dir = tempDir();
      fs.copyFileSync(path.join(fixtures, `schema-v${v}.sqlite`), path.join(dir, DATABASE_FILE));
      const store = openStore({ dataDir: dir });
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.getSession(ID)).toMatchObject({
        status: 'findings',
        target: 'com.example.shop',
        deviceKind: 'sim',
      });
      expect(store.events(ID).map((e) => e.type)).toEqual([
        'marker',
        'api',
        'ui',
        'flow',
        'logcat',
        'marker',
      ]);
      expect(store.flows(ID)[0]).toMatchObject({ host: 'track.example.net', matches: [{ type: 'imei' }] });
      expect(store.apiCalls(ID)[0]?.data.api).toBe('android.telephony.TelephonyManager.getImei');
      expect(store.uiSnapshots(ID)).toHaveLength(1);
      expect(store.findings(ID)[0]).toMatchObject({ rule: 'MIIT-164-1', evidence: [2, 4] });
      // And it keeps working: appends continue after the stored ids.
      expect(store.writer.appendEvent({ session: ID, t: 99, source: 'device', type: 'x', data: null })).toBe(
        7,
      );
      await store.close();
    },
  );
});
