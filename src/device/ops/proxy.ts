import type { Device } from '../device.ts';

/**
 * Routes the device's HTTP(S) through `host:port` with the global proxy setting. For a proxy on the host,
 * `viaReverse` first maps the device's own 127.0.0.1:port to it with `adb reverse`, which works on USB
 * devices, emulators and sims alike, whatever the network between them.
 */
export async function setGlobalProxy(
  device: Device,
  hostPort: { host: string; port: number },
  viaReverse = true,
): Promise<string> {
  let target = `${hostPort.host}:${hostPort.port}`;
  if (viaReverse) {
    await device.reverse(`tcp:${hostPort.port}`, `tcp:${hostPort.port}`);
    target = `127.0.0.1:${hostPort.port}`;
  }
  await device.run(['settings', 'put', 'global', 'http_proxy', target], { timeoutMs: 15_000 });
  return target;
}

export async function getGlobalProxy(device: Device): Promise<string | null> {
  const out = (await device.run(['settings', 'get', 'global', 'http_proxy'], { timeoutMs: 15_000 })).trim();
  return out === '' || out === 'null' || out === ':0' ? null : out;
}

/**
 * Clears the global proxy. `settings delete` alone leaves some Android versions' ConnectivityService using
 * the cached value, so `:0` (no proxy) is written first, the form Android itself documents for clearing.
 */
export async function clearGlobalProxy(device: Device, reversePort?: number): Promise<void> {
  await device.run(['settings', 'put', 'global', 'http_proxy', ':0'], { timeoutMs: 15_000 });
  await device.run(['settings', 'delete', 'global', 'http_proxy'], { timeoutMs: 15_000 });
  if (reversePort !== undefined) await device.removeReverse(`tcp:${reversePort}`);
}
