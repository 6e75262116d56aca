import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { defineStep } from '../../src/config/steps/define.ts';
import { buildStepRegistry, STEP_DEFINITIONS, STEPS } from '../../src/config/steps/index.ts';

const scenario = (steps: string) =>
  parseConfigText(`name: t\nsteps:\n${steps}`, 'scenarios/t.yaml', 'scenario');

describe('step registry', () => {
  it("holds issue 7's steps", () => {
    expect([...STEPS.keys()].sort()).toEqual(
      [
        'launchApp',
        'stopApp',
        'relaunch',
        'tapOn',
        'inputText',
        'back',
        'home',
        'scroll',
        'swipe',
        'waitFor',
        'assertVisible',
        'assertNotVisible',
        'background',
        'screenOff',
        'screenOn',
        'shake',
        'consent',
        'permission',
        'wait',
        'marker',
        'repeat',
        'runFlow',
        'screenshot',
        'explore',
      ].sort(),
    );
  });

  it('fails at start-up when two steps share a name', () => {
    const a = defineStep({ name: 'tapOn', summary: 'a', options: z.object({}) });
    expect(() => buildStepRegistry([...STEP_DEFINITIONS, a])).toThrow(
      "Failed to register scenario step 'tapOn': two step definitions use that name. Rename one of them.",
    );
  });

  it('accepts every bare step alone, as `name:` and as `name: {}`', () => {
    for (const def of STEP_DEFINITIONS.filter((d) => 'bare' in d && d.bare)) {
      const s = scenario(`  - ${def.name}\n  - ${def.name}:\n  - ${def.name}: {}\n`);
      expect(s.steps.map((x) => x.name)).toEqual([def.name, def.name, def.name]);
      expect(s.steps[0]?.options).toEqual(s.steps[2]?.options);
    }
  });

  it('rejects a step that needs options when written bare', () => {
    expect(() => scenario('  - wait\n')).toThrow(
      "scenarios/t.yaml:3:5 step 1 'wait': 'wait' needs time to wait (seconds) or a map of options",
    );
    expect(() => scenario('  - stopApp: now\n')).toThrow(
      "scenarios/t.yaml:3:14 step 1 'stopApp': expected a map of options, got 'now'",
    );
  });

  it('expands scalar shorthands to the same options as the map form', () => {
    const pairs: [string, string][] = [
      ['tapOn: 同意', 'tapOn: {text: 同意}'],
      ['inputText: abc', 'inputText: {text: abc}'],
      ['scroll: up', 'scroll: {direction: up}'],
      ['swipe: left', 'swipe: {direction: left}'],
      ['waitFor: 首页', 'waitFor: {text: 首页}'],
      ['assertVisible: OK', 'assertVisible: {text: OK}'],
      ['assertNotVisible: 广告', 'assertNotVisible: {text: 广告}'],
      ['background: 300', 'background: {seconds: 300}'],
      ['consent: accept', 'consent: {answer: accept}'],
      ['permission: allowOnce', 'permission: {answer: allowOnce}'],
      ['wait: 1.5', 'wait: {seconds: 1.5}'],
      ['marker: DELETE_ACCOUNT', 'marker: {name: DELETE_ACCOUNT}'],
      ['runFlow: other.yaml', 'runFlow: {file: other.yaml}'],
      ['screenshot: home', 'screenshot: {name: home}'],
    ];
    for (const [short, long] of pairs) {
      const s = scenario(`  - ${short}\n  - ${long}\n`);
      expect(s.steps[0]?.options, short).toEqual(s.steps[1]?.options);
    }
  });

  it('checks swipe forms and runFlow conditions', () => {
    expect(() => scenario('  - swipe: {direction: up, from: "1,2", to: "3,4"}\n')).toThrow(
      "scenarios/t.yaml:3:28 step 1 'swipe': expected either 'direction' or 'from' and 'to', not both",
    );
    expect(() => scenario('  - runFlow: {file: a.yaml, when: {visible: {text: a, id: b}}}\n')).toThrow(
      /step 1 'runFlow' 'when.visible'/,
    );
    expect(() => scenario('  - marker: WITHDRAWL\n')).toThrow(
      /got 'WITHDRAWL' \(did you mean 'WITHDRAW'\?\)/,
    );
  });
});
