import type { SimDevice } from '../device/device.ts';

/**
 * Where a host name leads from the sim. Real handsets resolve through DNS; a sim in a test or a demo
 * has to reach tracker domains (`log.umeng-sim.cn`) that only a local upstream serves. Two
 * device-side mappings, both writable over adb:
 * - `/system/etc/hosts` (the file Android's resolver reads first): `IP name…` lines;
 * - the sim-only global setting `appwarden_sim_routes`: `name[:port]=ip:port` pairs separated by
 *   commas or spaces, which also moves the port (a test upstream listens on a random one):
 *   `adb shell settings put global appwarden_sim_routes log.umeng-sim.cn:443=127.0.0.1:40123`.
 * The name stays what the app asked for: TLS SNI, the Host header and the proxy's CONNECT
 * authority's certificate all carry it; only the socket goes to the mapped address.
 */
export const ROUTES_SETTING = 'appwarden_sim_routes';
export const HOSTS_FILE = '/system/etc/hosts';

export interface Route {
  /** Address and port the socket connects to. */
  host: string;
  port: number;
  /** True when a mapping applied (else it is the name itself, for the OS resolver). */
  mapped: boolean;
}

export function parseRoutes(text: string): Map<string, { host: string; port: number | undefined }> {
  const out = new Map<string, { host: string; port: number | undefined }>();
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^([^=\s]+?)(?::(\d+))?=([^:\s]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const key = m[2] ? `${(m[1] as string).toLowerCase()}:${m[2]}` : (m[1] as string).toLowerCase();
    out.set(key, { host: m[3] as string, port: m[4] ? Number(m[4]) : undefined });
  }
  return out;
}

export function parseHostsFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [ip, ...names] = line.split(/\s+/);
    for (const n of names) if (ip && !out.has(n.toLowerCase())) out.set(n.toLowerCase(), ip);
  }
  return out;
}

export function resolveRoute(device: SimDevice, name: string, port: number): Route {
  const lower = name.toLowerCase();
  const routes = parseRoutes(device.settings.global.get(ROUTES_SETTING) ?? '');
  const r = routes.get(`${lower}:${port}`) ?? routes.get(lower);
  if (r) return { host: r.host, port: r.port ?? port, mapped: true };
  const hostsText = device.fs.read(HOSTS_FILE)?.toString('utf8');
  const ip = hostsText ? parseHostsFile(hostsText).get(lower) : undefined;
  if (ip) return { host: ip, port, mapped: true };
  return { host: name, port, mapped: false };
}
