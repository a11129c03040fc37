/**
 * Where a field's values come from in the `event` JSON column, mirroring
 * src/core/query/event-values.ts: schema arrays through chained json_each, metadata/raw paths
 * through a recursive walk that expands arrays at every step (nested arrays too).
 * Paths are bound parameters; their keys are the query's validated segments.
 */
import type { FieldSpec } from '../../../core/query/index.js';
import { joinSql, sql, trusted, type Sql } from './sql-fragment.js';

/** Builds the 0/1 test of one value, given its json_type `t` and SQL value `v`. */
export type Leaf = (t: Sql, v: Sql) => Sql;

/** `."a"."b"`: quoted so keys such as `1x` or `a-b` are read as keys. */
const relPath = (keys: readonly string[]): string => keys.map((k) => `."${k}"`).join('');

const atPath = (event: Sql, path: Sql, leaf: Leaf): Sql =>
  leaf(sql`json_type(${event}, ${path})`, sql`json_extract(${event}, ${path})`);

/** Known fields whose arrays sit where the schema puts them (`targets[].changes[].field`). */
function schemaArraysSql(event: Sql, spec: FieldSpec, leaf: Leaf): Sql {
  const from: Sql[] = [];
  const where: Sql[] = [];
  let element: Sql | undefined;
  let start = 0;
  for (const [k, position] of spec.arrays.entries()) {
    const rel = relPath(spec.path.slice(start, position + 1));
    const path = element === undefined ? sql`${`$${rel}`}` : sql`${element}.fullkey || ${rel}`;
    const alias = trusted(`vt_j${k}`);
    from.push(sql`json_each(${event}, ${path}) ${alias}`);
    // json_each would also walk an object's members or yield a scalar; only arrays count.
    where.push(sql`json_type(${event}, ${path}) IS 'array'`);
    element = alias;
    start = position + 1;
  }
  const last = element ?? trusted('vt_j0');
  const rest = spec.path.slice(start);
  where.push(
    rest.length === 0
      ? leaf(sql`${last}.type`, sql`${last}.atom`)
      : atPath(event, sql`${last}.fullkey || ${relPath(rest)}`, leaf),
  );
  return sql`EXISTS (SELECT 1 FROM ${joinSql(from, ', ')} WHERE ${joinSql(where, ' AND ')})`;
}

/**
 * `metadata.a.b`: walk from `$.metadata`, row (i, t, v) = keys consumed, json_type, value.
 * An array row yields its elements at the same i; an object row with keys left yields its
 * member named keys[i]. Rows with every key consumed and not arrays are the field's values.
 */
function deepSql(event: Sql, path: readonly string[], leaf: Leaf): Sql {
  const root = `$${relPath(path.slice(0, 1))}`;
  const n = path.length;
  const keys = JSON.stringify(path);
  return sql`EXISTS (WITH RECURSIVE vt_w(i, t, v) AS (
    SELECT 1, json_type(${event}, ${root}), json_extract(${event}, ${root})
    UNION ALL
    SELECT CASE vt_w.t WHEN 'array' THEN vt_w.i ELSE vt_w.i + 1 END, vt_j.type, vt_j.value
    FROM vt_w, json_each(CASE WHEN vt_w.t = 'array' OR (vt_w.t = 'object' AND vt_w.i < ${n})
      THEN vt_w.v ELSE '[]' END) vt_j
    WHERE vt_w.t = 'array' OR vt_j.key = json_extract(${keys}, '$[' || vt_w.i || ']')
  ) SELECT 1 FROM vt_w WHERE vt_w.i = ${n} AND vt_w.t IS NOT 'array' AND ${leaf(
    trusted('vt_w.t'),
    trusted('vt_w.v'),
  )})`;
}

/** A 0/1 expression: does any value of the field satisfy `leaf`? */
export function jsonFieldSql(event: Sql, spec: FieldSpec, leaf: Leaf): Sql {
  if (spec.deep) return deepSql(event, spec.path, leaf);
  if (spec.arrays.length > 0) return schemaArraysSql(event, spec, leaf);
  return atPath(event, sql`${`$${relPath(spec.path)}`}`, leaf);
}
