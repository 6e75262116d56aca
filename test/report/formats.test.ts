import fs from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { RULES } from '../../src/analysis/rules/index.ts';
import { diffRuns } from '../../src/report/diff.ts';
import { renderReport } from '../../src/report/index.ts';
import { buildView, REPORT_FORMAT_VERSION } from '../../src/report/model.ts';
import { renderFindingsTable } from '../../src/report/table.ts';
import { fixture } from '../fixtures/sessions/factory.ts';
import { IMEI, leakySession, tempStore } from './fixtures.ts';

const t = tempStore();
afterAll(() => t.cleanup());

beforeAll(async () => {
  await leakySession(t.store, { id: 'a1', run: 'run-a' });
  await leakySession(t.store, { id: 'b1', run: 'run-b', extraLeak: true });
  // A session that was never analysed: its rules must not read as passed.
  await fixture({ id: 'raw', run: 'run-raw' }).marker(0, 'LAUNCH').write(t.store);
  await t.store.flush();
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'appwarden', '--data', t.dir, ...args], {
    out: (s) => (out += s),
    err: (s) => (err += `${s}\n`),
  });
  return { code, out, err };
}

describe('JSON report', () => {
  it('carries the format version, findings with evidence ids and rule sources, and the SDK inventory', () => {
    const r = JSON.parse(renderReport(t.store, 'a1', 'json'));
    expect(r.formatVersion).toBe(REPORT_FORMAT_VERSION);
    expect(r.kind).toBe('session');
    const s = r.sessions[0];
    expect(s.session).toMatchObject({ id: 'a1', deviceKind: 'sim', capabilities: ['frida', 'system-ca'] });
    const f = s.findings.find((x: { rule: string }) => x.rule === 'PI-CONSENT-001');
    expect(f).toMatchObject({
      status: 'violation',
      severity: 'C',
      explanation:
        'Umeng (Alibaba) read the IMEI at 0.5 s and sent it to umeng.com at 1 s, while the user had not accepted the privacy policy.',
      evidence: [3, 4],
      signature: 'PI-CONSENT-001|umeng',
    });
    expect(f.clauses).toEqual(RULES.find((x) => x.id === 'PI-CONSENT-001')?.clauses);
    expect(s.evidence['3']).toMatchObject({ kind: 'api', collector: 'Umeng (Alibaba)' });
    expect(s.evidence['4']).toMatchObject({ kind: 'flow', host: 'alog.umeng.com' });
    expect(s.evidence['4'].requestBody).toContain(IMEI);
    expect(s.sdks).toEqual([
      expect.objectContaining({
        id: 'umeng',
        reads: [expect.objectContaining({ type: 'imei', count: 1, firstT: 500 })],
        sentTo: [expect.objectContaining({ domain: 'umeng.com', types: ['imei'] })],
      }),
    ]);
    expect(s.rules).toHaveLength(RULES.length);
    expect(s.timeline).toBeUndefined();
  });

  it('is byte-identical for the same evidence', () => {
    expect(renderReport(t.store, 'run-a', 'json')).toBe(renderReport(t.store, 'run-a', 'json'));
  });

  it('does not report rules of an unanalysed session as passed', () => {
    const s = JSON.parse(renderReport(t.store, 'raw', 'json')).sessions[0];
    expect(s.verdict.result).toBe('not-analysed');
    expect(s.rules.every((r: { outcome: string }) => r.outcome === 'not-analysed')).toBe(true);
  });
});

describe('JUnit report', () => {
  it('has one testcase per session × rule: failures for findings, skipped for not evaluated', () => {
    const x = renderReport(t.store, 'run-b', 'junit');
    expect(x.match(/<testcase /g)).toHaveLength(RULES.length);
    const json = JSON.parse(renderReport(t.store, 'run-b', 'json')).sessions[0];
    const failing = json.rules.filter((r: { outcome: string }) => r.outcome === 'violation').length;
    const skipped = json.rules.filter((r: { outcome: string }) => r.outcome === 'not-evaluated').length;
    expect(x).toContain(`tests="${RULES.length}" failures="${failing}" errors="0" skipped="${skipped}"`);
    expect(x).toMatch(
      /<testcase classname="appwarden\.b1" name="PI-CONSENT-001 [^"]*" time="0">\s*<failure message="Umeng \(Alibaba\) read the IMEI/,
    );
    expect(x).toContain('<skipped message="not evaluated: the journey did not deny a permission"/>');
  });
});

describe('JUnit report with hostile strings', () => {
  it('stays well-formed XML and keeps the text', async () => {
    await leakySession(t.store, { id: 'h1', run: 'run-h', hostile: true });
    const x = renderReport(t.store, 'h1', 'junit');
    const errors: string[] = [];
    const doc = new DOMParser({
      onError: (level: string, msg: string) => {
        errors.push(`${level}: ${msg}`);
      },
    }).parseFromString(x, 'text/xml');
    expect(errors).toEqual([]);
    const bodies = Array.from(doc.getElementsByTagName('failure')).map((f) => f.textContent ?? '');
    expect(
      bodies.some((b) => b.includes('"><img src=x onerror=alert(1)><script>alert(1)</script> read')),
    ).toBe(true);
  });
});

describe('findings table', () => {
  it('has one row per violation and a line per session', () => {
    const text = renderFindingsTable(buildView(t.store, 'run-b'));
    expect(text).toContain('PI-CONSENT-001');
    expect(text.match(/│ b1 /g)?.length ?? (text.match(/ b1 /g) ?? []).length).toBeGreaterThan(0);
    expect(text).toContain('b1 (com.example.app / fixture on sim): 6 violations, 13 not evaluated');
  });
});

describe('SARIF report', () => {
  it('lists violations as results with fingerprints', () => {
    const s = JSON.parse(renderReport(t.store, 'a1', 'sarif'));
    expect(s.version).toBe('2.1.0');
    const r = s.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'PI-CONSENT-001');
    expect(r.level).toBe('error');
    expect(r.partialFingerprints['appwarden/v1']).toBe('com.example.app|fixture|PI-CONSENT-001|umeng');
  });
});

describe('diff', () => {
  it('keys findings by target × scenario × rule × signature, not by event ids', () => {
    const d = diffRuns(t.store, 'run-a', 'run-b');
    expect(d.new.map((e) => e.signature)).toEqual(['PI-CONSENT-001|bugly', 'SDK-001|bugly']);
    expect(d.fixed).toEqual([]);
    expect(d.unchanged.map((e) => e.signature)).toContain('PI-CONSENT-001|umeng');
    const back = diffRuns(t.store, 'run-b', 'run-a');
    expect(back.fixed.map((e) => e.signature)).toEqual(['PI-CONSENT-001|bugly', 'SDK-001|bugly']);
    expect(back.new).toEqual([]);
  });
});

describe('appwarden report / diff', () => {
  it('writes each format to --out and prints the path', async () => {
    for (const [format, check] of [
      ['html', (s: string) => s.startsWith('<!doctype html>')],
      ['json', (s: string) => JSON.parse(s).formatVersion === REPORT_FORMAT_VERSION],
      ['junit', (s: string) => s.startsWith('<?xml')],
      ['har', (s: string) => JSON.parse(s).log.entries[0].request.url === 'https://alog.umeng.com/app_logs'],
      ['sarif', (s: string) => JSON.parse(s).version === '2.1.0'],
    ] as const) {
      const out = path.join(t.dir, 'out', `a1.${format}`);
      const r = await cli(['report', 'a1', '--format', format, '--out', out]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(out);
      expect(check(fs.readFileSync(out, 'utf8'))).toBe(true);
    }
  });

  it('refuses HAR for a run and unknown formats with exit 2', async () => {
    const har = await cli(['report', 'run-a', '--format', 'har', '--out', path.join(t.dir, 'x.har')]);
    expect(har.code).toBe(2);
    expect(har.err).toContain("HAR holds one session's traffic");
    const bad = await cli(['report', 'a1', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('expected one of html, json, junit, har, sarif');
  });

  it('diff exits 1 on new findings, 0 otherwise, and prints JSON on request', async () => {
    const d = await cli(['diff', 'run-a', 'run-b']);
    expect(d.code).toBe(1);
    expect(d.out).toContain('run-a → run-b: 2 new, 0 fixed, 4 unchanged');
    const back = await cli(['diff', 'run-b', 'run-a', '--json']);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.out).fixed).toHaveLength(2);
  });
});
