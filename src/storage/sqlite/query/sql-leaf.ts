/**
 * SQL twins of the in-memory leaf tests (src/core/query/compile-matcher.ts), over a JSON value
 * given as its json_type `t` and SQL value `v`. Each yields 0 or 1, never NULL, so that NOT
 * stays a true complement (SQL's NOT NULL is NULL, which a WHERE would treat as false).
 */
import {
  compileGlob,
  hasWildcard,
  literalOf,
  type Pattern,
  type RangeOp,
} from '../../../core/query/index.js';
import { joinSql, sql, trusted, type Sql } from './sql-fragment.js';

/** Integers render like JavaScript only in the safe range, where JSON.parse is exact. */
const SAFE = trusted('-9007199254740991 AND 9007199254740991');
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;
const OPS: Readonly<Record<RangeOp, Sql>> = {
  '>': trusted('>'),
  '>=': trusted('>='),
  '<': trusted('<'),
  '<=': trusted('<='),
};

/** GLOB text for a pattern: literal `[ ] * ?` become one-character classes. */
export const toGlob = (pattern: Pattern): string =>
  pattern
    .map((p) => (typeof p === 'string' ? p.replace(/[[\]*?]/g, (c) => `[${c}]`) : p.wildcard))
    .join('');

export const existsLeaf = (t: Sql): Sql => sql`(${t} IS NOT NULL AND ${t} <> 'null')`;

/** Equality or glob with the rendered value: text as is, true/false, safe integers. */
export function matchLeaf(t: Sql, v: Sql, pattern: Pattern): Sql {
  const branches: Sql[] = [];
  const matchesWord = (word: string): boolean =>
    hasWildcard(pattern) ? compileGlob(pattern)(word) : literalOf(pattern) === word;
  if (!hasWildcard(pattern)) {
    const literal = literalOf(pattern);
    branches.push(sql`(${t} IS 'text' AND ${v} = ${literal})`);
    const n = Number(literal);
    if (CANONICAL_INT.test(literal) && Number.isSafeInteger(n)) {
      branches.push(sql`(${t} IS 'integer' AND ${v} = ${n})`);
    }
  } else {
    const glob = toGlob(pattern);
    // GLOB stops at U+0000; such values never match a glob on either side.
    branches.push(sql`(${t} IS 'text' AND instr(${v}, char(0)) = 0 AND ${v} GLOB ${glob})`);
    const digitsOnly = pattern.every((p) => typeof p !== 'string' || /^[-0-9]*$/.test(p));
    if (digitsOnly) {
      branches.push(
        sql`(${t} IS 'integer' AND ${v} BETWEEN ${SAFE} AND CAST(${v} AS TEXT) GLOB ${glob})`,
      );
    }
  }
  if (matchesWord('true')) branches.push(sql`${t} IS 'true'`);
  if (matchesWord('false')) branches.push(sql`${t} IS 'false'`);
  return sql`(${joinSql(branches, ' OR ')})`;
}

/** observer.seq comparisons: integers only, like the in-memory `Number.isSafeInteger`. */
export const seqLeaf = (t: Sql, v: Sql, op: RangeOp, bound: number): Sql =>
  sql`(${t} IS 'integer' AND ${v} BETWEEN ${SAFE} AND ${v} ${OPS[op]} ${bound})`;

export const opSql = (op: RangeOp): Sql => OPS[op];
