/**
 * GeoIP for `impossible_travel` (docs/detection.md "GeoIP"): a MaxMind DB (`.mmdb`) city
 * database — DB-IP IP to City Lite or MaxMind GeoLite2 City — read with the `maxmind` library.
 * It needs the file system, so it lives outside the core, which sees only `GeoLookup`.
 * Addresses come from events (untrusted): a malformed one yields no location, never an error.
 */
import maxmind, { type CityResponse, type Reader } from 'maxmind';
import type { GeoLookup, GeoPoint } from '../core/detect/index.js';
import { VeritrailError } from '../core/errors.js';

/** Opens a city database; refuses a missing file, a non-mmdb file or a country-only database. */
export async function openGeoLookup(path: string): Promise<GeoLookup> {
  let reader: Reader<CityResponse>;
  try {
    reader = await maxmind.open<CityResponse>(path, { cache: { max: 10_000 } });
  } catch (e) {
    throw new VeritrailError(
      'validation_failed',
      `cannot open the GeoIP database ${path}: ${e instanceof Error ? e.message : String(e)}`,
      [],
      { cause: e },
    );
  }
  const type = reader.metadata.databaseType;
  if (!/city/i.test(type))
    throw new VeritrailError(
      'validation_failed',
      `the GeoIP database ${path} is a '${type}' database; a city database (DB-IP City Lite, GeoLite2 City) is needed for locations`,
    );
  return geoLookupOf(reader);
}

/** A `GeoLookup` over an open reader: latitude, longitude, country code and English city name. */
export function geoLookupOf(reader: Reader<CityResponse>): GeoLookup {
  return {
    lookup(ip: string): GeoPoint | undefined {
      let r: CityResponse | null;
      try {
        r = reader.get(ip);
      } catch {
        return undefined; // not an address, or IPv6 in an IPv4-only database
      }
      const loc = r?.location;
      if (r === null || loc === undefined) return undefined;
      const { latitude: lat, longitude: lon } = loc;
      if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
      const country = r.country?.iso_code ?? r.registered_country?.iso_code;
      const city = r.city?.names?.en;
      return {
        lat,
        lon,
        ...(typeof country === 'string' ? { country } : {}),
        ...(typeof city === 'string' ? { city } : {}),
      };
    },
  };
}
