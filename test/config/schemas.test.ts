import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildJsonSchemas, jsonSchemaText } from '../../src/config/jsonSchema.ts';
import { CONFIG_KINDS, type ConfigKind } from '../../src/config/load.ts';

const SCHEMA_DIR = path.resolve('scenarios/schemas');
const schemas = buildJsonSchemas();

// ajv 6 (draft-07, what yaml-language-server reads best) stands in for the editor here.
const ajv = new Ajv({ allErrors: true });
const validators = Object.fromEntries(CONFIG_KINDS.map((k) => [k, ajv.compile(schemas[k])])) as Record<
  ConfigKind,
  ReturnType<typeof ajv.compile>
>;

function editorAccepts(kind: ConfigKind, yamlText: string): boolean {
  return validators[kind](parse(yamlText)) as boolean;
}

describe('generated JSON Schemas', () => {
  for (const kind of CONFIG_KINDS) {
    it(`scenarios/schemas/${kind}.schema.json is up to date (npm run schemas)`, () => {
      const committed = fs.readFileSync(path.join(SCHEMA_DIR, `${kind}.schema.json`), 'utf8');
      expect(committed).toBe(jsonSchemaText(schemas[kind]));
    });
  }

  it('accept the shipped and fixture files', () => {
    expect(editorAccepts('devices', fs.readFileSync('devices.yaml', 'utf8'))).toBe(true);
    for (const [kind, file] of [
      ['scenario', 'scenarios/refuse-then-relaunch.yaml'],
      ['scenario', 'scenarios/dismiss-popup.yaml'],
      ['suite', 'suites/nightly.yaml'],
      ['rules', 'rules/strict.yaml'],
    ] as const) {
      const ok = editorAccepts(kind, fs.readFileSync(path.join('test/fixtures/config', file), 'utf8'));
      expect(ok, `${file}: ${ajv.errorsText(validators[kind].errors)}`).toBe(true);
    }
  });

  it('reject unknown steps, unknown options and bad values as the loader does', () => {
    expect(editorAccepts('scenario', 'name: x\nsteps: [tapon]\n')).toBe(false);
    expect(editorAccepts('scenario', 'name: x\nsteps:\n  - tapOn: {txt: a}\n')).toBe(false);
    expect(
      editorAccepts('scenario', 'name: x\nsteps:\n  - repeat: {times: 2, steps: [{wait: soon}]}\n'),
    ).toBe(false);
    expect(
      editorAccepts('scenario', 'name: x\nsteps:\n  - repeat: {times: 2, steps: [{wait: "${t}"}]}\n'),
    ).toBe(true);
    expect(editorAccepts('devices', 'devices: [{name: a, kind: adbb}]\n')).toBe(false);
    expect(
      editorAccepts(
        'suite',
        'name: s\ntargets: [{package: a.b, category: news}]\nscenarios: [a]\nfailOn: X\n',
      ),
    ).toBe(false);
    expect(editorAccepts('rules', 'rules: {PI-1: {}}\n')).toBe(false);
  });

  it('offer every step name for completion, with its summary', () => {
    const text = fs.readFileSync(path.join(SCHEMA_DIR, 'scenario.schema.json'), 'utf8');
    for (const name of [
      'launchApp',
      'tapOn',
      'consent',
      'permission',
      'shake',
      'repeat',
      'runFlow',
      'explore',
    ]) {
      expect(text).toContain(`"${name}"`);
    }
    expect(text).toContain('Accept or refuse the privacy-policy dialog (found by itself)');
  });
});
