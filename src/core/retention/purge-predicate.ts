/**
 * What one policy may purge now (docs/retention.md "Which events are purged"): one query over
 * the events, compiled to SQL by each store and to a predicate in memory, which must agree.
 *
 *   scope(P) AND occurred_at < now - max(P)
 *   AND NOT (scope(H1) OR scope(H2) ...)                 for every active hold H
 *   AND NOT (scope(Q) AND occurred_at >= now - min(Q))   for every policy Q with a minimum
 */
import { parseQuery, type QueryNode } from '../query/index.js';
import { DAY_MS } from './duration.js';
import type { LegalHold, RetentionPolicy } from './policy.js';

export interface PurgePlan {
  readonly policy: RetentionPolicy;
  /** Only events with occurred_at (ms) strictly below this. */
  readonly beforeMs: number;
  /** The whole predicate, `occurred_at < beforeMs` included. */
  readonly where: QueryNode;
}

function and(nodes: readonly QueryNode[]): QueryNode {
  const kept = nodes.filter((n) => n.type !== 'all');
  if (kept.length === 0) return { type: 'all' };
  if (kept.length === 1) return kept[0]!;
  return { type: 'and', children: [kept[0]!, kept[1]!, ...kept.slice(2)] };
}

function or(nodes: readonly QueryNode[]): QueryNode {
  if (nodes.length === 1) return nodes[0]!;
  return { type: 'or', children: [nodes[0]!, nodes[1]!, ...nodes.slice(2)] };
}

const occurred = (op: '<' | '>=', ms: number): QueryNode => ({
  type: 'range',
  field: 'occurred_at',
  op,
  value: new Date(ms).toISOString(),
});

/** The purge plan of each policy of a tenant that has a maximum age. */
export function purgePlans(
  policies: readonly RetentionPolicy[],
  holds: readonly LegalHold[],
  nowMs: number,
): PurgePlan[] {
  const active = holds.filter((h) => h.releasedAt === null).map((h) => parseQuery(h.scope));
  const minimums = policies
    .filter((q) => q.minDays > 0)
    .map((q) => ({
      type: 'not' as const,
      child: and([parseQuery(q.scope), occurred('>=', nowMs - q.minDays * DAY_MS)]),
    }));
  const guards: QueryNode[] = [
    ...(active.length > 0 ? [{ type: 'not' as const, child: or(active) }] : []),
    ...minimums,
  ];
  return policies
    .filter((p) => p.maxDays !== null)
    .map((policy) => {
      const beforeMs = nowMs - policy.maxDays! * DAY_MS;
      return {
        policy,
        beforeMs,
        where: and([parseQuery(policy.scope), occurred('<', beforeMs), ...guards]),
      };
    });
}

/** A purged or purgeable run of consecutive seqs, inclusive. */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

/** Sorted, merged runs of the given seqs (any order, duplicates allowed). */
export function seqRanges(seqs: Iterable<number>): SeqRange[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  return mergeRanges(sorted.map((s) => ({ from: s, to: s })));
}

/** Sorted runs, adjacent or overlapping ones merged. */
export function mergeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: SeqRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1)
      out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push(r);
  }
  return out;
}

/** `0-4,7,9-12`: how ranges are written in a `retention.purge` event and the CLI. */
export const formatRanges = (ranges: readonly SeqRange[]): string =>
  ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',');
