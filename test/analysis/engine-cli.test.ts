import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openStore } from '../../src/evidence/store.ts';
import { API, fixture, sdkStack } from '../fixtures/sessions/factory.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-analyze-cli-'));
const data = path.join(dir, 'data');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'appwarden', '--data', data, ...args], {
    out: (s) => (out += s),
    err: (s) => (err += `${s}\n`),
  });
  return { code, out, err };
}

beforeAll(async () => {
  const store = openStore({ dataDir: data });
  await fixture({ id: 'bad', run: 'run-a' })
    .marker(0, 'LAUNCH')
    .marker(300, 'POLICY_SHOWN')
    .api(800, API.imei, ['imei'], { stack: sdkStack(API.imei) })
    .marker(5000, 'POLICY_ACCEPTED')
    .snapshot(80_000)
    .write(store);
  await fixture({ id: 'clean', run: 'run-b' })
    .marker(0, 'LAUNCH')
    .marker(300, 'POLICY_SHOWN')
    .marker(5000, 'POLICY_ACCEPTED')
    .api(8000, API.imei, ['imei'])
    .snapshot(80_000)
    .write(store);
  await store.close();
});

describe('appwarden analyze', () => {
  it('prints a findings table and exits 1 on violations', async () => {
    const r = await cli(['analyze', 'bad']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('session bad: findings (2 violations,');
    expect(r.out).toContain('PI-CONSENT-001');
    expect(r.out).toContain('Umeng (Alibaba) read the IMEI at 0.8 s');
  });

  it('exits 0 for a run whose sessions have no violation, and prints JSON', async () => {
    const r = await cli(['analyze', 'run-b', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      formatVersion: number;
      sessions: { session: string; status: string; violations: number }[];
    };
    expect(json.formatVersion).toBe(1);
    expect(json.sessions.map((s) => [s.session, s.status, s.violations])).toEqual([['clean', 'passed', 0]]);
  });

  it('applies a rules file and exits 2 with a one-line reason on a bad one', async () => {
    const good = path.join(dir, 'rules-good.yaml');
    fs.writeFileSync(
      good,
      'kind: rules\nrules:\n  PI-CONSENT-001: { enabled: false }\n  SDK-001: { enabled: false }\n',
    );
    expect((await cli(['analyze', 'bad', '--rules', good])).code).toBe(0);
    const bad = path.join(dir, 'rules-bad.yaml');
    fs.writeFileSync(bad, 'kind: rules\nrules:\n  PI-FREQ-001: { params: { maxPeriodMs: often } }\n');
    const r = await cli(['analyze', 'bad', '--rules', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^appwarden: Failed to apply rule settings in .*rules-bad\.yaml: rule PI-FREQ-001 param maxPeriodMs: /,
    );
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for an unknown id or severity', async () => {
    expect((await cli(['analyze', 'nope'])).code).toBe(2);
    expect((await cli(['analyze', 'bad', '--fail-on', 'X'])).code).toBe(2);
    expect((await cli(['analyze', 'bad', '--fail-on', 'C'])).code).toBe(1);
  });
});
