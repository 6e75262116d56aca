import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { failure } from '../errors.ts';
import { log } from '../log.ts';

/**
 * The farm's interception CA, one per data folder, in the layout http-mitm-proxy expects in its
 * `sslCaDir` (`certs/ca.pem`, `keys/ca.private.key`, `keys/ca.public.key`) so either can read it.
 * Unlike http-mitm-proxy's own generator (every file 0644), the key folder is 0700 and the private
 * key 0600: anyone who can read that key can intercept every device that trusts the CA.
 */
export interface FarmCa {
  dir: string;
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export const CA_FORMATS = ['pem', 'der', 'android'] as const;
export type CaFormat = (typeof CA_FORMATS)[number];

const CA_VALIDITY_YEARS = 10;

export function caPaths(dataDir: string): { dir: string; cert: string; key: string; publicKey: string } {
  const dir = path.join(dataDir, 'ca');
  return {
    dir,
    cert: path.join(dir, 'certs', 'ca.pem'),
    key: path.join(dir, 'keys', 'ca.private.key'),
    publicKey: path.join(dir, 'keys', 'ca.public.key'),
  };
}

/** Loads the CA of `dataDir`, creating it on first use. `created` says which happened. */
export function initCa(dataDir: string): { ca: FarmCa; created: boolean } {
  const p = caPaths(dataDir);
  if (fs.existsSync(p.cert)) return { ca: loadCa(dataDir), created: false };
  const ca = generateCa(p.dir);
  try {
    fs.mkdirSync(path.dirname(p.cert), { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.dirname(p.key), { recursive: true, mode: 0o700 });
    fs.chmodSync(p.dir, 0o700);
    fs.chmodSync(path.dirname(p.key), 0o700);
    // Key first: a cert without its key would make the next start fail; the reverse regenerates.
    writeAtomic(p.key, ca.keyPem, 0o600);
    writeAtomic(p.publicKey, forge.pki.publicKeyToPem(ca.cert.publicKey), 0o644);
    writeAtomic(p.cert, ca.certPem, 0o644);
  } catch (err) {
    throw failure(
      'create',
      `the CA in ${p.dir}`,
      (err as Error).message,
      'Check that the data folder is writable.',
      err,
    );
  }
  log.info({ dir: p.dir }, 'created the farm CA');
  return { ca, created: true };
}

/** Loads an existing CA; fails with a remedy when there is none. Tightens a too-open key file. */
export function loadCa(dataDir: string): FarmCa {
  const p = caPaths(dataDir);
  if (!fs.existsSync(p.cert)) {
    throw failure('load', 'the farm CA', `there is no CA in ${p.dir}`, 'Run `appwarden ca init` first.');
  }
  try {
    for (const [file, mode] of [
      [path.dirname(p.key), 0o700],
      [p.key, 0o600],
    ] as const) {
      const st = fs.statSync(file);
      if ((st.mode & 0o077) !== 0) {
        log.warn({ file, mode: (st.mode & 0o777).toString(8) }, 'CA key was readable by others; tightening');
        fs.chmodSync(file, mode);
      }
    }
    const certPem = fs.readFileSync(p.cert, 'utf8');
    const keyPem = fs.readFileSync(p.key, 'utf8');
    return {
      dir: p.dir,
      certPem,
      keyPem,
      cert: forge.pki.certificateFromPem(certPem),
      key: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    };
  } catch (err) {
    throw failure(
      'load',
      `the CA in ${p.dir}`,
      (err as Error).message,
      'Delete that folder and run `appwarden ca init` to make a new one (devices must then trust it again).',
      err,
    );
  }
}

function generateCa(dir: string): FarmCa {
  // Native key generation: node-forge's pure-JS RSA takes seconds and blocks the event loop.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + CA_VALIDITY_YEARS * 365 * 24 * 3600 * 1000);
  // A per-farm suffix keeps two farms' CAs apart in a device's trust store (same name = same hash file).
  const attrs = [
    { name: 'commonName', value: `appwarden CA ${crypto.randomBytes(3).toString('hex')}` },
    { name: 'organizationName', value: 'appwarden' },
    { shortName: 'OU', value: 'interception CA - do not trust outside test devices' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { dir, certPem: forge.pki.certificateToPem(cert), keyPem, cert, key };
}

export function randomSerial(): string {
  // Positive 16-byte serial (top bit clear), as RFC 5280 asks.
  const b = crypto.randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString('hex');
}

function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode); // the umask may have removed bits, never added them; make it exact
  fs.renameSync(tmp, file);
}

export function certDer(cert: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

/**
 * OpenSSL's old-style subject hash (`openssl x509 -subject_hash_old`), which names files in Android's
 * system CA store: MD5 of the DER-encoded subject name, first 4 bytes read little-endian, 8 hex digits.
 */
export function subjectHashOld(cert: forge.pki.Certificate): string {
  const subjectDer = forge.asn1.toDer(forge.pki.distinguishedNameToAsn1(cert.subject)).getBytes();
  const md5 = crypto.createHash('md5').update(Buffer.from(subjectDer, 'binary')).digest();
  return md5.readUInt32LE(0).toString(16).padStart(8, '0');
}

/** The CA certificate (never the key) in a device-installable format, with its conventional file name. */
export function exportCa(ca: FarmCa, format: CaFormat): { fileName: string; bytes: Buffer } {
  switch (format) {
    case 'pem':
      return { fileName: 'appwarden-ca.pem', bytes: Buffer.from(ca.certPem) };
    case 'der':
      return { fileName: 'appwarden-ca.cer', bytes: certDer(ca.cert) };
    case 'android':
      // /system/etc/security/cacerts/<hash>.0 holds the PEM; Android reads the first certificate.
      return { fileName: `${subjectHashOld(ca.cert)}.0`, bytes: Buffer.from(ca.certPem) };
  }
}
