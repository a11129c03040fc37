/**
 * Locations for `impossible_travel`: a `GeoLookup` (a GeoIP city database, src/geo/) maps an
 * address to a point; without one, or when it does not know the address, the event's
 * `source.geo.country` stands for the country's approximate centroid.
 */
import { countryCentroid } from './country-centroids.js';

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  /** ISO 3166-1 alpha-2 code, upper case. */
  readonly country?: string;
  readonly city?: string;
}

/** Looks up an IP address; undefined when the address is unknown (or private). */
export interface GeoLookup {
  lookup(ip: string): GeoPoint | undefined;
}

/** A point and how it was found: `ip` (the GeoIP database) or `country` (a centroid). */
export interface Located extends GeoPoint {
  readonly precision: 'ip' | 'country';
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine formula, mean Earth radius). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const validPoint = (p: GeoPoint | undefined): p is GeoPoint =>
  p !== undefined &&
  Number.isFinite(p.lat) &&
  Number.isFinite(p.lon) &&
  Math.abs(p.lat) <= 90 &&
  Math.abs(p.lon) <= 180;

/** Where an event came from: its IP through `geo`, else its country's centroid. */
export function locate(
  ip: string | undefined,
  country: string | undefined,
  geo: GeoLookup | undefined,
): Located | undefined {
  if (ip !== undefined && geo !== undefined) {
    const p = geo.lookup(ip);
    if (validPoint(p)) {
      const cc = p.country?.toUpperCase();
      return {
        lat: p.lat,
        lon: p.lon,
        ...(cc !== undefined ? { country: cc } : {}),
        ...(p.city !== undefined ? { city: p.city } : {}),
        precision: 'ip',
      };
    }
  }
  if (country === undefined) return undefined;
  const c = countryCentroid(country);
  return c === undefined
    ? undefined
    : { ...c, country: country.toUpperCase(), precision: 'country' };
}
