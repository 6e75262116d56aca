import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSession, type EngineOptions } from '../../src/analysis/engine.ts';
import { diffRuns } from '../../src/report/diff.ts';
import { renderReport } from '../../src/report/index.ts';
import { leakySession, tempStore } from './fixtures.ts';

const t = tempStore();
afterAll(() => t.cleanup());

/** What `run` and `analyze` do with a rules file that turns rules off: the analysis records the disabled ones. */
const settings: EngineOptions = {
  rules: {
    'PI-CONSENT-001': { enabled: false, params: {} },
    'PERM-001': { enabled: false, params: {} },
  },
  source: 'lab-rules.yaml',
};

beforeAll(async () => {
  await leakySession(t.store, { id: 'on', run: 'run-on' });
  await leakySession(t.store, { id: 'off', run: 'run-off' });
  analyzeSession(t.store, 'off', settings);
  // Every session ran: the infrastructure status is `passed` although the rules found violations.
  t.store.finishRun('run-on', 'passed');
  t.store.finishRun('run-off', 'passed');
  await t.store.flush();
});

const json = (id: string) => JSON.parse(renderReport(t.store, id, 'json'));
const rule = (s: { rules: { id: string }[] }, id: string) => s.rules.find((r) => r.id === id);

describe('rules disabled by a rules file', () => {
  it('are "disabled" in the JSON report with the reason, never "passed", and not counted as not evaluated', () => {
    const on = json('on').sessions[0];
    const off = json('off').sessions[0];
    expect(rule(on, 'PI-CONSENT-001')).toMatchObject({ outcome: 'violation' });
    expect(rule(off, 'PI-CONSENT-001')).toMatchObject({
      outcome: 'disabled',
      findings: [],
      reasons: ['disabled by the rules settings lab-rules.yaml'],
    });
    expect(rule(on, 'PERM-001')).toMatchObject({ outcome: 'not-evaluated' });
    expect(rule(off, 'PERM-001')).toMatchObject({ outcome: 'disabled' });
    expect(off.verdict).toMatchObject({ disabled: 2, notEvaluated: on.verdict.notEvaluated - 1 });
    expect(off.findings.map((f: { rule: string }) => f.rule)).not.toContain('PERM-001');
    expect(off.rules.filter((r: { outcome: string }) => r.outcome === 'disabled')).toHaveLength(2);
  });

  it('are skipped in JUnit saying why, and listed under "Disabled" in the HTML', () => {
    const x = renderReport(t.store, 'off', 'junit');
    const doc = new DOMParser().parseFromString(x, 'text/xml');
    const cases = Array.from(doc.getElementsByTagName('testcase'));
    const c = cases.find((e) => e.getAttribute('name')?.startsWith('PI-CONSENT-001 '));
    expect(c?.getElementsByTagName('skipped')[0]?.getAttribute('message')).toBe(
      'disabled by the rules settings lab-rules.yaml',
    );
    expect(c?.getElementsByTagName('failure')).toHaveLength(0);
    const html = renderReport(t.store, 'off', 'html');
    expect(html).toMatch(/<h2>Disabled<\/h2><table class="disabled">.*<td>PI-CONSENT-001<\/td>/s);
    expect(html).toContain('2 rules disabled');
  });

  it('are not "fixed" in a diff: nobody looked', () => {
    const d = diffRuns(t.store, 'run-on', 'run-off');
    expect(d.fixed.map((e) => e.rule)).not.toContain('PI-CONSENT-001');
    expect(d.disabledNow.map((e) => e.rule)).toEqual(['PI-CONSENT-001', 'PERM-001']);
    expect(d.notEvaluatedNow.map((e) => e.rule)).not.toContain('PERM-001');
  });
});

describe('run report header', () => {
  it('shows the verdict by severity apart from the infrastructure status', () => {
    const html = renderReport(t.store, 'run-on', 'html');
    const verdict =
      /<div class="verdict v-violations" id="run-verdict">Verdict: (\d+) violations in 1 of 1 session/.exec(
        html,
      );
    expect(verdict).not.toBeNull();
    expect(html).toContain('<span class="sev sev-C" title="critical">C</span>');
    expect(html).toMatch(
      /<p id="run-infra">Infrastructure: every session ran \(run status <code>passed<\/code>\)/,
    );
    const r = json('run-on');
    expect(r.run.status).toBe('passed');
    expect(r.summary).toMatchObject({ verdict: 'violations', sessionsWithViolations: 1 });
    expect(r.summary.violations).toBe(Number(verdict?.[1]));
    expect(r.summary.bySeverity.C).toBeGreaterThan(0);
  });
});
