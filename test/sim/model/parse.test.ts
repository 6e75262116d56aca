import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../../../src/config/problems.ts';
import { parseModel } from '../../../src/sim/model/parse.ts';
import { encodeBody, renderTemplate, type TemplateScope } from '../../../src/sim/model/template.ts';
import { SimDevice } from '../../../src/sim/device/device.ts';

const GOOD = `app: com.x.y
screens:
  main:
    elements:
      - id: agree
        text: 同意
        onTap:
          - call: {api: android.telephony.TelephonyManager.getImei, from: [com.umeng.commonsdk.UMConfigure.init]}
          - after: {delay: 5s, do: [{show: main}]}
on:
  launch:
    - show: main
    - requestPermissions: [android.permission.READ_CONTACTS]
timers:
  - every: 2s
    while: background
    do: [{log: hi}]
`;

function problem(text: string): string {
  try {
    parseModel(text, 'm.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigFileError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('app model parsing', () => {
  it('parses a model with shorthands expanded and durations in ms', () => {
    const m = parseModel(GOOD, 'm.yaml');
    expect(m.on.launch?.[1]).toEqual({
      requestPermissions: { permissions: ['android.permission.READ_CONTACTS'] },
    });
    expect(m.timers[0]).toMatchObject({ every: 2000, while: 'background' });
    expect(m.screens.main?.elements[0]?.onTap?.[1]).toEqual({
      after: { delay: 5000, do: [{ show: 'main' }] },
    });
    expect(m.network).toEqual({ pins: [] });
  });

  it.each([
    [
      'onTap:',
      'onTapp:',
      "m.yaml:7:9 'screens.main.elements[0]': unknown key 'onTapp' (did you mean 'onTap'?)",
    ],
    [
      '- show: main\n    - req',
      '- shw: main\n    - req',
      "m.yaml:12:7 'on.launch[0]': unknown key 'shw' (did you mean 'show'?)",
    ],
    [
      'delay: 5s',
      'delay: 5 sec',
      "m.yaml:9:28 'screens.main.elements[0].onTap[1].after.delay': expected a duration like '2s' or '500ms', got '5 sec'",
    ],
    [
      '{show: main}',
      '{show: mian}',
      "m.yaml:9:44 'screens.main.elements[0].onTap[1].after.do[0].show': no screen named 'mian' (did you mean 'main'?)",
    ],
    [
      'while: background',
      'while: bg',
      "m.yaml:16:12 'timers[0].while': expected one of foreground|background|always, got 'bg'",
    ],
    [
      '    - show: main\n    - req',
      '    - show: main\n      log: x\n    - req',
      "m.yaml:12:7 'on.launch[0]': one action per list item, got show and log",
    ],
    ['app: com.x.y', 'ap: com.x.y', "m.yaml:1:1 top level: unknown key 'ap' (did you mean 'app'?)"],
    [
      'api: android.telephony.TelephonyManager.getImei',
      'api: getImei',
      "m.yaml:8:25 'screens.main.elements[0].onTap[0].call.api': expected 'package.Class.method', got 'getImei'",
    ],
  ])('reports a problem at its position (%#)', (from, to, message) => {
    expect(problem(GOOD.replace(from, to))).toBe(message);
  });

  it('reports YAML syntax and non-map documents on one line', () => {
    expect(problem('app: [1')).toMatch(/^m\.yaml:1:\d+ YAML: /);
    expect(problem('- a\n- b')).toBe("m.yaml:1:1 top level: expected a map with 'app:', got a list");
    expect(problem('app: x.y\napp: x.z')).toBe('m.yaml:2:1 YAML: duplicate key');
  });
});

describe('templates and body encodings', () => {
  const d = new SimDevice('template');
  const scope: TemplateScope = {
    vars: new Map([['v', 'a b']]),
    identity: () => d.identityFile(),
    pkg: 'com.x',
  };

  it('fills identity values and variables through filter chains', () => {
    const imei = d.identity.imei[0] as string;
    expect(renderTemplate('${imei}', scope)).toBe(imei);
    expect(renderTemplate('${imei|md5}', scope)).toBe(createHash('md5').update(imei).digest('hex'));
    expect(renderTemplate('${androidId|base64}', scope)).toBe(
      Buffer.from(d.identity.androidId).toString('base64'),
    );
    expect(renderTemplate('${wifiMac|nocolon|upper}', scope)).toBe(
      d.identity.wifiMac.replace(/:/g, '').toUpperCase(),
    );
    expect(renderTemplate('q=${v|url}&p=${pkg}', scope)).toBe('q=a%20b&p=com.x');
    expect(() => renderTemplate('${nope}', scope)).toThrow(/unknown template name 'nope'/);
    expect(() => renderTemplate('${imei|rot13}', scope)).toThrow(/unknown filter 'rot13'/);
  });

  it('serialises maps as JSON and applies gzip and base64 in order', () => {
    const { bytes, headers } = encodeBody({ id: '${imei|sha256}', n: 1 }, ['json', 'gzip'], scope);
    expect(headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    const sha = createHash('sha256')
      .update(d.identity.imei[0] as string)
      .digest('hex');
    expect(JSON.parse(gunzipSync(bytes).toString())).toEqual({ id: sha, n: 1 });
    const b64 = encodeBody({ a: '${v}' }, ['form', 'base64'], scope);
    expect(Buffer.from(b64.bytes.toString(), 'base64').toString()).toBe('a=a+b');
  });
});
