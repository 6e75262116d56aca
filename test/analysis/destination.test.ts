import { describe, expect, it } from 'vitest';
import { classifyDestination, hostOf, registrableDomain } from '../../src/analysis/destination/index.ts';

describe('destination', () => {
  it('reads hosts from URLs and host:port strings', () => {
    expect(hostOf('https://API.Example.co.uk:8443/x?y=1')).toBe('api.example.co.uk');
    expect(hostOf('alogs.umeng.com:443')).toBe('alogs.umeng.com');
    expect(hostOf('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(hostOf('example.com.')).toBe('example.com');
  });

  it('uses the Public Suffix List, private suffixes included', () => {
    expect(registrableDomain('api.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('shop.github.io')).toBe('shop.github.io');
    expect(registrableDomain('10.0.0.1')).toBeNull();
  });

  it('tells first from third party by registrable domain and names known organisations', () => {
    const own = ['example.com', 'https://cdn.example-static.net/'];
    const first = classifyDestination('https://api.example.com/v1', own);
    expect(first).toMatchObject({ party: 'first', registrableDomain: 'example.com', organisation: null });
    expect(classifyDestination('https://img.example-static.net/a.png', own).party).toBe('first');
    const umeng = classifyDestination('https://ulogs.umeng.com/unify_logs', own);
    expect(umeng.party).toBe('third');
    expect(umeng.organisation?.id).toBe('umeng');
    expect(umeng.organisation?.country).toBe('CN');
    // A look-alike is a third party, not the app.
    expect(classifyDestination('https://example.com.evil.io/', own).party).toBe('third');
  });

  it('without the app domains, known trackers are third party and the rest unknown', () => {
    expect(classifyDestination('https://graph.facebook.com/v19.0/activities').party).toBe('third');
    expect(classifyDestination('https://api.unknown-backend.cn/').party).toBe('unknown');
    expect(classifyDestination('http://10.1.2.3:8080/')).toMatchObject({
      isIp: true,
      registrableDomain: null,
    });
  });
});
