import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import {
  detectConfigKind,
  loadConfigFile,
  loadSuiteScenarios,
  parseConfigText,
} from '../../src/config/load.ts';
import { isStep, type Step } from '../../src/config/steps/index.ts';

const FIX = path.resolve('test/fixtures/config');
const fixture = (...p: string[]) => path.join(FIX, ...p);

describe('scenario files', () => {
  const file = fixture('scenarios', 'refuse-then-relaunch.yaml');
  const scenario = loadConfigFile(file, 'scenario');
  const at = (i: number): Step => {
    const s = scenario.steps[i];
    if (!s) throw new Error(`no step ${i}`);
    return s;
  };

  it('reads the header and the params with their defaults', () => {
    expect(scenario.name).toBe('refuse-then-relaunch');
    expect(scenario.appId).toBe('com.example.news');
    expect(scenario.file).toBe(file);
    expect(scenario.params).toEqual({ observe: 60, settle: 2.5, agree: '同意' });
  });

  it('expands bare, shorthand and map forms to the same typed options', () => {
    expect(scenario.steps.map((s) => [s.name, s.options])).toEqual([
      ['launchApp', { clearState: true, permissions: 'denyAll' }],
      ['consent', { answer: 'refuse', timeout: 10, optional: false }],
      ['wait', { seconds: 60 }],
      ['tapOn', { text: '同意', index: 0, optional: false, timeout: 5 }],
      ['tapOn', { id: 'com.example.news:id/close', index: 1, optional: true, timeout: 5 }],
      ['tapOn', { point: { x: 540, y: 1200 }, index: 0, optional: false, timeout: 5 }],
      ['inputText', { text: 'hello 同意!' }],
      ['back', {}],
      ['home', {}],
      ['scroll', { direction: 'down', times: 1 }],
      ['swipe', { from: { x: 10, y: 20 }, to: { x: 10, y: 900 }, duration: 0.5 }],
      ['waitFor', { text: '首页', timeout: 15 }],
      ['assertNotVisible', { desc: '广告', timeout: 5 }],
      ['background', { seconds: 60 }],
      ['screenOff', {}],
      ['screenOn', {}],
      ['shake', { acceleration: 12, duration: 2, rotation: 30 }],
      ['permission', { answer: 'denyForever', timeout: 5, optional: false }],
      ['marker', { name: 'WITHDRAW' }],
      ['repeat', expect.objectContaining({ times: 2 })],
      [
        'runFlow',
        { file: fixture('scenarios', 'dismiss-popup.yaml'), when: { visible: { text: '跳过' } }, params: {} },
      ],
      ['screenshot', { name: 'after-refusal' }],
      ['explore', { maxSteps: 10, seed: 7, avoid: ['支付', '注销'] }],
      ['stopApp', {}],
    ]);
  });

  it('keeps the type of a whole-value ${param} and splices it into longer text', () => {
    const wait = at(2);
    expect(isStep(wait, 'wait') && wait.options.seconds).toBe(60);
    const typed = at(6);
    expect(isStep(typed, 'inputText') && typed.options.text).toBe('hello 同意!');
  });

  it('parses nested steps and records where every step was written', () => {
    const rep = at(19);
    if (!isStep(rep, 'repeat')) throw new Error('step 20 is not repeat');
    expect(rep.source).toEqual({ file, line: 30, col: 5 });
    expect(rep.options.steps.map((s) => [s.name, s.options, s.source.line, s.source.col])).toEqual([
      ['relaunch', {}, 33, 11],
      ['wait', { seconds: 2.5 }, 34, 11],
    ]);
    expect(at(0).source).toEqual({ file, line: 11, col: 5 });
  });

  it('applies parameter overrides and rejects undeclared ones', () => {
    const short = loadConfigFile(file, 'scenario', { params: { observe: 5 } });
    expect(short.params.observe).toBe(5);
    expect(short.steps[2]?.options).toEqual({ seconds: 5 });
    expect(short.steps[13]?.options).toEqual({ seconds: 5 });
    expect(() => loadConfigFile(file, 'scenario', { params: { obsrve: 5 } })).toThrow(ConfigError);
    expect(() => loadConfigFile(file, 'scenario', { params: { obsrve: 5 } })).toThrow(
      /parameter 'obsrve'.*does not declare it \(did you mean 'observe'\?\)\. Declared: observe, settle, agree\./,
    );
  });

  it('writes a literal ${ with $${', () => {
    const s = parseConfigText('name: x\nsteps:\n  - inputText: "cost: $${price}"\n', 'x.yaml', 'scenario');
    expect(s.steps[0]?.options).toEqual({ text: 'cost: ${price}' });
  });
});

describe('suite files', () => {
  const file = fixture('suites', 'nightly.yaml');
  const suite = loadConfigFile(file, 'suite');

  it('resolves every relative path against the suite folder', () => {
    expect(suite.file).toBe(file);
    expect(suite.targets.map((t) => t.apk)).toEqual([
      fixture('apps', 'news.apk'),
      undefined,
      [fixture('apps', 'base.apk'), fixture('apps', 'split_config.arm64_v8a.apk')],
    ]);
    expect(suite.scenarios).toEqual([
      { file: fixture('scenarios', 'dismiss-popup.yaml'), params: {} },
      { file: fixture('scenarios', 'refuse-then-relaunch.yaml'), params: { observe: 5 } },
    ]);
    expect(suite.rules).toBe(fixture('rules', 'strict.yaml'));
  });

  it("loads its scenarios with the suite's shared params where declared, and the entry's overrides on top", () => {
    expect(suite.params).toEqual({ settle: 1, notDeclaredAnywhere: 3 });
    const [popup, refuse] = loadSuiteScenarios(suite);
    expect(popup?.params).toEqual({ skip: '跳过' });
    expect(refuse?.params).toEqual({ observe: 5, settle: 1, agree: '同意' });
  });

  it('normalises categories (Chinese names too) and keeps selectors and threshold', () => {
    expect(suite.targets.map((t) => [t.category, t.package, t.firstParty])).toEqual([
      ['news', undefined, ['example.com', 'example-cdn.net']],
      ['online-shopping', 'com.example.shop', []],
      ['utilities', undefined, []],
    ]);
    expect(suite.devices).toEqual([
      { tags: ['demo'], sdk: { min: 29 } },
      { kind: 'sim', root: true },
    ]);
    expect(suite.failOn).toBe('M');
  });

  it('defaults to any device and fail threshold H', () => {
    const s = parseConfigText(
      'name: s\ntargets: [{package: com.a.b, category: 浏览器}]\nscenarios: [x.yaml]\n',
      '/tmp/suites/s.yaml',
      'suite',
    );
    expect(s.devices).toEqual([{}]);
    expect(s.failOn).toBe('H');
    expect(s.targets[0]?.category).toBe('browser');
    expect(s.scenarios[0]?.file).toBe(path.resolve('/tmp/suites/x.yaml'));
  });
});

describe('rules settings and devices', () => {
  it('reads rules settings by id', () => {
    const rules = loadConfigFile(fixture('rules', 'strict.yaml'), 'rules');
    expect(rules.rules).toEqual({
      'PI-CONSENT-001': { params: { observe: 30, dialogWaitMs: 500 } },
      'UX-POPUP-003': { enabled: false, params: {} },
      'PERM-003': { severity: 'H', params: {} },
    });
  });

  it('places unknown rule ids and parameter names when the analysis says which exist', () => {
    const known = { 'PI-CONSENT-001': ['graceMs', 'observe', 'dialogWaitMs'], 'PERM-003': ['tapWindowMs'] };
    const text = 'rules:\n  PI-CONSENT-001:\n    params: {graceMS: 1}\n  PERM-033:\n    enabled: false\n';
    expect(() => parseConfigText(text, 'rules.yaml', 'rules', { knownRules: known })).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            pos: expect.objectContaining({ line: 3, col: 14 }),
            message: "unknown parameter 'graceMS' of PI-CONSENT-001 (did you mean 'graceMs'?)",
          }),
          expect.objectContaining({
            pos: expect.objectContaining({ line: 4, col: 3 }),
            message: "unknown rule 'PERM-033' (did you mean 'PERM-003'?)",
          }),
        ],
      }),
    );
    const rules = loadConfigFile(fixture('rules', 'strict.yaml'), 'rules', {
      knownRules: { ...known, 'UX-POPUP-003': [] },
    });
    expect(Object.keys(rules.rules)).toEqual(['PI-CONSENT-001', 'UX-POPUP-003', 'PERM-003']);
  });

  it('validates the shipped devices.yaml: four sims and the farm defaults', () => {
    const farm = loadConfigFile('devices.yaml', 'devices');
    expect(farm.devices.map((d) => [d.name, d.kind])).toEqual([
      ['sim-1', 'sim'],
      ['sim-2', 'sim'],
      ['sim-3', 'sim'],
      ['sim-4', 'sim'],
    ]);
    expect(farm.farm).toEqual({
      retries: 2,
      quarantineAfter: 3,
      rebootEvery: 0,
      rebootTimeout: 300,
      jobTimeout: 1800,
      appiumPorts: { from: 4723, to: 4822 },
    });
    expect(farm.devices[0]?.ports).toEqual({ appium: 'auto', frida: 'auto', proxy: 'auto' });
  });

  it('reads adb and emulator devices with fixed ports', () => {
    const farm = parseConfigText(
      [
        'devices:',
        '  - {name: p6, kind: adb, serial: "192.168.1.5:5555", ports: {appium: 4790, frida: auto}}',
        '  - {name: emu, kind: emulator, avd: Pixel_7_API_34, consolePort: 5556}',
      ].join('\n'),
      'devices.yaml',
      'devices',
    );
    expect(farm.devices[0]).toMatchObject({
      kind: 'adb',
      serial: '192.168.1.5:5555',
      ports: { appium: 4790, frida: 'auto', proxy: 'auto' },
    });
    expect(farm.devices[1]).toMatchObject({
      kind: 'emulator',
      avd: 'Pixel_7_API_34',
      headless: true,
      consolePort: 5556,
    });
  });
});

describe('kind detection', () => {
  it('uses the kind: hint, then the name or folder, then the shape', () => {
    expect(detectConfigKind('any.yaml', 'kind: rules\n')).toBe('rules');
    expect(detectConfigKind('lab/devices.yaml', 'farm: {}\n')).toBe('devices');
    expect(detectConfigKind('scenarios/suites/a.yaml', 'name: a\n')).toBe('suite');
    expect(detectConfigKind('x/rules/a.yaml', 'description: a\n')).toBe('rules');
    expect(detectConfigKind('a.yaml', 'devices: []\n')).toBe('devices');
    expect(detectConfigKind('a.yaml', 'targets: []\n')).toBe('suite');
    expect(detectConfigKind('a.yaml', 'name: a\nsteps: [back]\n')).toBe('scenario');
    expect(detectConfigKind('a.yaml', 'rules: {}\n')).toBe('rules');
    expect(detectConfigKind('scenarios/a.yaml', 'name: a\n')).toBe('scenario');
    expect(detectConfigKind('a.yaml', 'name: a\n')).toBeUndefined();
  });
});
