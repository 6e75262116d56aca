import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAgentParams, watchListFromIdentity } from '../../../src/hooks/params.ts';
import { referenceApks } from '../../../src/sim/apps/index.ts';
import { startSimAgent } from '../../../src/sim/bridge/index.ts';
import { SimDevice } from '../../../src/sim/device/device.ts';
import { installModelRuntime, onAppProcess } from '../../../src/sim/model/install.ts';

const PKG = 'com.appwarden.ref.collector';

interface ApiPayload {
  type: string;
  api?: string;
  stack?: string[];
  fg?: boolean;
}

describe('reference apps under the real hook core', () => {
  it('reports the collector’s pre-consent reads with the Umeng frames in their stacks', async () => {
    const d = new SimDevice('ref-hooks');
    installModelRuntime(d);
    d.install(fs.readFileSync(referenceApks().collector as string));
    const payloads: ApiPayload[] = [];
    // Attach as Frida's spawn gating would: when the process starts, before its code runs.
    onAppProcess(d, ({ runtime }) => {
      startSimAgent({
        bridge: runtime.bridge,
        params: buildAgentParams({ appPackage: PKG, watch: watchListFromIdentity(d.identityFile()) }),
        now: () => Date.now() - d.bootTime,
        onMessage: (m) => {
          const p = (m as { payload?: ApiPayload }).payload ?? (m as ApiPayload);
          payloads.push(p);
        },
        foreground: () => runtime.isForeground(),
      });
    });
    d.startActivity(PKG);
    const end = Date.now() + 4000;
    const apis = () => payloads.filter((p) => p.type === 'api').map((p) => p.api ?? '');
    while (!apis().some((a) => a.endsWith('getInstalledPackages')) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    expect(apis()).toEqual(
      expect.arrayContaining([
        'android.telephony.TelephonyManager.getImei',
        expect.stringMatching(/Settings\$Secure\.getString$/),
        'android.net.wifi.WifiInfo.getMacAddress',
        expect.stringMatching(/getInstalledPackages$/),
      ]),
    );
    const imei = payloads.find((p) => p.api === 'android.telephony.TelephonyManager.getImei');
    expect(imei?.stack?.join('\n')).toContain('com.umeng.commonsdk.UMConfigure.init');
    expect(imei?.fg).toBe(true);
  });
});
