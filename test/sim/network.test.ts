import { describe, expect, it } from 'vitest';
import { SimDevice } from '../../src/sim/device/device.ts';
import { CA_STORES, httpProxy, trustedCaCertificates } from '../../src/sim/device/network.ts';
import { runShellLine } from '../../src/sim/shell/interpreter.ts';

async function sh(d: SimDevice, line: string): Promise<number> {
  return runShellLine(d, line, { output: { out: () => undefined, err: () => undefined } });
}

describe('sim network state', () => {
  it('reads the global proxy as Android does (unset and :0 mean direct)', async () => {
    const d = new SimDevice('proxy');
    expect(httpProxy(d)).toBeNull();
    await sh(d, 'settings put global http_proxy 127.0.0.1:8888');
    expect(httpProxy(d)).toEqual({ host: '127.0.0.1', port: 8888 });
    await sh(d, 'settings put global http_proxy :0');
    expect(httpProxy(d)).toBeNull();
  });

  it('lists CA certificates pushed into the system and user stores', async () => {
    const d = new SimDevice('ca');
    expect(trustedCaCertificates(d)).toEqual([]);
    d.fs.write(`${CA_STORES.user}/abcd1234.0`, Buffer.from('-----BEGIN CERTIFICATE-----\n'));
    d.fs.write(`${CA_STORES.system}/c8750f0d.0`, Buffer.from('-----BEGIN CERTIFICATE-----\n'));
    expect(trustedCaCertificates(d).map((c) => [c.store, c.path])).toEqual([
      ['system', '/system/etc/security/cacerts/c8750f0d.0'],
      ['user', '/data/misc/user/0/cacerts-added/abcd1234.0'],
    ]);
  });
});
