/**
 * Compiles a query AST (src/core/query) to a boolean PostgreSQL expression over the `events`
 * table (src/storage/postgres/migrations.ts), the twin of src/storage/sqlite/query/compile-sql.ts
 * (docs/query-language.md §8). It must select exactly the rows whose event the in-memory matcher
 * accepts; compile-pg.property.test.ts checks that on random events and queries.
 *
 * - id, action, actor.id, outcome, category, severity use their columns (pg-columns.ts).
 * - occurred_at / received_at ranges use occurred_ms / received_ms.
 * - source.ip uses the 16-byte `source_ip` column.
 * - everything else reads the event as jsonb, `vt_doc.j`, which the caller joins with
 *   `pgDocLateral(alias)` when `usesDoc` is true. A purged row (event NULL) matches only
 *   through its columns; callers that must hide purged rows add `event IS NOT NULL`.
 */
import { VeritrailError } from '../../../core/errors.js';
import {
  ANY,
  checkPattern,
  fieldSpecOf,
  hasWildcard,
  ipRangeOf,
  literalOf,
  lowerPattern,
  queryError,
  rangeBound,
  type Pattern,
  type QueryNode,
  type RangeNode,
} from '../../../core/query/index.js';
import { columnMatch, ipMatch, PG_COLUMNS, PG_TIME_COLUMNS } from './pg-columns.js';
import { FALSE, joinPg, pgSql, renderPg, trusted, type PgSql } from './pg-fragment.js';
import { existsLeaf, matchLeaf, opPg, seqLeaf } from './pg-leaf.js';
import { isBindable, toLike } from './pg-like.js';
import { jsonFieldPg, type Leaf } from './pg-sources.js';

export { PG_COLUMNS, PG_TIME_COLUMNS };

export interface PgWhere {
  readonly sql: string;
  /** `params[k]` is `$(firstParam + k)`. */
  readonly params: unknown[];
  /** The SQL reads `vt_doc.j`: the caller must add `pgDocLateral(alias)` to its FROM. */
  readonly usesDoc: boolean;
}

export interface PgWhereOptions {
  /** The events table's alias in the caller's FROM (default `e`). */
  readonly alias?: string;
  /** The number of the first placeholder (default 1), after the caller's own parameters. */
  readonly firstParam?: number;
}

/** Unquoted identifiers fold to lower case, so `VT_x` is refused like `vt_x`. */
const ALIAS = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function checkedAlias(alias: string): string {
  // The alias is the only text spliced into SQL; `vt_` names are this compiler's own.
  if (!ALIAS.test(alias) || alias.toLowerCase().startsWith('vt_')) {
    throw new VeritrailError('internal', `invalid SQL table alias "${alias}"`);
  }
  return alias;
}

/**
 * The in-memory matcher's asciiLower: under the "C" collation lower() folds A–Z only (PostgreSQL
 * manual, "Collation Support": in C only A–Z are letters), whatever the database's collation,
 * where a plain lower() would fold Ä or Σ too. Several times faster than translate().
 */
const FOLD = trusted(`lower((vt_s.v #>> '{}') COLLATE "C")`);
/** Every string value of the document, at any depth (object keys are not items). */
const STRINGS = trusted(
  `SELECT 1 FROM jsonb_path_query(vt_doc.j, 'strict $.** ? (@.type() == "string")') vt_s(v)`,
);

class Compiler {
  usesDoc = false;
  constructor(private readonly alias: string) {}

  private column(name: string): PgSql {
    return trusted(`${this.alias}.${name}`);
  }
  private json(field: string, leaf: Leaf): PgSql {
    this.usesDoc = true;
    return jsonFieldPg(fieldSpecOf(field), leaf);
  }

  node(n: QueryNode): PgSql {
    switch (n.type) {
      case 'all':
        return trusted('true');
      case 'and':
      case 'or': {
        const parts = n.children.map((c) => this.node(c));
        return pgSql`(${joinPg(parts, n.type === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not':
        return pgSql`(NOT ${this.node(n.child)})`;
      case 'exists': {
        const column = PG_COLUMNS.get(fieldSpecOf(n.field).name);
        if (column !== undefined) return pgSql`(${this.column(column)} IS NOT NULL)`;
        return this.json(n.field, existsLeaf);
      }
      case 'match':
        return this.match(n.field, n.pattern);
      case 'range':
        return this.range(n);
      case 'text':
        return this.text(n.pattern);
    }
  }

  private match(field: string, pattern: Pattern): PgSql {
    const spec = fieldSpecOf(field);
    checkPattern(pattern);
    if (spec.kind === 'ip') return ipMatch(this.column('source_ip'), ipRangeOf(pattern));
    if (!isBindable(pattern)) return FALSE;
    const column = PG_COLUMNS.get(spec.name);
    if (column !== undefined) return columnMatch(this.column(column), pattern);
    return this.json(field, (v) => matchLeaf(v, pattern));
  }

  private range(n: RangeNode): PgSql {
    const spec = fieldSpecOf(n.field);
    const bound = rangeBound(n.field, n.value);
    const column = PG_TIME_COLUMNS.get(spec.name);
    if (column !== undefined) return pgSql`(${this.column(column)} ${opPg(n.op)} ${bound})`;
    if (spec.kind !== 'seq') throw queryError(`operator "${n.op}" is not allowed on ${n.field}`);
    return this.json(n.field, (v) => seqLeaf(v, n.op, bound));
  }

  /** Free text: a substring of some string value, A–Z folded on both sides. */
  private text(pattern: Pattern): PgSql {
    checkPattern(pattern);
    if (!isBindable(pattern)) return FALSE;
    this.usesDoc = true;
    const lowered = lowerPattern(pattern);
    if (!hasWildcard(lowered)) {
      return pgSql`EXISTS (${STRINGS} WHERE strpos(${FOLD}, ${literalOf(lowered)}) > 0)`;
    }
    return pgSql`EXISTS (${STRINGS} WHERE ${FOLD} LIKE ${toLike([ANY, ...lowered, ANY])})`;
  }
}

/**
 * A WHERE expression (true or false for every row, never NULL) selecting the events `ast`
 * matches, with every value bound as `$firstParam`, `$firstParam + 1`, ... in `params` order.
 * Throws `invalid_query` for a hand-built AST the parser would refuse.
 */
export function compilePgWhere(ast: QueryNode, opts: PgWhereOptions = {}): PgWhere {
  const alias = checkedAlias(opts.alias ?? 'e');
  const first = opts.firstParam ?? 1;
  if (!Number.isSafeInteger(first) || first < 1) {
    throw new VeritrailError('internal', `invalid first SQL parameter number ${first}`);
  }
  const compiler = new Compiler(alias);
  const { sql, params } = renderPg(compiler.node(ast), first);
  return { sql, params, usesDoc: compiler.usesDoc };
}

/**
 * The FROM item that provides `vt_doc.j`: the row's event parsed once as jsonb (NULL when
 * purged). `OFFSET 0` keeps PostgreSQL from inlining the subquery, which would parse the JSON
 * again at every reference.
 */
export const pgDocLateral = (alias = 'e'): string =>
  `CROSS JOIN LATERAL (SELECT ${checkedAlias(alias)}.event::jsonb AS j OFFSET 0) vt_doc`;
