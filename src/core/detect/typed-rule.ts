/**
 * What the Veritrail rule types share: the entity an event belongs to (group-by fields of the
 * event, schema v1 dotted paths), the hit a rule returns, and the size of its state.
 */
import type { StoredEvent } from '../event/schema.js';
import { compilePath, type Walker } from '../sigma/field-path.js';
import type { Target } from '../sigma/types.js';
import type { GeoLookup } from './geo.js';
import type { Params } from './params.js';

/** What a rule found for one event; the detector adds the rule, the tenant and the time. */
export interface TypedHit {
  readonly groupKey: string;
  readonly eventIds: readonly string[];
  readonly firstTime: number;
  readonly lastTime: number;
  readonly count: number;
  readonly summary: string;
  readonly context: Readonly<Record<string, unknown>>;
}

export interface StateSize {
  readonly entries: number;
  readonly approxBytes: number;
}

export interface TypedRule {
  /**
   * Looks at one event already chosen by the rule's detection. `scope` is the tenant the
   * finding goes to (state never mixes tenants); `time` the event time in ms.
   */
  evaluate(event: StoredEvent, scope: string, time: number): TypedHit | null;
  size(): StateSize;
}

export interface BuildContext {
  readonly geo: GeoLookup | undefined;
  /** Default for `max_entities`. */
  readonly maxEntities: number;
}

export type RuleBuilder = (params: Params, ctx: BuildContext) => TypedRule;

/** Longest value kept from an event for keys and state. */
const MAX_VALUE = 256;

/** A field value as text (strings as they are, others as JSON), clipped; null when absent. */
export function valueText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_VALUE ? s.slice(0, MAX_VALUE) : s;
}

/** The first value the walker reaches, as text. */
export function firstText(walker: Walker, target: Target): string | null {
  let out: string | null = null;
  walker(target, (v) => {
    out = valueText(v);
    return out !== null;
  });
  return out;
}

/** `name=value` pairs joined with `, `; a value holding `,`, `=` or `"` is quoted as JSON. */
export function formatPairs(pairs: readonly (readonly [string, string | null])[]): string {
  return pairs
    .map(([k, v]) => `${k}=${v === null ? 'null' : /[,="\\]/.test(v) ? JSON.stringify(v) : v}`)
    .join(', ');
}

export interface EntityOf {
  /** State key within the tenant, and the finding's group key. */
  readonly key: string;
  readonly values: Readonly<Record<string, string | null>>;
}

/** Reads the entity of an event: null when none of the fields has a value. */
export function entityReader(fields: readonly string[]): (event: StoredEvent) => EntityOf | null {
  const walkers = fields.map((f) => [f, compilePath(f)] as const);
  return (event) => {
    const pairs = walkers.map(([f, w]) => [f, firstText(w, event as Target)] as const);
    if (pairs.length > 0 && pairs.every(([, v]) => v === null)) return null;
    const values: Record<string, string | null> = {};
    for (const [f, v] of pairs) Object.defineProperty(values, f, { value: v, enumerable: true });
    return { key: formatPairs(pairs), values };
  };
}

/** Rough heap cost of a string key (UTF-16 payload plus the object header). */
export const stringBytes = (s: string): number => 2 * s.length + 32;
