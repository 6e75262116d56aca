import { getDomain, parse } from 'tldts';
import { organisationForDomain, type Organisation } from '../data/organisations.ts';

/**
 * Who receives a flow: the registrable domain (eTLD+1, Public Suffix List via tldts, private suffixes
 * included so `app.github.io` is not the same party as `other.github.io`), whether that is the app's own
 * party, and the SDK/tracker organisation behind it when it is a known one.
 */

export type Party = 'first' | 'third' | 'unknown';

export interface Destination {
  host: string;
  /** eTLD+1, or null for IP addresses and names with no public suffix. */
  registrableDomain: string | null;
  /**
   * `first` when the registrable domain is one of the app's own; `third` otherwise; `unknown` when the
   * app's own domains are not known and the organisation table does not name the host either.
   */
  party: Party;
  organisation: Organisation | null;
  isIp: boolean;
}

/** Host of a URL or a `host[:port]` string, lower-case, without brackets, port or trailing dot. */
export function hostOf(urlOrHost: string): string {
  let host = urlOrHost.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      // Not a URL that WHATWG parses (odd characters in captures happen): take what follows the scheme.
      host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/, 1)[0] as string;
    }
  }
  host = host.toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') === -1 ? undefined : host.indexOf(']'));
  if ((host.match(/:/g) ?? []).length === 1) host = host.slice(0, host.indexOf(':'));
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function registrableDomain(host: string): string | null {
  return getDomain(host, { allowPrivateDomains: true });
}

/**
 * Classifies a destination. `appDomains` are the app's own domains or hosts (any form: `example.com`,
 * `api.example.com`, a URL); they are compared by registrable domain.
 */
export function classifyDestination(urlOrHost: string, appDomains: readonly string[] = []): Destination {
  const host = hostOf(urlOrHost);
  const parsed = parse(host, { allowPrivateDomains: true });
  const isIp = parsed.isIp === true;
  const domain = isIp ? null : registrableDomain(host);
  const own = new Set(
    appDomains.map((d) => registrableDomain(hostOf(d)) ?? hostOf(d)).filter((d) => d.length > 0),
  );
  const organisation = organisationForDomain(host) ?? null;
  let party: Party;
  if (own.size > 0) party = (domain !== null && own.has(domain)) || own.has(host) ? 'first' : 'third';
  else party = organisation ? 'third' : 'unknown';
  return { host, registrableDomain: domain, party, organisation, isIp };
}
