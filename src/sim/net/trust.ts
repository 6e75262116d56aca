import { createHash, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { SimDevice } from '../device/device.ts';
import { trustedCaCertificates } from '../device/network.ts';

/**
 * Which CAs an app on the sim trusts, as Android 7+ decides it:
 * - the system store: the image's roots (Node's bundled Mozilla roots stand in for them) plus any
 *   `<subject_hash_old>.0` pushed to /system/etc/security/cacerts/ (needs root on a phone);
 * - the user store (/data/misc/user/0/cacerts-added/, what Settings → Install certificate writes)
 *   only when the app opts in with networkSecurityConfig `<certificates src="user"/>` — or targets
 *   API < 24, where user CAs count by default (model `network.trustUserCerts` overrides);
 * - a pinned host (model `network.pins`) trusts only the CAs among those whose SubjectPublicKeyInfo
 *   SHA-256 is pinned, so a proxy's CA is refused during the handshake as a pinning app refuses it.
 *   Pins name CA keys (the pin-set entry for the issuing root), not leaf keys.
 */
export interface TrustPolicy {
  trustUserCerts: boolean;
  pins: { host: string; sha256: string[] }[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function userCertsTrustedByDefault(targetSdk: number): boolean {
  return targetSdk < 24;
}

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo (the `sha256/…` pin form). */
const spkiCache = new Map<string, string>();

export function spkiSha256(pem: string): string {
  const cached = spkiCache.get(pem);
  if (cached !== undefined) return cached;
  const cert = new X509Certificate(pem);
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const hash = createHash('sha256').update(spki).digest('base64');
  spkiCache.set(pem, hash);
  return hash;
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

export function pinsFor(policy: TrustPolicy, host: string): string[] | undefined {
  const matching = policy.pins.filter((p) => hostMatches(p.host, host));
  return matching.length ? matching.flatMap((p) => p.sha256) : undefined;
}

/** PEM certificates the app trusts for `host`. */
export function trustAnchors(device: SimDevice, policy: TrustPolicy, host: string): string[] {
  const added = trustedCaCertificates(device)
    .filter((c) => c.store === 'system' || policy.trustUserCerts)
    .flatMap((c) => c.pem.toString('utf8').match(PEM_BLOCK) ?? []);
  const all = [...tls.rootCertificates, ...added];
  const pins = pinsFor(policy, host);
  if (!pins) return all;
  return all.filter((pem) => {
    try {
      return pins.includes(spkiSha256(pem));
    } catch {
      // A file in the store that is not a certificate: Android skips it too.
      return false;
    }
  });
}
