/**
 * The GeoIP adapter on a tiny city database written by test-support/mmdb-writer.ts and read
 * by the real `maxmind` library, the way a DB-IP City Lite or GeoLite2 City file is.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../core/errors.js';
import { createDetector } from '../core/detect/index.js';
import { openGeoLookup } from './open-geo-lookup.js';
import { writeMmdb } from './test-support/mmdb-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-geo-'));
const city = (name: string, iso: string, latitude: number, longitude: number) => ({
  city: { geoname_id: 1, names: { en: name } },
  country: { geoname_id: 2, iso_code: iso, names: { en: iso } },
  location: { accuracy_radius: 10, latitude, longitude },
});
const CITY_DB = join(dir, 'city.mmdb');
writeFileSync(
  CITY_DB,
  writeMmdb('DBIP-City-Lite', [
    ['192.0.2.0/24', city('Paris', 'FR', 48.8566, 2.3522)],
    ['198.51.100.0/25', city('New York', 'US', 40.7128, -74.006)],
    ['203.0.113.7/32', { country: { geoname_id: 3, iso_code: 'JP', names: { en: 'Japan' } } }],
  ]),
);

describe('openGeoLookup', () => {
  it('finds the city of an address in a city database', async () => {
    const geo = await openGeoLookup(CITY_DB);
    expect(geo.lookup('192.0.2.77')).toEqual({
      lat: 48.8566,
      lon: 2.3522,
      country: 'FR',
      city: 'Paris',
    });
    expect(geo.lookup('198.51.100.5')).toMatchObject({ city: 'New York', country: 'US' });
    expect(geo.lookup('198.51.100.200')).toBeUndefined(); // outside the /25
    expect(geo.lookup('203.0.113.7')).toBeUndefined(); // no location
    for (const bad of ['not an ip', '', '2001:db8::1', '999.1.1.1'])
      expect(geo.lookup(bad)).toBeUndefined();
  });

  it('feeds impossible_travel', async () => {
    const geo = await openGeoLookup(CITY_DB);
    const text = `title: Travel\nveritrail: { type: impossible_travel }\n`;
    const { detector, errors } = createDetector({
      files: [{ name: 't.yml', text }],
      geo,
      now: () => Date.UTC(2100, 0, 1),
    });
    expect(errors).toEqual([]);
    const at = (ip: string, iso: string, id: string) => ({
      id,
      tenant: 'acme',
      action: 'user.login',
      category: 'authentication' as const,
      outcome: 'success' as const,
      severity: 'info' as const,
      actor: { id: 'alice' },
      source: { ip },
      occurred_at: iso,
      received_at: iso,
    });
    expect(detector.evaluate(at('192.0.2.1', '2026-01-05T09:00:00Z', 'a'))).toEqual([]);
    const [f] = detector.evaluate(at('198.51.100.1', '2026-01-05T10:00:00Z', 'b'));
    expect(f?.summary).toContain('Paris, FR then New York, US, 5837 km in 1 h');
  });

  it('refuses a missing file, a file that is not a database, and a country database', async () => {
    await expect(openGeoLookup(join(dir, 'nope.mmdb'))).rejects.toThrow(VeritrailError);
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, 'hello');
    await expect(openGeoLookup(junk)).rejects.toThrow(/cannot open the GeoIP database/);
    const country = join(dir, 'country.mmdb');
    writeFileSync(country, writeMmdb('GeoLite2-Country', [['192.0.2.0/24', { a: 'b' }]]));
    await expect(openGeoLookup(country)).rejects.toThrow(/a city database .* is needed/);
  });
});
