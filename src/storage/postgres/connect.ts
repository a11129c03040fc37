/**
 * Connections to PostgreSQL: the `pg` driver, one schema per Veritrail installation (search_path
 * set at connect), int8 read as numbers (seqs, sizes and times stay below 2^53).
 */
import pg from 'pg';
import { VeritrailError } from '../../core/errors.js';

export const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PgTarget {
  /** Connection string without Veritrail's own parameters. */
  readonly connectionString: string;
  readonly schema: string;
}

/**
 * `postgres://user:pass@host:5432/db?schema=audit`: `schema` (default `public`) is Veritrail's,
 * the rest goes to the driver. Untrusted text from the command line or environment.
 */
export function parseDatabaseUrl(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VeritrailError('validation_failed', 'the database URL is not a valid URL', [
      { path: 'databaseUrl', message: 'must look like postgres://user@host:5432/db' },
    ]);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new VeritrailError('validation_failed', 'the database URL must start with postgres://', [
      { path: 'databaseUrl', message: 'must look like postgres://user@host:5432/db' },
    ]);
  }
  const schema = u.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new VeritrailError('validation_failed', `invalid schema name "${schema}"`, [
      { path: 'databaseUrl', message: 'schema must match ^[a-z_][a-z0-9_]{0,62}$' },
    ]);
  }
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

/** The URL with any password replaced, for logs and messages (secrets are never printed). */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser(oid, format) as (
          v: string,
        ) => unknown)) as typeof pg.types.getTypeParser,
};

export function clientConfig(target: PgTarget, applicationName: string): pg.ClientConfig {
  return {
    connectionString: target.connectionString,
    types,
    options: `-c search_path=${target.schema}`,
    application_name: applicationName,
    // Dead peers are noticed in tens of seconds rather than the OS default of two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: 10_000,
  };
}

export function newPool(target: PgTarget, max: number): pg.Pool {
  return new pg.Pool({ ...clientConfig(target, 'veritrail'), max, idleTimeoutMillis: 30_000 });
}

export function newClient(
  target: PgTarget,
  applicationName: string,
  opts: { queryTimeoutMs?: number } = {},
): pg.Client {
  return new pg.Client({
    ...clientConfig(target, applicationName),
    ...(opts.queryTimeoutMs === undefined ? {} : { query_timeout: opts.queryTimeoutMs }),
  });
}

/** Driver and server errors as Veritrail errors (CONVENTIONS "Errors": adapters translate). */
export function pgError(e: unknown, doing: string): VeritrailError {
  if (e instanceof VeritrailError) return e;
  const err = e as { code?: string; message?: string };
  const message = `PostgreSQL: ${doing}: ${err.message ?? String(e)}`;
  // Class 08 (connection), 53 (resources), 57P (shutdown): the database is unavailable.
  const unavailable =
    err.code === undefined ||
    err.code.startsWith('08') ||
    err.code.startsWith('53') ||
    err.code.startsWith('57P') ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|terminated|Connection/i.test(err.message ?? '');
  return new VeritrailError(unavailable ? 'unavailable' : 'internal', message, [], { cause: e });
}
