import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import forge from 'node-forge';
import { randomSerial, type FarmCa } from './ca.ts';

/**
 * Mints the per-host certificates the proxy presents, signed by the farm CA. All of them share one
 * key pair that lives only in memory (as mitmproxy does): nothing per host is ever written to disk,
 * so no host key can be left world-readable, and a new host costs one signature (~ms), not a
 * 2048-bit key generation (~200 ms of blocked event loop in http-mitm-proxy).
 */
export class CertMinter {
  private readonly contexts = new Map<string, tls.SecureContext>();
  private readonly leafKeyPem: string;
  private readonly leafPublic: forge.pki.PublicKey;

  constructor(
    private readonly ca: FarmCa,
    private readonly maxCached = 2000,
  ) {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.leafKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const k = forge.pki.privateKeyFromPem(this.leafKeyPem) as forge.pki.rsa.PrivateKey;
    this.leafPublic = forge.pki.setRsaPublicKey(k.n, k.e);
  }

  /** A TLS context presenting a certificate for `host` (DNS name or IP literal). */
  contextFor(host: string): tls.SecureContext {
    const name = host.toLowerCase();
    let ctx = this.contexts.get(name);
    if (!ctx) {
      ctx = tls.createSecureContext({
        key: this.leafKeyPem,
        cert: this.certPemFor(name) + this.ca.certPem,
      });
      if (this.contexts.size >= this.maxCached) {
        const oldest = this.contexts.keys().next().value;
        if (oldest !== undefined) this.contexts.delete(oldest);
      }
      this.contexts.set(name, ctx);
    }
    return ctx;
  }

  certPemFor(host: string): string {
    const cert = forge.pki.createCertificate();
    cert.publicKey = this.leafPublic;
    cert.serialNumber = randomSerial();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
    // Clients reject leaf certificates valid for more than 398 days (CA/Browser Forum, Apple, Chrome).
    cert.validity.notAfter = new Date(now + 365 * 24 * 3600 * 1000);
    const cn = host.length <= 64 ? host : host.slice(0, 64);
    cert.setSubject([
      { name: 'commonName', value: cn },
      { name: 'organizationName', value: 'appwarden' },
    ]);
    cert.setIssuer(this.ca.cert.subject.attributes);
    const isIp = net.isIP(host) !== 0;
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [isIp ? { type: 7, ip: host } : { type: 2, value: host }] },
      { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId(this.ca) },
    ]);
    cert.sign(nativeSigner(this.ca), forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
}

/** One minter per CA in this process: its leaf key generation (~150 ms) happens once. */
const minters = new Map<string, CertMinter>();
export function minterFor(ca: FarmCa): CertMinter {
  const key = ca.certPem;
  let m = minters.get(key);
  if (!m) {
    m = new CertMinter(ca);
    minters.set(key, m);
  }
  return m;
}

// DER prefix of DigestInfo{sha256} (RFC 8017 §9.2): RSASSA-PKCS1-v1_5 signs prefix ‖ digest.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * node-forge builds the certificate; OpenSSL signs it. forge calls `key.sign(md)` with the digest of
 * the to-be-signed bytes, and its pure-JS RSA signature costs ~45 ms per host versus ~1 ms natively.
 */
function nativeSigner(ca: FarmCa): forge.pki.rsa.PrivateKey {
  let keyObject = nativeKeys.get(ca);
  if (!keyObject) {
    keyObject = crypto.createPrivateKey(ca.keyPem);
    nativeKeys.set(ca, keyObject);
  }
  const k = keyObject;
  return {
    ...ca.key,
    sign(md: forge.md.MessageDigest) {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const sig = crypto.privateEncrypt(
        { key: k, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, digest]),
      );
      return sig.toString('binary');
    },
  } as forge.pki.rsa.PrivateKey;
}
const nativeKeys = new WeakMap<FarmCa, crypto.KeyObject>();

const keyIds = new WeakMap<FarmCa, string>();
function caKeyId(ca: FarmCa): string {
  let id = keyIds.get(ca);
  if (id === undefined) {
    id = forge.pki.getPublicKeyFingerprint(ca.cert.publicKey, { md: forge.md.sha1.create() }).getBytes();
    keyIds.set(ca, id);
  }
  return id;
}
