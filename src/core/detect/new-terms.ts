/**
 * `new_terms`: the first value of `field` seen for an entity within a look-back (a country, a
 * user agent, an API never used before by that actor). An entity's first event only teaches
 * (no alert: everything would be new); from its second event on, a value not seen within
 * `lookback` raises a finding once, and is then known until it goes unseen for `lookback`.
 *
 * State: at most `max_entities` entities (least recently seen evicted; an evicted entity
 * learns again) and at most `max_values` values per entity (least recently seen dropped).
 */
import type { StoredEvent } from '../event/schema.js';
import { compilePath } from '../sigma/field-path.js';
import { LruMap } from './lru.js';
import { fmtDuration, type Params } from './params.js';
import {
  entityReader,
  stringBytes,
  valueText,
  type BuildContext,
  type TypedHit,
  type TypedRule,
} from './typed-rule.js';

const DAY = 86_400_000;
/** Values of the field taken from one event (a path through an array reaches several). */
const MAX_VALUES_PER_EVENT = 16;

interface EntityState {
  readonly key: string;
  /** Value → last time seen (ms); insertion order is recency. */
  readonly seen: LruMap<number>;
}

export function newTerms(p: Params, ctx: BuildContext): TypedRule {
  const entityFields = p.fields('entity', ['actor.id']);
  const field = p.field('field');
  const lookback = p.duration('lookback', 30 * DAY, 60_000, 365 * DAY);
  const maxEntities = p.int('max_entities', ctx.maxEntities, 1, 1_000_000);
  const maxValues = p.int('max_values', 100, 1, 10_000);
  p.done();

  const entityOf = entityReader(entityFields);
  const walker = compilePath(field);
  const entities = new LruMap<EntityState>(maxEntities);
  let values = 0;
  let keyBytes = 0;

  const evaluate = (event: StoredEvent, scope: string, time: number): TypedHit | null => {
    const terms = new Set<string>();
    walker(event, (v) => {
      const t = valueText(v);
      if (t !== null) terms.add(t);
      return terms.size >= MAX_VALUES_PER_EVENT;
    });
    if (terms.size === 0) return null;
    const entity = entityOf(event);
    if (entity === null) return null;
    const key = `${scope}\u0000${entity.key}`;
    let state = entities.get(key);
    const learning = state === undefined;
    if (state === undefined) {
      state = { key, seen: new LruMap<number>(maxValues) };
      const evicted = entities.set(key, state);
      keyBytes += stringBytes(key);
      if (evicted !== undefined) {
        values -= evicted.seen.size;
        keyBytes -= stringBytes(evicted.key);
      }
    }
    const fresh: string[] = [];
    for (const term of terms) {
      const last = state.seen.get(term);
      if (last === undefined || time - last > lookback) {
        if (!learning) fresh.push(term);
      }
      const before = state.seen.size;
      const evicted = state.seen.set(term, last === undefined ? time : Math.max(last, time));
      if (state.seen.size > before) values++;
      if (evicted !== undefined) values--;
    }
    if (fresh.length === 0) return null;
    const who = entity.key === '' ? 'the tenant' : entity.key;
    return {
      groupKey: entity.key,
      eventIds: [event.id],
      firstTime: time,
      lastTime: time,
      count: fresh.length,
      summary: `new ${field} ${fresh.map((t) => `'${t}'`).join(', ')} for ${who} (not seen in ${fmtDuration(lookback)})`,
      context: { entity: entity.values, field, values: fresh },
    };
  };

  return {
    evaluate,
    size: () => ({
      entries: entities.size + values,
      approxBytes: keyBytes + entities.size * 120 + values * 96, // a value: key text (~32 chars), its time and the map entry
    }),
  };
}
