/**
 * PostgreSQL twins of the in-memory leaf tests (src/core/query/compile-matcher.ts) over one
 * jsonb value `v` (SQL NULL when the field is missing). Each yields true or false, never NULL,
 * so that NOT stays a true complement (NOT NULL is NULL, which a WHERE treats as false).
 *
 * Values render as in src/core/query/event-values.ts `renderValue`: strings as they are,
 * booleans as true/false, integers in decimal only in the safe range. jsonb keeps a number's
 * exact decimal value and the stored event is canonical JSON (ES number text), so "the jsonb
 * number is an integer within ±(2^53−1)" is exactly "JSON.parse gives a safe integer".
 * Casting jsonb to numeric fails on a non-number, so such casts sit inside CASE, whose order
 * PostgreSQL keeps (it may reorder AND operands).
 */
import {
  compileGlob,
  hasWildcard,
  literalOf,
  type Pattern,
  type RangeOp,
} from '../../../core/query/index.js';
import { joinPg, Param, pgSql, trusted, type PgSql } from './pg-fragment.js';
import { toLike } from './pg-like.js';

const MAX_SAFE = trusted('9007199254740991');
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;
const OPS: Readonly<Record<RangeOp, PgSql>> = {
  '>': trusted('>'),
  '>=': trusted('>='),
  '<': trusted('<'),
  '<=': trusted('<='),
};
export const opPg = (op: RangeOp): PgSql => OPS[op];

const notNull = (test: PgSql): PgSql => pgSql`COALESCE(${test}, false)`;

/** The text of a jsonb scalar (a string unescaped); NULL for JSON null. */
const textOf = (v: PgSql): PgSql => pgSql`(${v} #>> '{}')`;

/** `then` evaluated only when `v` is a number that renders (a safe integer), with `n` its value. */
function safeInteger(v: PgSql, then: (n: PgSql) => PgSql): PgSql {
  const n = pgSql`(${v})::numeric`;
  return pgSql`CASE WHEN jsonb_typeof(${v}) = 'number' THEN (${n} = trunc(${n}) AND abs(${n}) <= ${MAX_SAFE} AND ${then(n)}) ELSE false END`;
}

/** `field:*`: present and not JSON null. */
export const existsLeaf = (v: PgSql): PgSql => notNull(pgSql`jsonb_typeof(${v}) <> 'null'`);

/** Equality or glob with the rendered value: text as is, true/false, safe integers. */
export function matchLeaf(v: PgSql, pattern: Pattern): PgSql {
  const branches: PgSql[] = [];
  const matchesWord = (word: string): boolean =>
    hasWildcard(pattern) ? compileGlob(pattern)(word) : literalOf(pattern) === word;
  if (!hasWildcard(pattern)) {
    const literal = literalOf(pattern);
    branches.push(pgSql`(jsonb_typeof(${v}) = 'string' AND ${textOf(v)} = ${literal})`);
    // jsonb compares numbers by value, so 7 also equals a stored 7.0.
    if (CANONICAL_INT.test(literal) && Number.isSafeInteger(Number(literal))) {
      branches.push(pgSql`${v} = ${literal}::jsonb`);
    }
  } else {
    const like = new Param(toLike(pattern)); // one $n for both branches
    branches.push(pgSql`(jsonb_typeof(${v}) = 'string' AND ${textOf(v)} LIKE ${like})`);
    // Rendered integers hold only digits and '-': other literals can never match one.
    if (pattern.every((p) => typeof p !== 'string' || /^[-0-9]*$/.test(p))) {
      branches.push(safeInteger(v, (n) => pgSql`trunc(${n})::text LIKE ${like}`));
    }
  }
  if (matchesWord('true')) branches.push(pgSql`${v} = 'true'::jsonb`);
  if (matchesWord('false')) branches.push(pgSql`${v} = 'false'::jsonb`);
  return notNull(pgSql`(${joinPg(branches, ' OR ')})`);
}

/** observer.seq comparisons: integers only, like the in-memory `Number.isSafeInteger`. */
export const seqLeaf = (v: PgSql, op: RangeOp, bound: number): PgSql =>
  safeInteger(v, (n) => pgSql`${n} ${OPS[op]} ${String(bound)}::numeric`);
