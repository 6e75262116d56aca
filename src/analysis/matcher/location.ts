/**
 * Location matching: decimal coordinates written with enough decimals to be precise, close enough to the
 * device's location. Coordinates are found through triggers in the automaton (the integer part followed
 * by `.`, e.g. `39.` and `116.`), read in place, and paired within one buffer, in either order.
 */
import { scaledTriggers } from './scaled.ts';

export interface LocationTarget {
  lat: number;
  lon: number;
  radiusM: number;
  minDecimals: number;
  latRange: [number, number];
  lonRange: [number, number];
  /** Automaton triggers: integer parts of both ranges followed by a dot. */
  triggers: string[];
  /** Automaton triggers for coordinates written as scaled integers (see scaled.ts). */
  scaledTriggers: string[];
}

export interface Coordinate {
  value: number;
  text: string;
  start: number;
  end: number;
  isLat: boolean;
  isLon: boolean;
  /** Power of ten a scaled integer was multiplied by (6 for E6); absent for decimals. Pairs share it. */
  scale?: number;
  /** How the number was written when not as decimal text (`int-e6`, `double`, …). */
  encoding?: string;
}

const METRES_PER_DEGREE = 111_320;
const EARTH_RADIUS_M = 6_371_008.8;

/** Null when there is nothing to look for: no location, a non-finite one, or exactly 0,0. */
export function locationTarget(
  loc: { lat: number; lon: number } | null,
  radiusM: number,
  minDecimals: number,
): LocationTarget | null {
  if (!loc || !Number.isFinite(loc.lat) || !Number.isFinite(loc.lon)) return null;
  if (loc.lat === 0 && loc.lon === 0) return null;
  const dLat = radiusM / METRES_PER_DEGREE;
  const dLon = dLat / Math.max(Math.cos((loc.lat * Math.PI) / 180), 1e-6);
  const latRange: [number, number] = [loc.lat - dLat, loc.lat + dLat];
  const lonRange: [number, number] = [loc.lon - dLon, loc.lon + dLon];
  const triggers = new Set<string>();
  for (const [lo, hi] of [latRange, lonRange]) {
    for (let i = Math.floor(lo); i <= Math.ceil(hi) && triggers.size < 64; i++) {
      if (i + 1 > lo && i - 1 < hi) triggers.add(`${Math.abs(i)}.`);
    }
  }
  const target = {
    lat: loc.lat,
    lon: loc.lon,
    radiusM,
    minDecimals,
    latRange,
    lonRange,
    triggers: [...triggers],
  };
  return { ...target, scaledTriggers: scaledTriggers(target) };
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** Reads the decimal number whose integer part starts at `start`; null unless it is a candidate coordinate. */
export function readCoordinate(buf: Uint8Array, start: number, target: LocationTarget): Coordinate | null {
  const prev = buf[start - 1];
  if (isDigit(prev) || prev === 0x2e) return null;
  let from = start;
  if (prev === 0x2d) from = start - 1;
  let i = start;
  while (isDigit(buf[i])) i++;
  if (buf[i] !== 0x2e) return null;
  i++;
  const decimalsFrom = i;
  while (isDigit(buf[i])) i++;
  if (i - decimalsFrom < target.minDecimals) return null;
  // `39.9087.2` is a version or an address, not a coordinate.
  if (buf[i] === 0x2e && isDigit(buf[i + 1])) return null;
  const text = Buffer.from(buf.buffer, buf.byteOffset + from, i - from).toString('latin1');
  const value = Number(text);
  const isLat = value >= target.latRange[0] && value <= target.latRange[1];
  const isLon = value >= target.lonRange[0] && value <= target.lonRange[1];
  if (!isLat && !isLon) return null;
  return { value, text, start: from, end: i, isLat, isLon };
}

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The closest-written latitude/longitude pair within the radius, if any. */
export function pairCoordinates(
  coords: Coordinate[],
  target: LocationTarget,
): { lat: Coordinate; lon: Coordinate } | null {
  let best: { lat: Coordinate; lon: Coordinate; gap: number } | null = null;
  for (const lat of coords) {
    if (!lat.isLat) continue;
    for (const lon of coords) {
      if (!lon.isLon || lon.start === lat.start || (lon.scale ?? 0) !== (lat.scale ?? 0)) continue;
      if (haversineM(lat.value, lon.value, target.lat, target.lon) > target.radiusM) continue;
      const gap = Math.abs(lon.start - lat.start);
      if (!best || gap < best.gap) best = { lat, lon, gap };
    }
  }
  return best ? { lat: best.lat, lon: best.lon } : null;
}
