/**
 * Where a field's values come from in the event document `vt_doc.j` (jsonb; NULL for a purged
 * row), mirroring src/core/query/event-values.ts: plain fields by path, schema arrays through
 * chained jsonb_array_elements, metadata/raw paths through a recursive walk that expands arrays
 * at every step (nested arrays too). Paths are bound text[] parameters.
 *
 * Keys of known fields are never integers, so `#>` (which would index into an array with an
 * integer-looking key) reads object members only, like the in-memory `Object.hasOwn` walk.
 * Deep paths may hold keys such as `0`, so the walk uses `->` with a text key, which never
 * indexes an array.
 */
import type { FieldSpec } from '../../../core/query/index.js';
import { joinPg, Param, pgSql, trusted, type PgSql } from './pg-fragment.js';

/** Builds the true/false test of one jsonb value (SQL NULL when the field is missing). */
export type Leaf = (v: PgSql) => PgSql;

/** The caller's `CROSS JOIN LATERAL (...) vt_doc` (compile-pg.ts `pgDocLateral`). */
export const DOC = trusted('vt_doc.j');

const at = (parent: PgSql, keys: readonly string[]): PgSql =>
  pgSql`(${parent} #> ${new Param(keys)}::text[])`;

/** Known fields whose arrays sit where the schema puts them (`targets[].changes[].field`). */
function schemaArraysSql(spec: FieldSpec, leaf: Leaf): PgSql {
  const from: PgSql[] = [];
  let parent = DOC;
  let start = 0;
  for (const [k, position] of spec.arrays.entries()) {
    const value = at(parent, spec.path.slice(start, position + 1));
    const alias = trusted(`vt_a${k}`);
    // jsonb_array_elements fails on a non-array; NULL (no rows) is what "matches nothing" needs.
    from.push(
      pgSql`jsonb_array_elements(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value} END) ${alias}(v)`,
    );
    parent = pgSql`${alias}.v`;
    start = position + 1;
  }
  const rest = spec.path.slice(start);
  const value = rest.length === 0 ? parent : at(parent, rest);
  return pgSql`EXISTS (SELECT 1 FROM ${joinPg(from, ' CROSS JOIN LATERAL ')} WHERE ${leaf(value)})`;
}

/**
 * `metadata.a.b`: rows (i, v) = keys consumed, value, starting from `j -> 'metadata'`. An
 * array row yields its elements at the same i; an object row with keys left yields its member
 * named keys[i + 1] (1-based arrays) when present. Rows with every key consumed that are not
 * arrays are the field's values.
 */
function deepSql(path: readonly string[], leaf: Leaf): PgSql {
  const keys = pgSql`${new Param(path)}::text[]`;
  const n = pgSql`cardinality(${keys})`;
  const next = pgSql`(vt_w.v -> (${keys})[vt_w.i + 1])`;
  return pgSql`EXISTS (WITH RECURSIVE vt_w(i, v) AS (
    SELECT 1, ${DOC} -> (${keys})[1]
    UNION ALL
    SELECT CASE WHEN jsonb_typeof(vt_w.v) = 'array' THEN vt_w.i ELSE vt_w.i + 1 END, vt_c.v
    FROM vt_w CROSS JOIN LATERAL jsonb_array_elements(CASE
      WHEN jsonb_typeof(vt_w.v) = 'array' THEN vt_w.v
      WHEN jsonb_typeof(vt_w.v) = 'object' AND vt_w.i < ${n} AND ${next} IS NOT NULL
        THEN jsonb_build_array(${next})
      END) vt_c(v)
  ) SELECT 1 FROM vt_w WHERE vt_w.i = ${n} AND jsonb_typeof(vt_w.v) <> 'array' AND ${leaf(
    trusted('vt_w.v'),
  )})`;
}

/** A true/false expression: does any value of the field satisfy `leaf`? */
export function jsonFieldPg(spec: FieldSpec, leaf: Leaf): PgSql {
  if (spec.deep) return deepSql(spec.path, leaf);
  if (spec.arrays.length > 0) return schemaArraysSql(spec, leaf);
  return leaf(at(DOC, spec.path));
}
