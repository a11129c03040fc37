/**
 * `volume_spike`: per entity, the number of events in each time bucket (event time, buckets
 * aligned on the epoch) against a baseline learned from the entity's earlier buckets:
 * an EWMA of mean and variance, or the median and MAD of the last `history` buckets. With
 * `seasonality: hour_of_week` each hour of the week (in `timezone`) has its own baseline, so
 * Monday 09:00 is compared with earlier Mondays at 09:00. A bucket fires once, as soon as its
 * count reaches `min_count` and exceeds `expected + threshold × deviation`; the deviation is
 * at least the square root of the expected count (Poisson noise) and at least 1. No finding
 * before the entity has `warmup` of history (cold start). Events older than the entity's
 * current bucket arrive late and are not counted.
 */
import type { StoredEvent } from '../event/schema.js';
import { isTimeZone, hourOfWeek } from './local-time.js';
import { LruMap } from './lru.js';
import { fmtDuration, type Params } from './params.js';
import {
  entityReader,
  stringBytes,
  type BuildContext,
  type TypedHit,
  type TypedRule,
} from './typed-rule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK_HOURS = 168;
/** Event ids kept per bucket for the finding. */
const KEEP_IDS = 10;
/** A baseline needs this many past buckets in its slot before it can fire. */
const MIN_SAMPLES = 3;

interface Model {
  /** Folds one closed bucket's count into the slot's baseline. */
  add(slot: number, count: number): void;
  /** Expected count and deviation of a slot; null until it has enough samples. */
  expect(slot: number): { readonly expected: number; readonly deviation: number } | null;
  readonly bytes: number;
}

function ewma(slots: number, alpha: number): Model {
  const s = new Float64Array(slots * 3); // mean, variance, samples
  return {
    add(slot, x) {
      const i = slot * 3;
      const n = s[i + 2] ?? 0;
      if (n === 0) {
        s[i] = x;
        s[i + 1] = 0;
      } else {
        const mean = s[i] ?? 0;
        const diff = x - mean;
        const incr = alpha * diff;
        s[i] = mean + incr;
        s[i + 1] = (1 - alpha) * ((s[i + 1] ?? 0) + diff * incr);
      }
      s[i + 2] = n + 1;
    },
    expect(slot) {
      const i = slot * 3;
      if ((s[i + 2] ?? 0) < MIN_SAMPLES) return null;
      return { expected: s[i] ?? 0, deviation: Math.sqrt(s[i + 1] ?? 0) };
    },
    bytes: s.byteLength,
  };
}

function medianOf(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1; // n is a small count of samples, never a 64-bit size
  return n % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function medianMad(slots: number, history: number): Model {
  const ring = new Uint32Array(slots * history);
  const filled = new Uint16Array(slots);
  const next = new Uint16Array(slots);
  return {
    add(slot, x) {
      const pos = next[slot] ?? 0;
      ring[slot * history + pos] = Math.min(x, 0xffffffff);
      next[slot] = (pos + 1) % history;
      filled[slot] = Math.min(history, (filled[slot] ?? 0) + 1);
    },
    expect(slot) {
      const n = filled[slot] ?? 0;
      if (n < MIN_SAMPLES) return null;
      const xs = Float64Array.from(ring.subarray(slot * history, slot * history + n)).sort();
      const median = medianOf(xs);
      const dev = xs.map((x) => Math.abs(x - median)).sort();
      // 1.4826 × MAD estimates the standard deviation of normally distributed counts.
      return { expected: median, deviation: 1.4826 * medianOf(dev) };
    },
    bytes: ring.byteLength + filled.byteLength + next.byteLength,
  };
}

interface EntityState {
  readonly key: string;
  readonly model: Model;
  readonly firstBucket: number;
  bucket: number;
  count: number;
  fired: boolean;
  firstTime: number;
  ids: string[];
  /** The baseline of the current bucket (computed when it opens). */
  baseline: { readonly expected: number; readonly deviation: number } | null;
}

export function volumeSpike(p: Params, ctx: BuildContext): TypedRule {
  const entityFields = p.fields('entity', ['actor.id']);
  const seasonality = p.oneOf('seasonality', ['none', 'hour_of_week'], 'none');
  const bucketMs = p.duration('bucket', HOUR, 60_000, DAY);
  if (seasonality === 'hour_of_week' && bucketMs !== HOUR)
    p.fail('bucket', 'must be 1h with seasonality hour_of_week');
  const baseline = p.oneOf('baseline', ['ewma', 'median_mad'], 'ewma');
  const alpha = p.number('alpha', 0.1, 0.01, 1);
  if (baseline !== 'ewma' && p.has('alpha')) p.fail('alpha', 'applies to baseline ewma only');
  const seasonal = seasonality === 'hour_of_week';
  const history = p.int('history', seasonal ? 4 : 168, MIN_SAMPLES, seasonal ? 52 : 10_000);
  if (baseline !== 'median_mad' && p.has('history'))
    p.fail('history', 'applies to baseline median_mad only');
  const threshold = p.number('threshold', 3, 0.1, 1000);
  const minCount = p.int('min_count', 20, 1, 1_000_000_000);
  const warmup = p.duration('warmup', 14 * DAY, 0, 365 * DAY);
  const timezone = p.string('timezone', 'UTC');
  if (!isTimeZone(timezone)) p.fail('timezone', `is not a known IANA time zone ('${timezone}')`);
  if (!seasonal && p.has('timezone')) p.fail('timezone', 'applies to seasonality hour_of_week');
  const maxEntities = p.int('max_entities', ctx.maxEntities, 1, 1_000_000);
  p.done();

  const slots = seasonal ? WEEK_HOURS : 1;
  const newModel = () => (baseline === 'ewma' ? ewma(slots, alpha) : medianMad(slots, history));
  // EWMA forgets old buckets geometrically: beyond this many zeros the baseline is ~0 anyway.
  const fillCap =
    slots *
    (baseline === 'ewma'
      ? Math.ceil(Math.log(1e-3) / Math.log(1 - Math.min(alpha, 0.999)))
      : history);
  const slotOf = (bucket: number, offset?: number) =>
    !seasonal
      ? 0
      : offset === undefined
        ? hourOfWeek(bucket, timezone)
        : (((Math.floor((bucket + offset) / HOUR) + 72) % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
  const entityOf = entityReader(entityFields);
  const entities = new LruMap<EntityState>(maxEntities);
  let bytes = 0;

  /** Closes the entity's bucket and the empty ones up to `bucket`; opens `bucket`. */
  const advance = (s: EntityState, bucket: number) => {
    s.model.add(slotOf(s.bucket), s.count);
    const gap = Math.round((bucket - s.bucket) / bucketMs) - 1;
    const skip = Math.min(gap, fillCap);
    // One time zone offset for the whole gap (a DST change inside it shifts a few slots).
    const offset = seasonal ? hourOfWeekOffset(s.bucket, timezone) : 0;
    for (let k = gap - skip + 1; k <= gap; k++)
      s.model.add(slotOf(s.bucket + k * bucketMs, offset), 0);
    s.bucket = bucket;
    s.count = 0;
    s.fired = false;
    s.ids = [];
    s.baseline = s.model.expect(slotOf(bucket));
  };

  const evaluate = (event: StoredEvent, scope: string, time: number): TypedHit | null => {
    const entity = entityOf(event);
    if (entity === null) return null;
    const bucket = Math.floor(time / bucketMs) * bucketMs;
    const key = `${scope}\u0000${entity.key}`;
    let s = entities.get(key);
    if (s === undefined) {
      const model = newModel();
      s = {
        key,
        model,
        firstBucket: bucket,
        bucket,
        count: 0,
        fired: false,
        firstTime: time,
        ids: [],
        baseline: null,
      };
      const evicted = entities.set(key, s);
      bytes += stringBytes(key) + model.bytes + 200;
      if (evicted !== undefined) bytes -= stringBytes(evicted.key) + evicted.model.bytes + 200;
    } else if (bucket < s.bucket) {
      return null; // late: its bucket is closed
    } else if (bucket > s.bucket) {
      advance(s, bucket);
    }
    if (s.count === 0) s.firstTime = time;
    s.count++;
    s.ids.push(event.id);
    if (s.ids.length > KEEP_IDS) s.ids.shift();
    const b = s.baseline;
    if (s.fired || b === null || s.count < minCount || bucket - s.firstBucket < warmup) return null;
    const deviation = Math.max(b.deviation, Math.sqrt(Math.max(b.expected, 1)), 1);
    const limit = b.expected + threshold * deviation;
    if (s.count <= limit) return null;
    s.fired = true;
    const who = entity.key === '' ? 'the tenant' : entity.key;
    return {
      groupKey: entity.key,
      eventIds: [...s.ids],
      firstTime: s.firstTime,
      lastTime: time,
      count: s.count,
      summary: `${s.count} events in ${fmtDuration(bucketMs)} for ${who}, expected about ${round(b.expected)} (limit ${round(limit)})`,
      context: {
        entity: entity.values,
        bucket_start: new Date(bucket).toISOString(),
        bucket: fmtDuration(bucketMs),
        expected: round(b.expected),
        deviation: round(deviation),
        limit: round(limit),
        baseline,
        seasonality,
      },
    };
  };

  return {
    evaluate,
    size: () => ({ entries: entities.size, approxBytes: bytes }),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Offset (ms) of local time in `tz` at `ms`, so that later hours can be placed by arithmetic. */
function hourOfWeekOffset(ms: number, tz: string): number {
  const how = hourOfWeek(ms, tz);
  const utcHow = (((Math.floor(ms / HOUR) + 72) % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
  return (((how - utcHow + 84 + WEEK_HOURS) % WEEK_HOURS) - 84) * HOUR;
}
