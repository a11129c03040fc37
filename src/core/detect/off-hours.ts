/**
 * `off_hours`: activity outside business hours. Either configured (`business_hours` in an IANA
 * time zone, with per-tenant overrides under `tenants`) or learned per entity from an
 * hour-of-week histogram over `lookback`: an event in an hour of the week that, with the hours
 * just before and after it, holds less than `rare_below` of the entity's events fires, once the entity has `min_events` events and
 * `warmup` of history. Every off-hours event is a finding; suppression groups them per entity.
 */
import { TENANT_PATTERN, type StoredEvent } from '../event/schema.js';
import { isTimeZone, localTime, weekdayOfDay } from './local-time.js';
import { LruMap } from './lru.js';
import { fmtDuration, ParamError, type Params } from './params.js';
import {
  entityReader,
  stringBytes,
  type BuildContext,
  type TypedHit,
  type TypedRule,
} from './typed-rule.js';

const DAY = 86_400_000;
const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

interface Hours {
  readonly timezone: string;
  readonly days: ReadonlySet<number>;
  /** Minutes since local midnight; `end <= start` wraps past midnight. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function parseHours(p: Params, base: Hours | undefined): Hours {
  const timezone = p.string('timezone', base?.timezone);
  if (!isTimeZone(timezone)) p.fail('timezone', `is not a known IANA time zone ('${timezone}')`);
  let days = base?.days;
  const rawDays = p.raw('days');
  if (rawDays !== undefined || days === undefined) {
    const list = rawDays ?? ['mon', 'tue', 'wed', 'thu', 'fri'];
    if (!Array.isArray(list) || list.length === 0)
      p.fail('days', `must be a non-empty list of ${DAY_NAMES.join(', ')}`);
    days = new Set(
      list.map((d: unknown) => {
        const i = typeof d === 'string' ? DAY_NAMES.indexOf(d.toLowerCase() as 'mon') : -1;
        if (i < 0)
          p.fail('days', `must list days among ${DAY_NAMES.join(', ')} (got ${String(d)})`);
        return i;
      }),
    );
  }
  const minutes = (key: string, def: number | undefined): number => {
    const v = p.raw(key);
    if (v === undefined) {
      if (def === undefined) p.fail(key, `is required (HH:MM)`);
      return def;
    }
    const m = typeof v === 'string' ? HHMM.exec(v) : null;
    if (m === null) p.fail(key, `must be a time HH:MM between 00:00 and 24:00 (quote it in YAML)`);
    return m[1] === undefined ? 1440 : Number(m[1]) * 60 + Number(m[2]);
  };
  const start = minutes('start', base?.start ?? 8 * 60);
  const end = minutes('end', base?.end ?? 18 * 60);
  if (start === end) p.fail('end', 'must differ from start');
  p.done();
  const hhmm = (x: number) =>
    `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
  const dayText = [...days]
    .sort()
    .map((d) => DAY_NAMES[d])
    .join(',');
  return { timezone, days, start, end, text: `${dayText} ${hhmm(start)}-${hhmm(end)} ${timezone}` };
}

function within(h: Hours, ms: number): boolean {
  const t = localTime(ms, h.timezone);
  const m = t.hour * 60 + t.minute;
  if (h.start < h.end) return h.days.has(t.weekday) && m >= h.start && m < h.end;
  // Overnight window: from `start` on a listed day to `end` on the next day.
  return (h.days.has(t.weekday) && m >= h.start) || (h.days.has((t.weekday + 6) % 7) && m < h.end);
}

const when = (ms: number, tz: string): string => {
  const t = localTime(ms, tz);
  return `${DAY_NAMES[t.weekday]} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} ${tz}`;
};

export function offHours(p: Params, ctx: BuildContext): TypedRule {
  const entityFields = p.fields('entity', ['actor.id']);
  const entityOf = entityReader(entityFields);
  const bh = p.map('business_hours');
  const tenantsMap = p.map('tenants');
  const learnedMap = p.map('learned');
  if (learnedMap !== undefined && (bh !== undefined || tenantsMap !== undefined))
    p.fail('learned', `cannot be combined with business_hours or tenants`);
  if (learnedMap !== undefined) {
    const maxEntities = p.int('max_entities', ctx.maxEntities, 1, 1_000_000);
    p.done();
    return learned(learnedMap, maxEntities, entityOf);
  }
  if (bh === undefined && tenantsMap === undefined)
    throw new ParamError(
      ['veritrail'],
      `off_hours needs 'business_hours' (with 'tenants' overrides) or 'learned'`,
    );
  p.done();
  const base = bh === undefined ? undefined : parseHours(bh, undefined);
  const tenants = new Map<string, Hours>();
  if (tenantsMap !== undefined) {
    for (const name of tenantsMap.keys()) {
      if (!TENANT_PATTERN.test(name))
        tenantsMap.fail(name, `is not a tenant name (${TENANT_PATTERN.source})`);
      const t = tenantsMap.map(name);
      if (t === undefined) continue;
      tenants.set(name, parseHours(t, base));
    }
    tenantsMap.done();
  }
  return {
    evaluate(event: StoredEvent, scope: string, time: number): TypedHit | null {
      const hours = tenants.get(scope) ?? base;
      if (hours === undefined || within(hours, time)) return null;
      const entity = entityOf(event);
      const key = entity?.key ?? '';
      return {
        groupKey: key,
        eventIds: [event.id],
        firstTime: time,
        lastTime: time,
        count: 1,
        summary: `${event.action} by ${event.actor.id} at ${when(time, hours.timezone)}, outside business hours (${hours.text})`,
        context: {
          entity: entity?.values ?? {},
          local_time: when(time, hours.timezone),
          business_hours: hours.text,
        },
      };
    },
    size: () => ({ entries: 0, approxBytes: 0 }),
  };
}

interface Histogram {
  readonly key: string;
  readonly first: number;
  /** Local day number held by each ring row (−1: empty). */
  readonly days: Int32Array;
  /** Events per (ring row, local hour). */
  readonly counts: Uint16Array;
}

function learned(
  p: Params,
  maxEntities: number,
  entityOf: ReturnType<typeof entityReader>,
): TypedRule {
  const lookback = p.duration('lookback', 28 * DAY, 7 * DAY, 90 * DAY);
  if (lookback % DAY !== 0) p.fail('lookback', 'must be a whole number of days');
  const minEvents = p.int('min_events', 50, 1, 1_000_000);
  const rareBelow = p.number('rare_below', 0.02, 0.0001, 0.5);
  const warmup = p.duration('warmup', 7 * DAY, 0, 365 * DAY);
  const timezone = p.string('timezone', 'UTC');
  if (!isTimeZone(timezone)) p.fail('timezone', `is not a known IANA time zone ('${timezone}')`);
  p.done();
  const rows = lookback / DAY;
  const entities = new LruMap<Histogram>(maxEntities);
  let bytes = 0;
  const cellBytes = rows * 4 + rows * 24 * 2;

  return {
    evaluate(event: StoredEvent, scope: string, time: number): TypedHit | null {
      const entity = entityOf(event);
      if (entity === null) return null;
      const key = `${scope}\u0000${entity.key}`;
      let h = entities.get(key);
      if (h === undefined) {
        h = {
          key,
          first: time,
          days: new Int32Array(rows).fill(-1),
          counts: new Uint16Array(rows * 24),
        };
        const evicted = entities.set(key, h);
        bytes += stringBytes(key) + cellBytes + 100;
        if (evicted !== undefined) bytes -= stringBytes(evicted.key) + cellBytes + 100;
      }
      const t = localTime(time, timezone);
      // Events per hour of the week over the look-back: days (today − rows, today].
      const week = new Uint32Array(168);
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const d = h.days[r] ?? -1;
        if (d < 0 || d <= t.day - rows || d > t.day) continue;
        const base = weekdayOfDay(d) * 24;
        for (let hr = 0; hr < 24; hr++) {
          const c = h.counts[r * 24 + hr] ?? 0;
          week[base + hr] = (week[base + hr] ?? 0) + c;
          total += c;
        }
      }
      // The hour of the week and its two neighbours: work that starts at 09:00 one week and
      // 08:50 the next is not rare.
      const how = t.weekday * 24 + t.hour;
      let slot = 0;
      for (const k of [how + 167, how, how + 1]) slot += week[k % 168] ?? 0;
      const share = total === 0 ? 0 : slot / total;
      const warm = total >= minEvents && time - h.first >= warmup;
      // Record the event (a late event older than the look-back is not counted).
      const row = ((t.day % rows) + rows) % rows;
      if ((h.days[row] ?? -1) < t.day) {
        h.days[row] = t.day;
        h.counts.fill(0, row * 24, row * 24 + 24);
      }
      if (h.days[row] === t.day) {
        const i = row * 24 + t.hour;
        h.counts[i] = Math.min(0xffff, (h.counts[i] ?? 0) + 1);
      }
      if (!warm || share >= rareBelow) return null;
      const who = entity.key === '' ? 'the tenant' : entity.key;
      return {
        groupKey: entity.key,
        eventIds: [event.id],
        firstTime: time,
        lastTime: time,
        count: 1,
        summary: `${event.action} by ${who} at ${when(time, timezone)}: ${(share * 100).toFixed(1)}% of its ${total} events in ${fmtDuration(lookback)} fall in this hour of the week ±1 h`,
        context: {
          entity: entity.values,
          local_time: when(time, timezone),
          share,
          events: total,
          rare_below: rareBelow,
        },
      };
    },
    size: () => ({ entries: entities.size, approxBytes: bytes }),
  };
}
