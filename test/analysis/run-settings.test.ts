import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStored } from '../../src/analysis/engine.ts';
import { openStore } from '../../src/evidence/store.ts';
import { leakySession } from '../report/fixtures.ts';

/** A run is re-judged with the settings it ran with (kept in its meta), not with the defaults. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-run-settings-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const store = openStore({ dataDir: dir });
  store.createRun({
    id: 'run-kept',
    meta: {
      analysis: {
        rules: { 'PI-CONSENT-001': { enabled: false, params: {} } },
        rulesFile: 'lab-rules.yaml',
        failOn: 'H',
      },
    },
  });
  await leakySession(store, { id: 's1', run: 'run-kept' });
  await store.close();
});

const rule = (findings: { rule: string; status: string; data: Record<string, unknown> }[], id: string) =>
  findings.filter((f) => f.rule === id);

describe('analyze with the settings stored with the run', () => {
  it('keeps a rule the run disabled disabled, for the run and for one of its sessions', async () => {
    for (const id of ['run-kept', 's1']) {
      await analyzeStored({ dataDir: dir, id });
      const store = openStore({ dataDir: dir });
      try {
        const kept = rule(store.findings('s1'), 'PI-CONSENT-001');
        expect(kept, id).toHaveLength(1);
        expect(kept[0]).toMatchObject({ status: 'not-evaluated', data: { disabled: true } });
        expect(kept[0]?.data.reasons).toEqual(['disabled by the rules settings lab-rules.yaml']);
      } finally {
        await store.close();
      }
    }
  });

  it('gives way to an explicit rules file', async () => {
    const rules = path.join(dir, 'none-off.yaml');
    fs.writeFileSync(rules, 'kind: rules\nrules: {}\n');
    const [result] = await analyzeStored({ dataDir: dir, id: 'run-kept', rulesFile: rules });
    expect(result?.findings.filter((f) => f.rule === 'PI-CONSENT-001').map((f) => f.status)).toContain(
      'violation',
    );
  });
});
