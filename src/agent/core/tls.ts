/**
 * TLS: certificate-pinning bypass and CA-trust injection, so the traffic probe can read pinned apps'
 * HTTPS through the farm CA. Switched on per scenario (agent parameter `unpin`). Each row replaces a
 * check with "trusted"; every override is reported once per API and host as a `tls` message.
 *
 * Coverage (Android 7+): OkHttp 3/4 CertificatePinner and hostname verifier; Conscrypt TrustManagerImpl
 * (system trust incl. Network Security Config's user-CA distrust); Conscrypt Platform.checkServerTrusted,
 * which is how Conscrypt calls *any* X509TrustManager — including an app's own — so custom trust
 * managers are bypassed without registering a replacement class; NSC pin sets; WebViewClient's
 * default onReceivedSslError (apps overriding it without calling super are not covered).
 */
import { dispatcherOf, type JavaBridge, type JavaMethod } from './bridge.ts';
import { AGENT_PROTOCOL, type TlsMessage } from './messages.ts';

interface BypassRow {
  class: string;
  method: string;
  /** Index of the hostname argument, if the method has one. */
  hostArg?: number;
  /** The replacement result ("trusted"). */
  replace(args: unknown[], java: JavaBridge): unknown;
  source: string;
}

const VOID = (): undefined => undefined;

export const TLS_BYPASSES: BypassRow[] = [
  {
    class: 'okhttp3.CertificatePinner',
    method: 'check',
    hostArg: 0,
    replace: VOID,
    source: 'https://square.github.io/okhttp/4.x/okhttp/okhttp3/-certificate-pinner/check/',
  },
  {
    class: 'okhttp3.CertificatePinner',
    method: 'check$okhttp',
    hostArg: 0,
    replace: VOID,
    source: 'OkHttp 4 internal pin check (CertificatePinner.kt)',
  },
  {
    class: 'okhttp3.internal.tls.OkHostnameVerifier',
    method: 'verify',
    hostArg: 0,
    replace: () => true,
    source:
      'https://github.com/square/okhttp/blob/master/okhttp/src/main/kotlin/okhttp3/internal/tls/OkHostnameVerifier.kt',
  },
  {
    class: 'com.android.org.conscrypt.TrustManagerImpl',
    method: 'verifyChain',
    hostArg: 2,
    // verifyChain(untrustedChain, trustAnchorChain, host, clientAuth, ocspData, tlsSctData) → the chain it accepted
    replace: (args) => args[0],
    source:
      'https://android.googlesource.com/platform/external/conscrypt/+/master/common/src/main/java/org/conscrypt/TrustManagerImpl.java',
  },
  {
    class: 'com.android.org.conscrypt.TrustManagerImpl',
    method: 'checkTrustedRecursive',
    replace: (_args, java) => java.use('java.util.ArrayList').$new(),
    source:
      'https://android.googlesource.com/platform/external/conscrypt/+/master/common/src/main/java/org/conscrypt/TrustManagerImpl.java',
  },
  {
    class: 'com.android.org.conscrypt.Platform',
    method: 'checkServerTrusted',
    replace: VOID,
    source:
      'https://android.googlesource.com/platform/external/conscrypt/+/master/android/src/main/java/org/conscrypt/Platform.java',
  },
  {
    class: 'android.security.net.config.NetworkSecurityTrustManager',
    method: 'checkPins',
    replace: VOID,
    source: 'https://developer.android.com/privacy-and-security/security-config#CertificatePinning',
  },
  {
    class: 'android.webkit.WebViewClient',
    method: 'onReceivedSslError',
    replace: (args) => {
      (args[1] as { proceed(): void }).proceed();
      return undefined;
    },
    source:
      'https://developer.android.com/reference/android/webkit/WebViewClient#onReceivedSslError(android.webkit.WebView,%20android.webkit.SslErrorHandler,%20android.net.http.SslError)',
  },
];

export interface TlsInstallResult {
  /** The overloads now replaced (to revert on stop). */
  methods: JavaMethod[];
  missing: { class: string; method: string; reason: string }[];
}

export function installTlsBypass(
  java: JavaBridge,
  send: (m: TlsMessage) => void,
  now: () => number,
): TlsInstallResult {
  const result: TlsInstallResult = { methods: [], missing: [] };
  const reported = new Set<string>();
  for (const row of TLS_BYPASSES) {
    let overloads: JavaMethod[];
    try {
      const dispatcher = dispatcherOf(java.use(row.class), row.method);
      if (dispatcher === undefined) {
        result.missing.push({ class: row.class, method: row.method, reason: 'no such method' });
        continue;
      }
      overloads = dispatcher.overloads;
    } catch (err) {
      result.missing.push({
        class: row.class,
        method: row.method,
        reason: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    const api = `${row.class}.${row.method}`;
    for (const m of overloads) {
      m.implementation = function (...args: unknown[]): unknown {
        const value = row.replace(args, java);
        const hostValue = row.hostArg === undefined ? null : args[row.hostArg];
        const host = typeof hostValue === 'string' ? hostValue : null;
        const key = `${api} ${host ?? ''}`;
        if (!reported.has(key)) {
          reported.add(key);
          send({ type: 'tls', v: AGENT_PROTOCOL, api, action: 'bypassed', host, ts: now() });
        }
        return value;
      };
      result.methods.push(m);
    }
  }
  return result;
}
