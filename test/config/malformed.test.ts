import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadConfigFile, parseConfigText, type ConfigKind } from '../../src/config/load.ts';
import { ConfigFileError } from '../../src/config/problems.ts';

/** Parses text as `file` and returns the one-line error it must raise. */
function errorOf(text: string, file: string, kind: ConfigKind): ConfigFileError {
  try {
    parseConfigText(text, file, kind);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigFileError;
  }
  throw new Error(`expected ${file} to be rejected`);
}

// Each case: the text, then the exact first line of the error (file:line:col, where, what).
const CASES: { name: string; kind: ConfigKind; file: string; text: string; error: string | RegExp }[] = [
  {
    name: 'unknown key, with a suggestion',
    kind: 'scenario',
    file: 'scenarios/x.yaml',
    text: 'name: x\nsteps:\n  - launchApp\n  - back\n  - tapOn:\n      txt: 同意\n',
    error: "scenarios/x.yaml:6:7 step 3 'tapOn': unknown key 'txt' (did you mean 'text'?)",
  },
  {
    name: 'unknown key in a CRLF file with a BOM and CJK text before it',
    kind: 'scenario',
    file: 'scenarios/crlf.yaml',
    text: '\ufeffname: x\r\nsteps:\r\n  - back\r\n  - tapOn: {text: 同意, idd: x}\r\n',
    error: "scenarios/crlf.yaml:4:23 step 2 'tapOn': unknown key 'idd' (did you mean 'id'?)",
  },
  {
    name: 'YAML syntax error',
    kind: 'scenario',
    file: 'scenarios/syntax.yaml',
    text: 'name: x\nsteps:\n  - tapOn: {text: "a"\n  - back\n',
    error:
      'scenarios/syntax.yaml:4:3 YAML: Flow map in block collection must be sufficiently indented and end with a }',
  },
  {
    name: 'duplicate key',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'farm:\n  retries: 1\n  retries: 2\ndevices:\n  - {name: a, kind: sim}\n',
    error: "devices.yaml:3:3 YAML: duplicate key 'retries'",
  },
  {
    name: 'tab indentation',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices:\n\t- name: a\n',
    error: 'devices.yaml:2:1 YAML: tab used for indentation; indent with spaces',
  },
  {
    name: 'wrong type',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'farm:\n  retries: two\ndevices:\n  - {name: a, kind: sim}\n',
    error: "devices.yaml:2:12 'farm.retries': expected a number, got 'two'",
  },
  {
    name: 'missing required key',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices:\n  - name: p6\n    kind: adb\n',
    error: "devices.yaml:2:5 'devices[0]': missing required key 'serial'",
  },
  {
    name: 'bad enum value, with a suggestion',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices:\n  - name: p6\n    kind: adbb\n    serial: X1\n',
    error:
      "devices.yaml:3:11 'devices[0].kind': expected one of adb|emulator|sim, got 'adbb' (did you mean 'adb'?)",
  },
  {
    name: 'out-of-range number',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices:\n  - name: s1\n    kind: sim\n    ports:\n      appium: 70000\n',
    error: "devices.yaml:5:15 'devices[0].ports.appium': expected a number <= 65535, got 70000",
  },
  {
    name: 'empty file',
    kind: 'devices',
    file: 'devices.yaml',
    text: '# only a comment\n',
    error: 'devices.yaml:1:1 top level: the file is empty; expected a devices file',
  },
  {
    name: 'a string where a list is expected',
    kind: 'scenario',
    file: 'scenarios/notlist.yaml',
    text: 'name: x\nsteps: tapOn\n',
    error: "scenarios/notlist.yaml:2:8 'steps': expected a list, got 'tapOn'",
  },
  {
    name: 'a map where a list is expected',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices:\n  name: a\n  kind: sim\n',
    error: "devices.yaml:2:3 'devices': expected a list, got a map",
  },
  {
    name: 'alias bomb (billion laughs)',
    kind: 'devices',
    file: 'devices.yaml',
    text:
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' +
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
    error:
      'devices.yaml:2:8 YAML: too many alias expansions (over 100; an alias bomb?); write the values out',
  },
  {
    name: 'nesting too deep to parse',
    kind: 'devices',
    file: 'devices.yaml',
    text: `devices: ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
    // Where the parser gives up depends on the stack size of the process.
    error: /^devices\.yaml:1:\d+ YAML: nested too deeply to parse \(Maximum call stack size exceeded\)$/,
  },
  {
    name: 'unknown step name, with a suggestion',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - launchApp\n  - tapon: OK\n',
    error: "scenarios/s.yaml:4:5 step 2: unknown step 'tapon' (did you mean 'tapOn'?)",
  },
  {
    name: 'unknown bare step',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - launchApp\n  - bakc\n',
    error: "scenarios/s.yaml:4:5 step 2: unknown step 'bakc' (did you mean 'back'?)",
  },
  {
    name: 'tapOn with two selectors',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - tapOn: {text: OK, id: "a:id/ok"}\n',
    error: "scenarios/s.yaml:3:23 step 1 'tapOn': expected exactly one selector, got 'text' and 'id'",
  },
  {
    name: 'tapOn with no selector',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - tapOn: {index: 1}\n',
    error:
      "scenarios/s.yaml:3:12 step 1 'tapOn': expected exactly one selector: text, id, desc, xpath, point",
  },
  {
    name: 'option written beside the step instead of under it',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - tapOn: OK\n    index: 2\n',
    error:
      "scenarios/s.yaml:4:5 step 1: a step is one key with its options indented under it; 'index' is beside 'tapOn' (indent it under 'tapOn')",
  },
  {
    name: 'unknown ${param}',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nparams:\n  observe: 5\nsteps:\n  - wait: ${obsrve}\n',
    error:
      "scenarios/s.yaml:5:11 step 1 'wait': unknown parameter '${obsrve}' (did you mean 'observe'?); declare it under 'params:'",
  },
  {
    name: 'nested step out of range',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - repeat:\n      times: 2\n      steps:\n        - back\n        - shake: {acceleration: 200}\n',
    error: "scenarios/s.yaml:7:33 step 1.2 'shake' 'acceleration': expected a number <= 100, got 200",
  },
  {
    name: 'bad shorthand value',
    kind: 'scenario',
    file: 'scenarios/s.yaml',
    text: 'name: x\nsteps:\n  - consent: refus\n',
    error:
      "scenarios/s.yaml:3:14 step 1 'consent': expected one of accept|refuse, got 'refus' (did you mean 'refuse'?)",
  },
  {
    name: 'duplicate device names',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices:\n  - {name: a, kind: sim}\n  - {name: a, kind: sim}\n',
    error: "devices.yaml:3:12 'devices[1].name': duplicate device name 'a' (also device 1)",
  },
  {
    name: 'two documents in one file',
    kind: 'devices',
    file: 'devices.yaml',
    text: 'devices: []\n---\ndevices: []\n',
    error: "devices.yaml:2:1 YAML: several YAML documents ('---'); put one in each file",
  },
  {
    name: 'a list at the top level',
    kind: 'devices',
    file: 'devices.yaml',
    text: '- name: a\n  kind: sim\n',
    error: 'devices.yaml:1:1 top level: expected a map of keys for a devices file, got a list',
  },
  {
    name: 'unknown app category, with a suggestion',
    kind: 'suite',
    file: 'scenarios/suites/s.yaml',
    text: 'name: s\ntargets:\n  - apk: a.apk\n    category: newz\nscenarios: [a.yaml]\n',
    error:
      "scenarios/suites/s.yaml:4:15 'targets[0].category': expected an R8 app category id or Chinese name, got 'newz' (did you mean 'news'?)",
  },
  {
    name: 'bad rule id',
    kind: 'rules',
    file: 'rules.yaml',
    text: 'rules:\n  PI-CONSENT-1:\n    enabled: false\n',
    error: "rules.yaml:2:3 'rules': expected a rule id like PI-CONSENT-001, got 'PI-CONSENT-1'",
  },
  {
    name: 'bad severity',
    kind: 'rules',
    file: 'rules.yaml',
    text: 'rules:\n  PI-CONSENT-001:\n    severity: X\n',
    error: "rules.yaml:3:15 'rules.PI-CONSENT-001.severity': expected one of C|H|M|L, got 'X'",
  },
];

describe('malformed config yields one positioned line naming the key', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const err = errorOf(c.text, c.file, c.kind);
      if (typeof c.error === 'string') expect(err.message).toBe(c.error);
      else expect(err.message).toMatch(c.error);
      expect(err.message).not.toContain('\n');
    });
  }

  it('lists every problem in file order, not just the first', () => {
    const err = errorOf(
      'devices:\n  - {name: a, kind: sim, sdk: 99}\n  - {name: b, kind: emulator}\n',
      'devices.yaml',
      'devices',
    );
    expect(err.problems.map((p) => `${p.pos.line}:${p.pos.col} ${p.where}: ${p.message}`)).toEqual([
      "2:31 'devices[0].sdk': expected a number <= 40, got 99",
      "3:5 'devices[1]': missing required key 'avd'",
    ]);
  });

  it('does not add follow-on noise to a typo (no "missing text" after "unknown txt")', () => {
    const err = errorOf('name: x\nsteps:\n  - tapOn: {txt: OK}\n', 'x.yaml', 'scenario');
    expect(err.problems).toHaveLength(1);
  });
});

describe('files that cannot be read', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a file that does not exist', () => {
    const file = path.join(dir, 'nope.yaml');
    expect(() => loadConfigFile(file, 'devices')).toThrow(
      new ConfigError(`Failed to read ${file}: no such file. Check the path.`),
    );
  });

  it('a directory', () => {
    expect(() => loadConfigFile(dir, 'scenario')).toThrow(
      `Failed to read ${dir}: it is a directory. Name a YAML file inside it.`,
    );
  });

  it('an oversized file', () => {
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, `name: x\n# ${'x'.repeat(4 * 1024 * 1024)}\n`);
    expect(() => loadConfigFile(file, 'scenario')).toThrow(/over the 4194304-byte limit/);
  });
});
