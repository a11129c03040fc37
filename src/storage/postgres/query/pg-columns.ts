/**
 * Terms served by the events table's own columns (src/storage/postgres/migrations.ts), which
 * the store writes from the event at append, so they answer even for purged rows.
 *
 * Index use: `=` is exact under any deterministic collation and any btree index on the column
 * serves it. A wildcard is a LIKE (exact, case-sensitive under any deterministic collation)
 * plus, when the pattern starts with a literal, a COLLATE "C" range on that literal: correct in
 * any collation, and a seek on (tenant_id, action, ...) when the column's collation is "C"
 * (the planner derives that range from a LIKE itself only for a C index and a known pattern,
 * not under a generic plan of a prepared statement).
 */
import { hasWildcard, literalOf, type IpRange, type Pattern } from '../../../core/query/index.js';
import { pgSql, type PgSql } from './pg-fragment.js';
import { likePrefixRange, toLike } from './pg-like.js';

export {
  TEXT_COLUMNS as PG_COLUMNS,
  TIME_COLUMNS as PG_TIME_COLUMNS,
} from '../../query-columns.js';

/** Equality or glob on a text column. */
export function columnMatch(c: PgSql, pattern: Pattern): PgSql {
  if (!hasWildcard(pattern)) return pgSql`(${c} = ${literalOf(pattern)})`;
  const like = pgSql`${c} LIKE ${toLike(pattern)}`;
  const range = likePrefixRange(pattern);
  if (range === null) return pgSql`(${like})`;
  const lo = pgSql`${c} COLLATE "C" >= ${range.lo}`;
  if (range.hi === null) return pgSql`(${lo} AND ${like})`;
  return pgSql`(${lo} AND ${c} COLLATE "C" < ${range.hi} AND ${like})`;
}

/**
 * `source.ip`: the 16-byte column holds parseIp(source.ip), NULL when absent or unparsable;
 * bytea compares byte-wise. `IS NOT NULL AND` keeps the result false, not NULL, on NULL.
 */
export function ipMatch(ip: PgSql, { lo, hi }: IpRange): PgSql {
  const low = Buffer.from(lo);
  if (lo.every((b, i) => b === hi[i])) return pgSql`(${ip} IS NOT NULL AND ${ip} = ${low}::bytea)`;
  return pgSql`(${ip} IS NOT NULL AND ${ip} BETWEEN ${low}::bytea AND ${Buffer.from(hi)}::bytea)`;
}
