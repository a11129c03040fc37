/**
 * Compiles a query AST (src/core/query) to a boolean SQLite expression over the `events` table
 * (src/storage/sqlite/migrations.ts). It must select exactly the rows whose event the in-memory
 * matcher accepts; compile-sql.property.test.ts checks that on random events and queries.
 *
 * - id, action, actor.id, outcome, category, severity use their columns with plain `=` / GLOB,
 *   so the (tenant_id, action) and (tenant_id, actor_id) indexes serve `tenant_id = ? AND ...`.
 * - occurred_at / received_at comparisons use occurred_ms / received_ms.
 * - source.ip uses the 16-byte `source_ip` column (parseIp of the event's source.ip).
 * - everything else reads the `event` JSON column. A purged row (event NULL) matches only
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
import { joinSql, sql, trusted, type Sql } from './sql-fragment.js';
import { existsLeaf, matchLeaf, opSql, seqLeaf, toGlob } from './sql-leaf.js';
import { jsonFieldSql } from './sql-sources.js';
import { TEXT_COLUMNS, TIME_COLUMNS } from '../../query-columns.js';

export interface SqlWhere {
  readonly sql: string;
  readonly params: unknown[];
}

export const SQLITE_COLUMNS = TEXT_COLUMNS;
export const SQLITE_TIME_COLUMNS = TIME_COLUMNS;

/**
 * `tenant:` compares the event JSON's own `tenant` field, not `tenant_id`: the table keys logs by
 * an integer id the query language does not know. Scoping a search to a log stays the caller's
 * `tenant_id = ?`.
 */
export const SQLITE_TENANT_PATH = '$."tenant"';

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

class Compiler {
  private readonly event: Sql;
  constructor(private readonly alias: string) {
    this.event = trusted(`${alias}.event`);
  }
  private column(name: string): Sql {
    return trusted(`${this.alias}.${name}`);
  }

  node(n: QueryNode): Sql {
    switch (n.type) {
      case 'all':
        return trusted('1');
      case 'and':
        return sql`(${joinSql(
          n.children.map((c) => this.node(c)),
          ' AND ',
        )})`;
      case 'or':
        return sql`(${joinSql(
          n.children.map((c) => this.node(c)),
          ' OR ',
        )})`;
      case 'not':
        return sql`(NOT ${this.node(n.child)})`;
      case 'exists':
        return this.exists(n.field);
      case 'match':
        return this.match(n.field, n.pattern);
      case 'range':
        return this.range(n);
      case 'text':
        return this.text(n.pattern);
    }
  }

  private exists(field: string): Sql {
    const spec = fieldSpecOf(field);
    const column = SQLITE_COLUMNS.get(spec.name);
    if (column !== undefined) return sql`(${this.column(column)} IS NOT NULL)`;
    return jsonFieldSql(this.event, spec, (t) => existsLeaf(t));
  }

  private match(field: string, pattern: Pattern): Sql {
    const spec = fieldSpecOf(field);
    checkPattern(pattern);
    if (spec.kind === 'ip') {
      const { lo, hi } = ipRangeOf(pattern);
      const ip = this.column('source_ip');
      // IS / IS NOT NULL keep the result 0 or 1 when source_ip is NULL.
      return lo.every((b, i) => b === hi[i])
        ? sql`(${ip} IS ${lo})`
        : sql`(${ip} IS NOT NULL AND ${ip} BETWEEN ${lo} AND ${hi})`;
    }
    const column = SQLITE_COLUMNS.get(spec.name);
    if (column === undefined) {
      return jsonFieldSql(this.event, spec, (t, v) => matchLeaf(t, v, pattern));
    }
    const c = this.column(column);
    if (!hasWildcard(pattern)) return sql`(${c} = ${literalOf(pattern)})`;
    return sql`(${c} GLOB ${toGlob(pattern)} AND instr(${c}, char(0)) = 0)`;
  }

  private range(n: RangeNode): Sql {
    const spec = fieldSpecOf(n.field);
    const bound = rangeBound(n.field, n.value);
    const column = SQLITE_TIME_COLUMNS.get(spec.name);
    if (column !== undefined) return sql`(${this.column(column)} ${opSql(n.op)} ${bound})`;
    if (spec.kind !== 'seq') throw queryError(`operator "${n.op}" is not allowed on ${n.field}`);
    return jsonFieldSql(this.event, spec, (t, v) => seqLeaf(t, v, n.op, bound));
  }

  /** Free text over every string value (json_tree), A–Z folded by lower() on both sides. */
  private text(pattern: Pattern): Sql {
    checkPattern(pattern);
    const lowered = lowerPattern(pattern);
    const strings = sql`SELECT 1 FROM json_tree(${this.event}) vt_t WHERE vt_t.type = 'text'`;
    if (!hasWildcard(lowered)) {
      return sql`EXISTS (${strings} AND instr(lower(vt_t.atom), ${literalOf(lowered)}) > 0)`;
    }
    const glob = toGlob([ANY, ...lowered, ANY]);
    return sql`EXISTS (${strings} AND instr(vt_t.atom, char(0)) = 0 AND lower(vt_t.atom) GLOB ${glob})`;
  }
}

/**
 * A WHERE expression (0 or 1 for every row, never NULL) selecting the events `ast` matches,
 * with every value as a bound parameter. `alias` names the events table in the caller's FROM.
 */
export function compileSqliteWhere(ast: QueryNode, alias = 'e'): SqlWhere {
  // The alias is the only text spliced into SQL; `vt_` names are this compiler's subqueries.
  if (!ALIAS.test(alias) || alias.startsWith('vt_')) {
    throw new VeritrailError('internal', `invalid SQL table alias "${alias}"`);
  }
  const out = new Compiler(alias).node(ast);
  return { sql: out.text, params: [...out.params] };
}
