import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CENTROID_CODES, countryCentroid } from './country-centroids.js';
import { distanceKm, type GeoLookup } from './geo.js';
import { detectorOf, ev, HOUR, typedRule } from './test-support/events.js';

const RULE = typedRule(`type: impossible_travel
entity: [actor.id]
max_speed_kmh: 900
min_distance_km: 200`);

const PARIS = { lat: 48.8566, lon: 2.3522, country: 'FR', city: 'Paris' };
const LYON = { lat: 45.764, lon: 4.8357, country: 'FR', city: 'Lyon' };
const NEW_YORK = { lat: 40.7128, lon: -74.006, country: 'US', city: 'New York' };
const VERSAILLES = { lat: 48.8049, lon: 2.1204, country: 'FR', city: 'Versailles' };

/** A lookup over a fixed table: the adapter for a city database is tested in src/geo. */
const geo: GeoLookup = {
  lookup: (ip) =>
    ({ '192.0.2.1': PARIS, '192.0.2.2': NEW_YORK, '192.0.2.3': LYON, '192.0.2.4': VERSAILLES })[ip],
};

const T0 = Date.UTC(2026, 0, 5, 9);

describe('great-circle distance', () => {
  it('matches known distances', () => {
    expect(distanceKm(PARIS, NEW_YORK)).toBeCloseTo(5837, -1);
    expect(distanceKm(PARIS, LYON)).toBeCloseTo(392, -1);
    expect(distanceKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo(111, 0);
  });

  it('is a metric: symmetric, zero on itself, at most half the circumference', () => {
    const pt = fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
    });
    fc.assert(
      fc.property(pt, pt, (a, b) => {
        expect(distanceKm(a, b)).toBeCloseTo(distanceKm(b, a), 6);
        expect(distanceKm(a, a)).toBe(0);
        expect(distanceKm(a, b)).toBeLessThanOrEqual(20_016);
      }),
    );
  });
});

describe('country centroids', () => {
  it('places every country within its bounds of latitude and longitude', () => {
    expect(CENTROID_CODES.length).toBeGreaterThanOrEqual(240);
    for (const code of CENTROID_CODES) {
      const c = countryCentroid(code);
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(Math.abs(c?.lat ?? 999)).toBeLessThanOrEqual(90);
      expect(Math.abs(c?.lon ?? 999)).toBeLessThanOrEqual(180);
    }
    expect(countryCentroid('fr')).toEqual({ lat: 46.23, lon: 2.21 });
    expect(countryCentroid('ZZ')).toBeUndefined();
  });
});

describe('impossible_travel', () => {
  it('fires on Paris then New York within an hour (GeoIP)', () => {
    const d = detectorOf(RULE, { geo });
    expect(d.evaluate(ev({ time: T0, ip: '192.0.2.1', id: 'p' }))).toEqual([]);
    const [f] = d.evaluate(ev({ time: T0 + HOUR, ip: '192.0.2.2', id: 'ny' }));
    expect(f).toMatchObject({
      groupKey: 'actor.id=alice',
      eventIds: ['p', 'ny'],
      firstTime: T0,
      lastTime: T0 + HOUR,
      count: 2,
      context: {
        from: { city: 'Paris', country: 'FR', precision: 'ip', ip: '192.0.2.1' },
        to: { city: 'New York', country: 'US' },
        distance_km: 5837,
        speed_kmh: 5837,
      },
    });
    expect(f?.summary).toBe(
      'actor.id=alice: Paris, FR then New York, US, 5837 km in 1 h (5837 km/h, limit 900 km/h)',
    );
  });

  it('stays quiet for a plausible trip, a short distance, or another entity', () => {
    const d = detectorOf(RULE, { geo });
    d.evaluate(ev({ time: T0, ip: '192.0.2.1' }));
    // Paris → New York in 8 hours: 730 km/h.
    expect(d.evaluate(ev({ time: T0 + 8 * HOUR, ip: '192.0.2.2' }))).toEqual([]);
    // Paris → Versailles (17 km) a second later: under min_distance_km.
    d.evaluate(ev({ time: T0 + 9 * HOUR, ip: '192.0.2.1' }));
    expect(d.evaluate(ev({ time: T0 + 9 * HOUR + 1000, ip: '192.0.2.4' }))).toEqual([]);
    // bob's first event is in New York: nothing to compare with.
    expect(d.evaluate(ev({ time: T0 + 9 * HOUR + 2000, ip: '192.0.2.2', actor: 'bob' }))).toEqual(
      [],
    );
  });

  it('falls back to country centroids without GeoIP', () => {
    const d = detectorOf(RULE);
    d.evaluate(ev({ time: T0, country: 'FR' }));
    const [f] = d.evaluate(ev({ time: T0 + HOUR, country: 'JP' }));
    expect(f?.context).toMatchObject({ from: { precision: 'country', country: 'FR' } });
    // Same country, one city and one centroid: not compared.
    const g = detectorOf(RULE, { geo });
    g.evaluate(ev({ time: T0, ip: '192.0.2.3' }));
    expect(g.evaluate(ev({ time: T0 + 60_000, country: 'fr' }))).toEqual([]);
    // Unknown country codes and missing addresses are skipped.
    expect(d.evaluate(ev({ time: T0 + 2 * HOUR, country: 'ZZ' }))).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + 2 * HOUR, ip: '198.51.100.1' }))).toEqual([]);
  });

  it('compares an event that arrives late with the latest location', () => {
    const d = detectorOf(RULE, { geo });
    d.evaluate(ev({ time: T0 + HOUR, ip: '192.0.2.2', id: 'ny' }));
    const [f] = d.evaluate(ev({ time: T0, ip: '192.0.2.1', id: 'p' }));
    expect(f).toMatchObject({ eventIds: ['p', 'ny'], firstTime: T0, lastTime: T0 + HOUR });
  });

  it('keeps at most max_entities locations', () => {
    const d = detectorOf(typedRule(`type: impossible_travel\nmax_entities: 5`), { geo });
    for (let i = 0; i < 40; i++) d.evaluate(ev({ time: T0 + i, actor: `u${i}`, ip: '192.0.2.1' }));
    expect(d.stateSize().entries).toBe(5);
  });
});
