/**
 * `impossible_travel`: two consecutive events of an entity from places farther apart than
 * anyone travels in the time between them (`max_speed_kmh`, great-circle distance). Places
 * come from the event's `source.ip` through the configured GeoIP database, else from
 * `source.geo.country` as the country's approximate centroid. Distances under
 * `min_distance_km` are ignored (GeoIP is imprecise), and so are two places in the same
 * country when either is only a centroid.
 */
import type { StoredEvent } from '../event/schema.js';
import { distanceKm, locate, type Located } from './geo.js';
import { LruMap } from './lru.js';
import type { Params } from './params.js';
import {
  entityReader,
  stringBytes,
  type BuildContext,
  type TypedHit,
  type TypedRule,
} from './typed-rule.js';

interface Seen {
  readonly key: string;
  readonly at: Located;
  readonly time: number;
  readonly eventId: string;
  readonly ip: string | undefined;
}

const place = (l: Located, ip: string | undefined) =>
  [l.city, l.country].filter((x) => x !== undefined).join(', ') || (ip ?? `${l.lat},${l.lon}`);

const describe = (s: Seen) => ({
  lat: s.at.lat,
  lon: s.at.lon,
  ...(s.at.country !== undefined ? { country: s.at.country } : {}),
  ...(s.at.city !== undefined ? { city: s.at.city } : {}),
  ...(s.ip !== undefined ? { ip: s.ip } : {}),
  precision: s.at.precision,
  time: new Date(s.time).toISOString(),
  event_id: s.eventId,
});

export function impossibleTravel(p: Params, ctx: BuildContext): TypedRule {
  const entityFields = p.fields('entity', ['actor.id']);
  const maxSpeed = p.number('max_speed_kmh', 900, 1, 100_000);
  const minDistance = p.number('min_distance_km', 200, 0, 20_000);
  const maxEntities = p.int('max_entities', ctx.maxEntities, 1, 1_000_000);
  p.done();
  const entityOf = entityReader(entityFields);
  const last = new LruMap<Seen>(maxEntities);
  let bytes = 0;
  const geo = ctx.geo;

  return {
    evaluate(event: StoredEvent, scope: string, time: number): TypedHit | null {
      const ip = event.source?.ip;
      const at = locate(ip, event.source?.geo?.country, geo);
      if (at === undefined) return null;
      const entity = entityOf(event);
      if (entity === null) return null;
      const key = `${scope}\u0000${entity.key}`;
      const prev = last.get(key);
      const cur: Seen = { key, at, time, eventId: event.id, ip };
      if (prev === undefined || time >= prev.time) {
        const evicted = last.set(key, cur);
        bytes += stringBytes(key) + 200;
        if (prev !== undefined) bytes -= stringBytes(prev.key) + 200;
        if (evicted !== undefined) bytes -= stringBytes(evicted.key) + 200;
      }
      if (prev === undefined) return null;
      const sameCountry =
        (at.precision === 'country' || prev.at.precision === 'country') &&
        at.country !== undefined &&
        at.country === prev.at.country;
      if (sameCountry) return null;
      const km = distanceKm(prev.at, at);
      if (km < minDistance || km === 0) return null;
      const hours = Math.abs(time - prev.time) / 3_600_000;
      const speed = hours === 0 ? Infinity : km / hours;
      if (speed <= maxSpeed) return null;
      const [a, b] = prev.time <= time ? [prev, cur] : [cur, prev];
      const who = entity.key === '' ? 'the tenant' : entity.key;
      const speedText = Number.isFinite(speed) ? `${Math.round(speed)} km/h` : 'at the same time';
      return {
        groupKey: entity.key,
        eventIds: [a.eventId, b.eventId],
        firstTime: a.time,
        lastTime: b.time,
        count: 2,
        summary: `${who}: ${place(a.at, a.ip)} then ${place(b.at, b.ip)}, ${Math.round(km)} km in ${formatHours(hours)} (${speedText}, limit ${maxSpeed} km/h)`,
        context: {
          entity: entity.values,
          from: describe(a),
          to: describe(b),
          distance_km: Math.round(km),
          hours: Math.round(hours * 1000) / 1000,
          speed_kmh: Number.isFinite(speed) ? Math.round(speed) : null,
          max_speed_kmh: maxSpeed,
        },
      };
    },
    size: () => ({ entries: last.size, approxBytes: bytes }),
  };
}

function formatHours(h: number): string {
  if (h < 1 / 60) return `${Math.round(h * 3600)} s`;
  if (h < 1) return `${Math.round(h * 60)} min`;
  return `${Math.round(h * 10) / 10} h`;
}
