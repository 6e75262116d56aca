import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScenarioRunner } from '../../src/ui/runner.ts';
import { dataDir, names, run, scenario, store, useSim } from './helpers.ts';

/** A failing step, a stopped run, a broken file. */
useSim('journeys-fail');

describe('journey failures', () => {
  it('a step failing mid-journey ends the session error with its position and keeps earlier evidence', async () => {
    const file = path.join(dataDir, 'broken-mid.yaml');
    fs.writeFileSync(
      file,
      [
        'kind: scenario',
        'name: fails-mid',
        'steps:',
        '  - launchApp',
        '  - tapOn: {text: 没有这个按钮, timeout: 1}',
        '  - wait: 1',
        '',
      ].join('\n'),
    );
    const outcome = await run('fail', createScenarioRunner(file));
    expect(outcome).toMatchObject({ kind: 'done', status: 'error' });
    const s = store.getSession('fail');
    expect(s?.status).toBe('error');
    expect(s?.reason).toMatch(
      /^step 2 'tapOn' \(.*broken-mid\.yaml:5:5\): no element with text '没有这个按钮'/,
    );
    expect(names('fail')).toContain('LAUNCH');
    const steps = store
      .events('fail', { type: 'step' })
      .map((e) => e.data as { name: string; result: string });
    expect(steps).toEqual([
      expect.objectContaining({ name: 'launchApp', result: 'ok' }),
      expect.objectContaining({ name: 'tapOn', result: 'failed' }),
    ]);
    expect(store.uiSnapshots('fail').some((u) => (u.meta as { phase?: string }).phase === 'failed')).toBe(
      true,
    );
  }, 60_000);

  it('a stopped run ends the journey aborted while it waits', async () => {
    const ac = new AbortController();
    const p = run('abort', scenario('first-launch-idle', { observeSeconds: 60 }), ac.signal);
    setTimeout(() => ac.abort(new Error('interrupted by test')), 4000);
    const outcome = await p;
    expect(outcome).toMatchObject({ kind: 'done', status: 'aborted' });
    expect(store.getSession('abort')?.status).toBe('aborted');
    const steps = store
      .events('abort', { type: 'step' })
      .map((e) => e.data as { name: string; result: string });
    expect(steps.at(-1)).toMatchObject({ name: 'wait', result: 'aborted' });
  }, 60_000);

  it('repeat and runFlow run nested steps, numbered under their parent; a failing nested step names its file', async () => {
    const flow = path.join(dataDir, 'flow-leaf.yaml');
    fs.writeFileSync(
      flow,
      [
        'kind: scenario',
        'name: leaf',
        'params: {what: x}',
        'steps:',
        '  - marker: {name: WITHDRAW, arg: "${what}"}',
        '',
      ].join('\n'),
    );
    const failing = path.join(dataDir, 'flow-fail.yaml');
    fs.writeFileSync(
      failing,
      ['kind: scenario', 'name: leaf-fail', 'steps:', '  - waitFor: {id: nope, timeout: 0.5}', ''].join('\n'),
    );
    const file = path.join(dataDir, 'nested.yaml');
    fs.writeFileSync(
      file,
      [
        'kind: scenario',
        'name: nested',
        'steps:',
        '  - launchApp',
        '  - repeat:',
        '      times: 2',
        '      steps:',
        '        - runFlow: {file: flow-leaf.yaml, params: {what: consent}}',
        '  - runFlow: {file: flow-leaf.yaml, when: {visible: 没有这个}}',
        '  - runFlow: flow-fail.yaml',
        '',
      ].join('\n'),
    );
    const outcome = await run('nested', createScenarioRunner(file));
    expect(outcome).toMatchObject({ kind: 'done', status: 'error' });
    expect(store.getSession('nested')?.reason).toMatch(
      /^step 4\.1 'waitFor' \(.*flow-fail\.yaml:4:5\): id 'nope' did not appear/,
    );
    const withdraws = store
      .events('nested', { type: 'marker' })
      .map((e) => e.data as { name: string; arg?: string })
      .filter((m) => m.name === 'WITHDRAW');
    expect(withdraws).toEqual([
      { name: 'WITHDRAW', arg: 'consent' },
      { name: 'WITHDRAW', arg: 'consent' },
    ]);
    const steps = store
      .events('nested', { type: 'step' })
      .map((e) => e.data as { index: string; name: string; result: string });
    expect(steps.map((s) => `${s.index} ${s.name} ${s.result}`)).toEqual([
      '1 launchApp ok',
      '2#1.1.1 marker ok',
      '2#1.1 runFlow ok',
      '2#2.1.1 marker ok',
      '2#2.1 runFlow ok',
      '2 repeat ok',
      '3 runFlow skipped',
      '4.1 waitFor failed',
    ]);
  }, 60_000);

  it('the device-level steps run on a sim and mark what they do', async () => {
    const file = path.join(dataDir, 'all-steps.yaml');
    fs.writeFileSync(
      file,
      [
        'kind: scenario',
        'name: all-steps',
        'steps:',
        '  - launchApp: {permissions: grantAll}',
        '  - consent: accept',
        '  - waitFor: 设置',
        '  - tapOn: {id: settings}',
        '  - assertVisible: {text: 关于, timeout: 2}',
        '  - back',
        '  - scroll: down',
        '  - swipe: {from: "100,1000", to: "900,1000", duration: 0.1}',
        '  - inputText: hello world',
        '  - screenshot: home',
        '  - home',
        '  - screenOff',
        '  - screenOn',
        '  - assertNotVisible: {text: 不同意, timeout: 1}',
        '  - stopApp',
        '',
      ].join('\n'),
    );
    const outcome = await run('all-steps', createScenarioRunner(file));
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    const steps = store
      .events('all-steps', { type: 'step' })
      .map((e) => e.data as { name: string; result: string });
    expect(steps.every((x) => x.result === 'ok')).toBe(true);
    expect(steps).toHaveLength(15);
    const seq = names('all-steps');
    for (const m of ['LAUNCH', 'POLICY_ACCEPTED', 'TAP', 'BG', 'SCREEN_OFF', 'FORCE_STOP'])
      expect(seq).toContain(m);
    expect(
      store.uiSnapshots('all-steps').some((u) => (u.meta as { screenshot?: string }).screenshot === 'home'),
    ).toBe(true);
  }, 60_000);

  it('a broken scenario file fails at load with a positioned error', () => {
    const file = path.join(dataDir, 'broken.yaml');
    fs.writeFileSync(
      file,
      ['kind: scenario', 'name: broken', 'steps:', '  - launchApp', '  - tapOnn: 同意', ''].join('\n'),
    );
    expect(() => createScenarioRunner(file)).toThrow(/broken\.yaml:5:5 .*unknown step 'tapOnn'.*tapOn/);
  });
});
