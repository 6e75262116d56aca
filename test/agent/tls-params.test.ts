import { describe, expect, it } from 'vitest';
import type { TlsMessage } from '../../src/agent/core/messages.ts';
import { parseAgentParams } from '../../src/agent/core/params.ts';
import { installTlsBypass, TLS_BYPASSES } from '../../src/agent/core/tls.ts';
import { StandInBridge } from '../../src/sim/bridge/index.ts';

const CHAIN = ['leaf-cert', 'intermediate-cert'];

function pinnedPlatform(): StandInBridge {
  const bridge = new StandInBridge();
  const reject = (): never => {
    throw new Error(
      'java.security.cert.CertificateException: Trust anchor for certification path not found.',
    );
  };
  bridge.registerClass('com.android.org.conscrypt.TrustManagerImpl', {
    verifyChain: {
      impl: reject,
      overloads: [['java.util.List', 'java.util.List', 'java.lang.String', 'boolean', '[B', '[B']],
    },
    checkTrustedRecursive: {
      impl: reject,
      overloads: [
        [
          '[Ljava.security.cert.X509Certificate;',
          '[B',
          '[B',
          'java.lang.String',
          'boolean',
          'java.util.ArrayList',
          'java.util.ArrayList',
          'java.util.Set',
        ],
      ],
    },
  });
  bridge.registerClass('com.android.org.conscrypt.Platform', {
    checkServerTrusted: {
      impl: reject,
      overloads: [
        [
          'javax.net.ssl.X509TrustManager',
          '[Ljava.security.cert.X509Certificate;',
          'java.lang.String',
          'com.android.org.conscrypt.AbstractConscryptSocket',
        ],
      ],
    },
  });
  bridge.registerClass('android.webkit.WebViewClient', {
    onReceivedSslError: {
      impl: (_view: unknown, handler: unknown) => (handler as { cancel(): void }).cancel(),
      overloads: [['android.webkit.WebView', 'android.webkit.SslErrorHandler', 'android.net.http.SslError']],
    },
  });
  return bridge;
}

describe('TLS bypass through the stand-in bridge', () => {
  it('trusts the proxy chain in Conscrypt, any X509TrustManager and WebView, reporting each once per host', () => {
    const bridge = pinnedPlatform();
    const sent: TlsMessage[] = [];
    const r = installTlsBypass(
      bridge,
      (m) => sent.push(m),
      () => 42,
    );
    expect(r.methods).toHaveLength(4);
    expect(r.missing.map((m) => m.class)).toContain('okhttp3.CertificatePinner');

    const tm = 'com.android.org.conscrypt.TrustManagerImpl';
    expect(bridge.invoke(tm, 'verifyChain', [CHAIN, [], 'api.example.com', false, null, null])).toBe(CHAIN);
    bridge.invoke(tm, 'verifyChain', [CHAIN, [], 'api.example.com', false, null, null]);
    const list = bridge.invoke(tm, 'checkTrustedRecursive', [
      CHAIN,
      null,
      null,
      'x',
      false,
      null,
      null,
      null,
    ]) as { size(): number };
    expect(list.size()).toBe(0);
    expect(
      bridge.invoke('com.android.org.conscrypt.Platform', 'checkServerTrusted', [{}, CHAIN, 'RSA', null]),
    ).toBeUndefined();
    const handler = {
      proceeded: false,
      cancelled: false,
      proceed() {
        this.proceeded = true;
      },
      cancel() {
        this.cancelled = true;
      },
    };
    bridge.invoke('android.webkit.WebViewClient', 'onReceivedSslError', [null, handler, null]);
    expect(handler).toMatchObject({ proceeded: true, cancelled: false });
    expect(sent.map((m) => [m.api.split('.').pop(), m.host])).toEqual([
      ['verifyChain', 'api.example.com'],
      ['checkTrustedRecursive', null],
      ['checkServerTrusted', null],
      ['onReceivedSslError', null],
    ]);
  });

  it('cites a source for every bypass', () => {
    for (const row of TLS_BYPASSES)
      expect(row.source.length, `${row.class}.${row.method}`).toBeGreaterThan(10);
  });
});

describe('agent parameters (agent side)', () => {
  it('fills defaults, drops too-short watched values and rejects bad shapes with a clear error', () => {
    const p = parseAgentParams(
      JSON.stringify({
        appPackage: 'com.a',
        watch: [
          { type: 'imei', value: '867530912345671' },
          { type: 'x', value: 'ab' },
        ],
      }),
    );
    expect(p).toMatchObject({
      appPackage: 'com.a',
      process: 'com.a',
      unpin: false,
      maxFrames: 32,
      watch: [{ type: 'imei', value: '867530912345671' }],
    });
    expect(p.flood.flushMs).toBe(1000);
    expect(() => parseAgentParams([])).toThrow(/^Failed to read agent parameters: expected a JSON object\./);
    expect(() => parseAgentParams({ appPackage: 'a', flood: { maxTimes: 0 } })).toThrow(
      /flood\.maxTimes must be a positive integer/,
    );
    expect(() => parseAgentParams({ appPackage: 'a', watch: [{ type: 1 }] })).toThrow(
      /watch entries must be/,
    );
  });
});
