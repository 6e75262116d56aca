import type { SimDevice } from './device.ts';

/**
 * What the sim's app network (part 2) reads from device state, kept here so the shell and the
 * network agree: the global HTTP proxy (`settings put global http_proxy HOST:PORT`; `:0` or unset
 * means direct, as Android treats it) and the CA certificates in the system and user trust stores.
 */
export interface ProxySetting {
  host: string;
  port: number;
}

/** Android's stores: system CAs (root needed to add one) and user-added CAs (apps targeting 24+ ignore them by default). */
export const CA_STORES = {
  system: '/system/etc/security/cacerts',
  user: '/data/misc/user/0/cacerts-added',
} as const;
export type CaStore = keyof typeof CA_STORES;

export function httpProxy(device: SimDevice): ProxySetting | null {
  const raw = device.settings.global.get('http_proxy')?.trim();
  if (!raw) return null;
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(raw);
  if (!m || !m[1] || Number(m[2]) === 0) return null;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1], port } : null;
}

export interface TrustedCa {
  store: CaStore;
  path: string;
  pem: Buffer;
}

/** Certificates currently in the trust stores (files such as `<subject-hash>.0`, PEM). */
export function trustedCaCertificates(device: SimDevice): TrustedCa[] {
  const out: TrustedCa[] = [];
  for (const store of Object.keys(CA_STORES) as CaStore[]) {
    const dir = CA_STORES[store];
    for (const e of device.fs.list(dir) ?? []) {
      const pem = device.fs.read(`${dir}/${e.name}`);
      if (pem) out.push({ store, path: `${dir}/${e.name}`, pem });
    }
  }
  return out;
}
