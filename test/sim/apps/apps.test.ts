import { createHash } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUpstreamTls } from '../../traffic/helpers.ts';
import { parseModel } from '../../../src/sim/model/parse.ts';
import { REFERENCE_APPS, referenceApks, referenceRoutes } from '../../../src/sim/apps/index.ts';
import { SimDevice } from '../../../src/sim/device/device.ts';
import { CA_STORES } from '../../../src/sim/device/network.ts';
import { installModelRuntime } from '../../../src/sim/model/install.ts';
import { ROUTES_SETTING } from '../../../src/sim/net/routes.ts';
import { sh, tapOn, until } from '../in-process.ts';
import { PERMISSION_IDS } from '../../../src/sim/ui/permission-dialog.ts';
import { readPng } from '../ui/png-read.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-refapps-'));
let apks: Record<string, string>;
let upstream: https.Server;
let upCert = '';
let upPort = 0;
const received: { host: string; url: string; body: Buffer }[] = [];

beforeAll(async () => {
  apks = referenceApks();
  const hosts = [...new Set(REFERENCE_APPS.flatMap((a) => a.hosts))];
  const tls = await makeUpstreamTls(tmp, {
    cn: 'reference upstream',
    san: hosts.map((h) => `DNS:${h}`).join(','),
  });
  upCert = tls.cert;
  upstream = https.createServer({ key: tls.key, cert: upCert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ host: req.headers.host ?? '', url: req.url ?? '', body: Buffer.concat(chunks) });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upPort = (upstream.address() as net.AddressInfo).port;
}, 120_000);

afterAll(() => {
  upstream?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function sim(seed: string): SimDevice {
  const d = new SimDevice(seed);
  installModelRuntime(d);
  d.settings.global.set(ROUTES_SETTING, referenceRoutes(`127.0.0.1:${upPort}`));
  d.fs.write(`${CA_STORES.system}/refup.0`, Buffer.from(upCert));
  return d;
}

describe('reference apps', () => {
  it.each(REFERENCE_APPS.map((a) => [a.name, a.package] as const))(
    '%s installs with pm and launches to its first screen',
    async (name, pkg) => {
      const d = sim(`ref-${name}`);
      const apk = fs.readFileSync(apks[name] as string);
      d.fs.write(`/data/local/tmp/${name}.apk`, apk);
      expect(await sh(d, `pm install /data/local/tmp/${name}.apk`)).toContain('Success');
      // Every model in the corpus parses, and documents itself in its header.
      const model = d.packages.get(pkg)?.model ?? '';
      expect(model.startsWith('# Reference app')).toBe(true);
      expect(parseModel(model, name).app).toBe(pkg);
      await sh(d, `monkey -p ${pkg} -c android.intent.category.LAUNCHER 1`);
      await until(
        () => d.ui.windows().some((w) => w.package === pkg && w.id.includes(':screen/')),
        `${name} screen`,
      );
      expect(d.foreground().pkg).toBe(pkg);
      expect(await sh(d, 'logcat -d')).not.toContain('FATAL EXCEPTION');
    },
  );

  it('collector: posts IMEI (base64, md5), Android ID, MAC and app list to Umeng before its policy is answered', async () => {
    const d = sim('ref-collector-send');
    d.install(fs.readFileSync(apks.collector as string));
    await sh(d, 'am start -n com.appwarden.ref.collector/.MainActivity');
    const imei = d.identity.imei[0] as string;
    const mine = (r: (typeof received)[number]) => r.body.includes(Buffer.from(imei).toString('base64'));
    await until(() => received.some((r) => r.host === 'ulogs.umeng.com' && mine(r)), 'umeng post');
    const body = JSON.parse(received.find(mine)?.body.toString() ?? '{}') as Record<string, string>;
    expect(body.imei).toBe(Buffer.from(imei).toString('base64'));
    expect(body.imei_md5).toBe(createHash('md5').update(imei).digest('hex'));
    expect(body.mac).toBe(createHash('md5').update(d.identity.wifiMac).digest('hex'));
    // The policy dialog is still waiting for an answer.
    await until(() => d.ui.windows()[0]?.kind === 'dialog', 'policy dialog');
    expect(d.ui.pageSource()).toContain('text="同意 Agree"');
  });

  it('permpest: asks for everything at launch, exits on denial, asks again on the next launch', async () => {
    const d = sim('ref-permpest');
    d.install(fs.readFileSync(apks.permpest as string));
    await sh(d, 'am start -n com.appwarden.ref.permpest/.MainActivity');
    await until(() => d.ui.windows()[0]?.kind === 'system', 'first prompt');
    // One prompt per permission group, in a row; refuse them all.
    const groups: string[] = [];
    while (d.pidOf('com.appwarden.ref.permpest') !== undefined) {
      if (d.ui.windows()[0]?.kind === 'system') {
        groups.push(d.ui.find((n) => n.resourceId === PERMISSION_IDS.message)?.text ?? '');
        await tapOn(d, PERMISSION_IDS.deny);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(groups).toHaveLength(7);
    expect(groups).toContain('要允许“手电筒 Flashlight”访问您的通讯录吗？');
    await sh(d, 'am start -n com.appwarden.ref.permpest/.MainActivity');
    await until(() => d.ui.windows()[0]?.kind === 'system', 'prompt on relaunch');
    expect(d.ui.pageSource()).toContain(PERMISSION_IDS.denyDontAsk);
  });

  it('splash: no skip for 5 s, the whole ad jumps to the browser, a 6 m/s² shake jumps too', async () => {
    const d = sim('ref-splash');
    d.install(fs.readFileSync(apks.splash as string));
    await sh(d, 'am start -n com.appwarden.ref.splash/.MainActivity');
    await until(() => d.ui.find((n) => n.resourceId.endsWith(':id/ad_image')) !== undefined, 'splash');
    expect(d.ui.find((n) => n.resourceId.endsWith(':id/skip'))).toBeUndefined();
    d.shake(6);
    await until(() => d.foreground().pkg === 'com.android.chrome', 'shake jump');
    await sh(d, 'am start -n com.appwarden.ref.splash/.MainActivity');
    await until(() => d.foreground().pkg === 'com.appwarden.ref.splash', 'back to splash');
    await until(
      () => d.ui.find((n) => n.resourceId.endsWith(':id/skip')) !== undefined,
      'skip after 5 s',
      6500,
    );
    // A tap in a blank corner of the ad, far from any label, is a jump.
    await sh(d, 'input tap 100 1200');
    await until(() => d.foreground().pkg === 'com.android.chrome', 'tap jump');
  }, 15_000);

  it('bgcollector: reads location every 2 s in the background and sends clipboard and contacts gzip’d', async () => {
    const d = sim('ref-bg');
    d.install(fs.readFileSync(apks.bgcollector as string));
    d.clipboard.push('honey-clip-7f3e');
    await sh(d, 'am start -n com.appwarden.ref.bgcollector/.MainActivity');
    await until(() => d.ui.windows()[0]?.kind === 'dialog', 'policy');
    await tapOn(d, 'btn_agree');
    await sh(d, 'input keyevent KEYCODE_HOME');
    await until(() => received.some((r) => r.host === 'tdcv3.talkingdata.com'), 'talkingdata post');
    const post = received.find((r) => r.host === 'tdcv3.talkingdata.com');
    const body = JSON.parse(gunzipSync(post?.body ?? Buffer.alloc(0)).toString()) as Record<string, string>;
    expect(body.clip).toBe('honey-clip-7f3e');
    expect(body.loc).toBe(`${d.location.lat},${d.location.lon}`);
  });

  it('renders the compliant app’s Chinese policy dialog legibly', async () => {
    const d = sim('ref-shot');
    d.install(fs.readFileSync(apks.compliant as string));
    await sh(d, 'am start -n com.appwarden.ref.compliant/.MainActivity');
    await until(() => d.ui.windows()[0]?.kind === 'dialog', 'policy');
    const png = Buffer.from(await sh(d, 'screencap -p'), 'latin1');
    const direct = d.screenshot();
    expect(direct.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const img = await readPng(direct);
    expect([img.width, img.height]).toEqual([d.screen.width, d.screen.height]);
    const title = d.ui.find((n) => n.text === '用户协议与隐私政策');
    const [l, t, r, b] = title?.bounds ?? [0, 0, 0, 0];
    const stats = img.region(l, t, r, b);
    expect(stats.dark).toBeGreaterThan(1500);
    expect(stats.light).toBeGreaterThan(stats.dark);
    expect(png.length).toBeGreaterThan(1000);
    if (process.env.SIM_SCREENSHOT) fs.writeFileSync(process.env.SIM_SCREENSHOT, direct);
  });
});
