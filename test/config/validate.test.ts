import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const FIX = 'test/fixtures/config';

describe('appwarden validate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-validate-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints OK with the detected kind for good files and exits 0', async () => {
    const r = await runCli([
      'validate',
      'devices.yaml',
      `${FIX}/scenarios/refuse-then-relaunch.yaml`,
      `${FIX}/suites/nightly.yaml`,
      `${FIX}/rules/strict.yaml`,
    ]);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        'OK devices.yaml (devices)',
        `OK ${FIX}/scenarios/refuse-then-relaunch.yaml (scenario)`,
        `OK ${FIX}/suites/nightly.yaml (suite)`,
        `OK ${FIX}/rules/strict.yaml (rules)`,
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('prints the positioned error of each bad file and exits 2', async () => {
    const unknown = path.join(dir, 'what.yaml');
    fs.writeFileSync(unknown, 'name: a\n');
    const r = await runCli([
      'validate',
      `${FIX}/bad/unknown-key.yaml`,
      'devices.yaml',
      unknown,
      path.join(dir, 'none.yaml'),
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('OK devices.yaml (devices)\n');
    expect(r.err.split('\n')).toEqual([
      `${FIX}/bad/unknown-key.yaml:5:7 step 2 'tapOn': unknown key 'txt' (did you mean 'text'?)`,
      `${unknown}:1:1 top level: cannot tell what kind of config this is; add 'kind: devices|scenario|suite|rules' at the top`,
      `Failed to read ${path.join(dir, 'none.yaml')}: no such file. Check the path.`,
      '',
    ]);
  });

  it("checks a suite's scenarios with the suite's parameter overrides", async () => {
    const r = await runCli(['validate', `${FIX}/bad/suite-bad-override.yaml`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `Failed to apply parameter 'skipp' to scenario ${FIX}/scenarios/dismiss-popup.yaml: the scenario does not declare it (did you mean 'skip'?). Declared: skip. (scenario of suite ${FIX}/bad/suite-bad-override.yaml)`,
    );
  });

  it('follows runFlow files and refuses a flow that runs itself', async () => {
    const r = await runCli(['validate', `${FIX}/bad/flow-loop-a.yaml`]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `${FIX}/bad/flow-loop-b.yaml:6:11 step 'runFlow': the flow runs itself (flow-loop-a.yaml → flow-loop-b.yaml → flow-loop-a.yaml)\n`,
    );
  });

  it('places unknown rule ids and parameters of a rules file, alone or named by a suite', async () => {
    const rules = path.join(dir, 'typo-rules.yaml');
    fs.writeFileSync(
      rules,
      [
        'kind: rules',
        'rules:',
        '  PI-BG-001:',
        '    params:',
        '      minDwl: 10',
        '  PI-BG-009:',
        '    enabled: false',
        '',
      ].join('\n'),
    );
    const suite = path.join(dir, 'typo-suite.yaml');
    fs.writeFileSync(
      suite,
      [
        'kind: suite',
        'name: s',
        'targets: [{ package: com.x.y, category: news }]',
        `scenarios: [{ file: ${JSON.stringify(path.resolve('scenarios/first-launch-idle.yaml'))} }]`,
        'rules: typo-rules.yaml',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', rules, suite, 'scenarios/rules/demo.yaml']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('OK scenarios/rules/demo.yaml (rules)\n');
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toBe(
      `${rules}:5:7 'rules.PI-BG-001.params': unknown parameter 'minDwl' of PI-BG-001 (did you mean 'minDwell'?)`,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${rules}:6:3 'rules': unknown rule 'PI-BG-009' \\(did you mean 'PI-BG-001'\\?\\)$`),
    );
    expect(lines.slice(2)).toEqual([
      `${lines[0]} (rules of suite ${suite})`,
      `${lines[1]} (rules of suite ${suite})`,
    ]);
  });

  it('honours --kind', async () => {
    const r = await runCli(['validate', '--kind', 'scenario', 'devices.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^devices\.yaml:\d+:\d+ /);
  });
});
