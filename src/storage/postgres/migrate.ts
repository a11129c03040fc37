/**
 * Runs the versioned migrations (migrations.ts), safely when several processes start at once:
 * under a transaction-scoped advisory lock, each version applied once, in one transaction.
 * A server whose role has no DDL rights starts fine on an up-to-date schema: nothing is
 * attempted when no migration is pending.
 */
import type pg from 'pg';
import { VeritrailError } from '../../core/errors.js';
import { pgError, type PgTarget } from './connect.js';
import { MIGRATIONS } from './migrations.js';

export interface MigrateResult {
  readonly from: number;
  readonly to: number;
}

export async function currentVersion(c: pg.ClientBase): Promise<number> {
  // Two statements: a query naming a missing table fails at parse time, whatever its CASE says.
  const exists = await c.query<{ t: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS t",
  );
  if (exists.rows[0]?.t == null) return 0;
  const r = await c.query<{ v: number }>(
    'SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations',
  );
  return r.rows[0]?.v ?? 0;
}

/** The schema version, refusing one that is missing, behind or ahead of this Veritrail. */
export async function checkVersion(c: pg.ClientBase, target: PgTarget): Promise<void> {
  let v: number;
  try {
    v = await currentVersion(c);
  } catch (e) {
    throw pgError(e, 'reading the schema version');
  }
  if (v === MIGRATIONS.length) return;
  throw new VeritrailError(
    v === 0 ? 'not_found' : 'unavailable',
    v === 0
      ? `no Veritrail schema in schema "${target.schema}" of this database (start the server once, or run veritrail migrate --db URL)`
      : `the database schema is at version ${v}, this Veritrail needs ${MIGRATIONS.length}: run veritrail migrate --db URL`,
  );
}

export async function migrate(c: pg.ClientBase, target: PgTarget): Promise<MigrateResult> {
  const latest = MIGRATIONS.length;
  try {
    const seen = await currentVersion(c);
    if (seen > latest) {
      throw new VeritrailError(
        'unavailable',
        `the database schema is at version ${seen}, newer than this Veritrail knows (${latest}): upgrade Veritrail`,
      );
    }
    if (seen === latest) return { from: seen, to: seen };
    await c.query('BEGIN');
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${target.schema}`);
      await c.query(
        "SELECT pg_advisory_xact_lock(hashtextextended('veritrail.migrate:' || $1, 0))",
        [target.schema],
      );
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const from = await currentVersion(c);
      for (let v = from + 1; v <= latest; v++) {
        await c.query(MIGRATIONS[v - 1]!);
        await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v]);
      }
      await c.query('COMMIT');
      return { from, to: latest };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  } catch (e) {
    throw pgError(e, 'migrating the schema');
  }
}

/**
 * Grants for a separate server role (docs/postgres.md "Roles"): read and append, and nothing
 * else: no UPDATE or DELETE on the log's tables except the columns the retention path blanks
 * and a log's size; new months through veritrail_ensure_partition.
 */
export function grantStatements(schema: string, role: string): string[] {
  const r = `"${role.replace(/"/g, '""')}"`;
  return [
    `GRANT USAGE ON SCHEMA ${schema} TO ${r}`,
    `GRANT SELECT, INSERT ON tenants, events, event_ids, tree_hashes, checkpoints, api_keys, settings TO ${r}`,
    `GRANT SELECT ON schema_migrations TO ${r}`,
    `GRANT UPDATE (size) ON tenants TO ${r}`,
    `GRANT UPDATE (event, salt) ON events TO ${r}`,
    `GRANT UPDATE (revoked_at) ON api_keys TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE ON outbound_streams TO ${r}`,
    `GRANT SELECT, INSERT ON outbound_dead_letters TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE ON alerts, detection_cursors TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON retention_policies TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE (released_at, released_by, release_reason) ON legal_holds TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE ON sources, source_gaps, source_health_cursors TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE ON review_tasks, reviews TO ${r}`,
    `GRANT EXECUTE ON FUNCTION veritrail_ensure_partition(bigint) TO ${r}`,
  ];
}

export async function grantTo(c: pg.ClientBase, schema: string, role: string): Promise<void> {
  try {
    await c.query('BEGIN');
    for (const sql of grantStatements(schema, role)) await c.query(sql);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw pgError(e, `granting rights to ${role}`);
  }
}
