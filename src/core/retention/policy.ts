/**
 * Retention policies and legal holds (ARCHITECTURE §7, docs/retention.md): the pure rules.
 * A policy covers the events of its tenant that its scope query matches; an event may be
 * purged once it is older than the maximum age of a policy that covers it, unless an active
 * legal hold covers it or it is younger than the minimum age of any policy that covers it.
 */
import type { QueryNode } from '../query/index.js';
import { parseQuery } from '../query/index.js';
import { formatDays } from './duration.js';

export interface RetentionPolicy {
  readonly tenant: string;
  /** Unique per tenant: `[a-z0-9][a-z0-9._-]*`, at most 64 characters. */
  readonly name: string;
  /** Query-language text (docs/query-language.md); empty: the whole tenant. */
  readonly scope: string;
  /** Events this scope covers are kept at least this many days (0: no minimum). */
  readonly minDays: number;
  /** Events this scope covers are purged after this many days; null: never. */
  readonly maxDays: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface LegalHold {
  /** `lh_` + UUIDv7 hex: ids sort by creation. */
  readonly id: string;
  readonly tenant: string;
  /** Query-language text; empty: the whole tenant. */
  readonly scope: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: string;
  /** Set once, by the release; a hold is never deleted. */
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  readonly releaseReason: string | null;
}

/**
 * Fields whose value is one string per event: two scopes that each pin one of them to a
 * different exact value (at the top level of a conjunction) cannot match the same event.
 */
const SINGLE_VALUED = new Set([
  'id',
  'action',
  'category',
  'outcome',
  'severity',
  'actor.id',
  'actor.type',
  'observer.service',
]);

/** A pinned value: its literal start (lower case), and whether that is the whole value. */
interface Pin {
  readonly prefix: string;
  readonly exact: boolean;
}

function pinned(node: QueryNode): Map<string, Pin> {
  const out = new Map<string, Pin>();
  const terms = node.type === 'and' ? node.children : [node];
  for (const t of terms) {
    if (t.type !== 'match' || !SINGLE_VALUED.has(t.field)) continue;
    const wild = t.pattern.findIndex((p) => typeof p !== 'string');
    const parts = wild === -1 ? t.pattern : t.pattern.slice(0, wild);
    const literal = parts.map((p) => (typeof p === 'string' ? p : '')).join('');
    // Lower case: whether a comparison folds case or not, equal-ignoring-case may overlap.
    out.set(t.field, { prefix: literal.toLowerCase(), exact: wild === -1 });
  }
  return out;
}

/** Two values of one field that no single string can match both. */
function disjoint(a: Pin, b: Pin): boolean {
  if (a.exact && b.exact) return a.prefix !== b.prefix;
  if (a.exact) return !a.prefix.startsWith(b.prefix);
  if (b.exact) return !b.prefix.startsWith(a.prefix);
  return !a.prefix.startsWith(b.prefix) && !b.prefix.startsWith(a.prefix);
}

/**
 * Whether two scopes may cover a common event. Overlap of arbitrary queries cannot be decided
 * cheaply, so this answers "no" only when it is certain (one single-valued field pinned, at
 * the top level of both, to values no string matches both: `action:user.*` and
 * `action:debug.trace`) and "maybe" otherwise: a conservative check refuses more, never less.
 */
export function scopesMayOverlap(a: string, b: string): boolean {
  const pa = pinned(parseQuery(a));
  const pb = pinned(parseQuery(b));
  for (const [field, value] of pa) {
    const other = pb.get(field);
    if (other !== undefined && disjoint(value, other)) return false;
  }
  return true;
}

export interface PolicyConflict {
  readonly policy: string;
  readonly message: string;
}

/**
 * The first conflict in a tenant's set of policies, or undefined: a maximum shorter than its
 * own minimum, or than the minimum of another policy whose scope may overlap its scope.
 */
export function findConflict(
  policies: readonly RetentionPolicy[],
  changed?: string,
): PolicyConflict | undefined {
  // The changed policy first, so the message names it.
  const ordered = [...policies].sort(
    (a, b) => Number(b.name === changed) - Number(a.name === changed),
  );
  for (const p of ordered) {
    if (p.maxDays === null) continue;
    if (p.maxDays < p.minDays)
      return {
        policy: p.name,
        message: `policy "${p.name}": max ${formatDays(p.maxDays)} is shorter than its own min ${formatDays(p.minDays)}`,
      };
    for (const q of policies) {
      if (q === p || q.minDays <= p.maxDays || !scopesMayOverlap(p.scope, q.scope)) continue;
      return {
        policy: p.name,
        message: `policy "${p.name}": max ${formatDays(p.maxDays)} (scope ${show(p.scope)}) would be shorter than the min ${formatDays(q.minDays)} of policy "${q.name}" (scope ${show(q.scope)}), whose scope may cover the same events`,
      };
    }
  }
  return undefined;
}

const show = (scope: string): string => (scope === '' ? 'the whole tenant' : JSON.stringify(scope));
