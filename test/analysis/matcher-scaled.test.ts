import { describe, expect, it } from 'vitest';
import { compileIdentity, explainMatch, matchRequest } from '../../src/analysis/matcher/index.ts';
import { scaledTriggers } from '../../src/analysis/matcher/scaled.ts';
import { locationTarget } from '../../src/analysis/matcher/location.ts';
import { identitySchema } from '../../src/config/identity.ts';
import type { Match } from '../../src/evidence/types.ts';

/** Coordinates sent as integers scaled by 10^6 or 10^7, in JSON, forms, query strings and text. */

const ci = compileIdentity(identitySchema.parse({ location: { lat: 39.908722, lon: 116.397499 } }));

type Found = Pick<Match, 'type' | 'encoding' | 'where'> & { path?: string };

function scan(req: { url?: string; headers?: [string, string][]; body?: string }): Found[] {
  return matchRequest(ci, {
    method: 'POST',
    url: req.url ?? 'https://lbs.example.net/v1/report',
    headers: req.headers ?? [],
    body: req.body === undefined ? null : Buffer.from(req.body),
  }).map(({ type, encoding, where, path }) =>
    path === undefined ? { type, encoding, where } : { type, encoding, where, path },
  );
}
const json = (v: unknown) => ({
  headers: [['Content-Type', 'application/json']] as [string, string][],
  body: JSON.stringify(v),
});

describe('scaled-integer coordinates', () => {
  it('triggers on the leading digits shared by every integer in the radius, at both scales', () => {
    const t = locationTarget({ lat: 39.908722, lon: 116.397499 }, 1000, 3);
    expect(t && scaledTriggers(t).sort()).toEqual(['11638', '11639', '11640', '3989', '3990', '3991']);
    // A latitude range across 0 has nothing selective to look for: only the longitude gives triggers.
    const nearEquator = locationTarget({ lat: 0.0005, lon: 9.3 }, 1000, 3);
    expect(nearEquator && scaledTriggers(nearEquator).sort()).toEqual(['929', '930']);
  });

  it('pairs E6 and E7 integers in one JSON object, as numbers or digit strings', () => {
    expect(scan(json({ ts: 1732780000, lat: 39908722, lng: 116397499 }))).toEqual([
      { type: 'location', encoding: 'json>int-e6', where: 'body', path: '$.lat' },
    ]);
    expect(scan(json({ data: [{ pos: { y: '399087220', x: '1163974990' } }] }))).toEqual([
      { type: 'location', encoding: 'json>int-e7', where: 'body', path: '$.data[0].pos.y' },
    ]);
    // Longitude first, as AMap writes it.
    expect(scan(json({ loc: [116397499, 39908722] }))).toEqual([
      { type: 'location', encoding: 'json>int-e6', where: 'body', path: '$.loc[1]' },
    ]);
  });

  it('pairs them in a query string, a form and "lat,lon" text', () => {
    expect(scan({ url: 'https://lbs.example.net/r?lat=39908722&lon=116397499&v=2' })).toEqual([
      { type: 'location', encoding: 'int-e6', where: 'query', path: 'lat' },
    ]);
    expect(
      scan({
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
        body: 'la=399087220&lo=1163974990',
      }),
    ).toEqual([{ type: 'location', encoding: 'form>int-e7', where: 'body', path: 'la' }]);
    expect(scan({ headers: [['X-Geo', '39908722,116397499']] })).toEqual([
      { type: 'location', encoding: 'int-e6', where: 'header', path: 'x-geo' },
    ]);
    expect(scan({ url: 'https://lbs.example.net/r?p=39908722%2C116397499' })).toEqual([
      { type: 'location', encoding: 'url>int-e6', where: 'query', path: 'p' },
    ]);
  });

  it('never matches a lone integer, a timestamp, or a pair 5 km away', () => {
    expect(scan(json({ lat: 39908722 }))).toEqual([]);
    expect(scan(json({ id: 39908722, ts: 1732780000, seq: 116397 }))).toEqual([]);
    expect(scan(json({ lat: 39953722, lng: 116397499 }))).toEqual([]);
    expect(scan({ url: 'https://lbs.example.net/r?order=39908722' })).toEqual([]);
  });

  it('does not pair across objects, across scales, or far apart in text; nor coarse or embedded integers', () => {
    expect(scan(json({ a: { lat: 39908722 }, b: { lng: 116397499 } }))).toEqual([]);
    expect(scan(json({ lat: 39908722, lng: 1163974990 }))).toEqual([]);
    expect(scan({ headers: [['X-Trace', '39908722 then later 116397499']] })).toEqual([]);
    expect(scan(json({ lat: 39900000, lng: 116400000 }))).toEqual([]);
    expect(scan({ headers: [['X-Id', 'a39908722,b116397499']] })).toEqual([]);
    expect(scan({ headers: [['X-Ver', '3.39908722,116397499.1']] })).toEqual([]);
  });

  it('explains a scaled match in words', () => {
    expect(explainMatch({ type: 'location', encoding: 'json>int-e6', where: 'body', path: '$.lat' })).toBe(
      'The precise location was sent in the request body at $.lat, as whole numbers scaled by 10^6 inside JSON.',
    );
  });
});
