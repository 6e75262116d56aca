import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyzeEvidence, analyzeSession, resolveRules } from '../../src/analysis/engine.ts';
import { checkRegistry, RULES } from '../../src/analysis/rules/index.ts';
import { defineRule, type Rule } from '../../src/analysis/rules/types.ts';
import { loadSessionEvidence } from '../../src/analysis/session-evidence.ts';
import { exportSession, importBundle } from '../../src/evidence/bundle.ts';
import { openStore } from '../../src/evidence/store.ts';
import { API, fixture, sdkStack } from '../fixtures/sessions/factory.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-analysis-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

/** A session that violates several rules: SDK reads and sends the IMEI before consent, asks early, re-prompts. */
function violating(id = 's-1') {
  return fixture({ id })
    .marker(0, 'LAUNCH')
    .ui(100, 'foreground', { package: 'com.example.app', activity: '.Main' })
    .marker(300, 'POLICY_SHOWN')
    .api(800, API.imei, ['imei'], { stack: sdkStack(API.imei) })
    .flow(1200, 'alog.umeng.com', [{ type: 'imei', encoding: 'md5-hex', where: 'body' }])
    .marker(1500, 'PERM_PROMPT', 'android.permission.READ_PHONE_STATE')
    .marker(2500, 'PERM_DENIED', 'android.permission.READ_PHONE_STATE')
    .marker(5000, 'POLICY_ACCEPTED')
    .api(6000, API.imei, ['imei'], { stack: sdkStack(API.imei) })
    .marker(9000, 'PERM_PROMPT', 'android.permission.READ_PHONE_STATE')
    .snapshot(80_000);
}

describe('registry', () => {
  it('lists every rule of the issue once, with clauses, a severity and parseable default params', () => {
    expect(RULES.map((r) => r.id)).toEqual([
      'PI-CONSENT-001',
      'PI-CONSENT-002',
      'PI-CONSENT-003',
      'PI-CONSENT-004',
      'PI-CONSENT-005',
      'PI-SCOPE-002',
      'PI-FREQ-001',
      'PI-BG-001',
      'SDK-001',
      'SHARE-001',
      'PERM-001',
      'PERM-002',
      'PERM-003',
      'PERM-004',
      'UX-POPUP-001',
      'UX-POPUP-002',
      'UX-POPUP-003',
      'UX-START-001',
      'UX-START-002',
      'DECEIVE-SHAKE-001',
      'DECEIVE-JUMP-001',
      'DECEIVE-DL-001',
      'DECEIVE-CONSENT-001',
      'DECEIVE-CONSENT-002',
      'GDPR-CONSENT-001',
      'GDPR-CONSENT-002',
    ]);
    for (const r of RULES) {
      expect(r.clauses.length).toBeGreaterThan(0);
      expect(() => r.params.parse({})).not.toThrow();
    }
  });

  it('fails at start-up on a duplicate id', () => {
    expect(() => checkRegistry([RULES[0] as Rule, RULES[0] as Rule])).toThrow(
      'Failed to register rule PI-CONSENT-001: the id is used twice. Rename one of them.',
    );
  });
});

describe('settings', () => {
  it('disables rules, overrides severities (escalations included) and params', () => {
    const ev = violating().evidence();
    const resolved = resolveRules({
      rules: {
        'PI-CONSENT-001': { severity: 'L', params: {} },
        'PERM-002': { enabled: false, params: {} },
        'PERM-003': { params: { tapWindow: 10 } },
      },
    });
    expect(resolved.some((r) => r.rule.id === 'PERM-002')).toBe(false);
    expect(resolved.find((r) => r.rule.id === 'PERM-003')?.params).toEqual({ tapWindowMs: 10_000 });
    const out = analyzeEvidence(ev, resolved);
    expect(out.findings.filter((f) => f.rule === 'PI-CONSENT-001').map((f) => f.severity)).toEqual(['L']);
    expect(out.findings.some((f) => f.rule === 'PERM-002')).toBe(false);
  });

  it('rejects a bad param, an unknown param and an unknown rule with one line naming them', () => {
    expect(() =>
      resolveRules({ rules: { 'PI-FREQ-001': { params: { maxPeriodMs: 'often' } } }, source: 'rules.yaml' }),
    ).toThrow(
      /^Failed to apply rule settings in rules\.yaml: rule PI-FREQ-001 param maxPeriodMs: .*expected number/,
    );
    expect(() => resolveRules({ rules: { 'PI-FREQ-001': { params: { period: 3 } } } })).toThrow(
      /rule PI-FREQ-001 param period: Unrecognized key/,
    );
    expect(() => resolveRules({ rules: { 'PI-NOPE-001': { params: {} } } })).toThrow(
      /^Failed to apply rule settings: unknown rule PI-NOPE-001\. Known rules: PI-CONSENT-001, /,
    );
  });

  it('applies the fail threshold', () => {
    const ev = fixture()
      .marker(0, 'LAUNCH')
      .marker(1000, 'PERM_PROMPT', 'CAMERA')
      .marker(2000, 'POLICY_SHOWN')
      .marker(3000, 'POLICY_ACCEPTED')
      .snapshot(80_000)
      .evidence();
    // PI-CONSENT-002 (H) and PERM-003 (M) fire here.
    const rules = resolveRules();
    expect(analyzeEvidence(ev, rules).status).toBe('findings');
    expect(analyzeEvidence(ev, rules, { failOn: 'H' }).status).toBe('findings');
    expect(analyzeEvidence(ev, rules, { failOn: 'C' }).status).toBe('passed');
  });
});

describe('engine', () => {
  it('records a throwing rule as not evaluated and runs the others', () => {
    const boom = defineRule({
      id: 'TEST-BOOM-001',
      title: 'Throws',
      clauses: ['test'],
      severity: 'H',
      params: z.object({}).strict(),
      needs: [],
      evaluate() {
        throw new Error('index out of range');
      },
      explain: () => '',
    });
    const registry = [boom as Rule, ...RULES];
    const out = analyzeEvidence(violating().evidence(), resolveRules({}, registry));
    expect(out.findings[0]).toMatchObject({
      rule: 'TEST-BOOM-001',
      status: 'not-evaluated',
      explanation: 'Not evaluated: the rule failed: index out of range.',
    });
    expect(out.findings.some((f) => f.rule === 'PI-CONSENT-001' && f.status === 'violation')).toBe(true);
  });

  it('is deterministic: same evidence, same findings, same order', () => {
    const a = analyzeEvidence(violating().evidence(), resolveRules());
    const b = analyzeEvidence(violating().evidence(), resolveRules());
    expect(b).toEqual(a);
    expect(a.findings.filter((f) => f.status === 'violation').map((f) => f.rule)).toEqual([
      'PI-CONSENT-001',
      'PI-CONSENT-002',
      'PI-CONSENT-004',
      'SDK-001',
      'SHARE-001',
      'PERM-001',
      'PERM-002',
      'PERM-003',
      'GDPR-CONSENT-001',
    ]);
  });

  it('reports every rule as not evaluated on a session without hooks, UI or markers — never a pass', () => {
    const out = analyzeEvidence(fixture({ capabilities: [] }).evidence(), resolveRules());
    expect(out.violations).toBe(0);
    expect(out.status).toBe('passed');
    const cleared = RULES.filter((r) => !out.findings.some((f) => f.rule === r.id)).map((r) => r.id);
    // Only rules that can judge from traffic alone (and saw no opaque traffic) clear an empty session.
    expect(cleared).toEqual([]);
  });
});

describe('stored sessions', () => {
  it('gives the same findings from the real store as in memory, writes them and sets the status', async () => {
    const store = tempStore();
    const fx = violating('s-store');
    await fx.write(store);
    const fromStore = loadSessionEvidence(store, 's-store');
    expect(fromStore.markers.map((m) => [m.id, m.name])).toEqual(
      fx.evidence().markers.map((m) => [m.id, m.name]),
    );
    const result = analyzeSession(store, 's-store');
    expect(result.findings).toEqual(analyzeEvidence(fx.evidence(), resolveRules()).findings);
    expect(result.sessionStatus).toBe('findings');
    expect(store.getSession('s-store')?.status).toBe('findings');
    const stored = store.findings('s-store');
    expect(stored.map((f) => f.rule)).toEqual(result.findings.map((f) => f.rule));
    expect(stored[0]?.evidence).toEqual([4, 5]);

    // Re-analysis with PI rules disabled replaces the findings.
    const off = Object.fromEntries(RULES.map((r) => [r.id, { enabled: false, params: {} }]));
    const again = analyzeSession(store, 's-store', { rules: off });
    expect(again.findings).toEqual([]);
    // What is stored is one "disabled" record per rule, so no report can call them passed.
    const records = store.findings('s-store');
    expect(records.map((f) => f.rule).sort()).toEqual(RULES.map((r) => r.id).sort());
    expect(records.every((f) => f.status === 'not-evaluated' && f.data.disabled === true)).toBe(true);
    expect(store.getSession('s-store')?.status).toBe('passed');
    await store.close();
  });

  it('gives identical findings on an exported-then-imported bundle', async () => {
    const source = tempStore();
    await violating('s-bundle').write(source);
    const before = analyzeSession(source, 's-bundle');
    const file = path.join(source.dataDir, 's-bundle.tar.gz');
    await exportSession(source, 's-bundle', file);
    await source.close();
    const target = tempStore();
    await importBundle(file, target);
    const after = analyzeSession(target, 's-bundle');
    expect(after.findings).toEqual(before.findings);
    expect(target.findings('s-bundle').map((f) => [f.rule, f.explanation, f.evidence])).toEqual(
      before.findings.map((f) => [f.rule, f.explanation, f.evidence]),
    );
    await target.close();
  });
});
