/**
 * PostgreSQL for tests: the server named by VERITRAIL_TEST_PG_URL (default the local one). When
 * none answers, PostgreSQL suites are skipped and say so, with the reason, in their names.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

export const PG_TEST_URL =
  process.env.VERITRAIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PgAvailability {
  readonly ok: boolean;
  /** Why PostgreSQL tests are skipped, when they are. */
  readonly reason: string;
}

let probed: Promise<PgAvailability> | undefined;

export function pgAvailability(): Promise<PgAvailability> {
  probed ??= (async () => {
    const c = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return { ok: true, reason: '' };
    } catch (e) {
      const reason = `skipped: no PostgreSQL at ${PG_TEST_URL} (${(e as Error).message}); set VERITRAIL_TEST_PG_URL or start a server`;
      console.warn(`[veritrail] PostgreSQL tests ${reason}`);
      return { ok: false, reason };
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return probed;
}

/** A suite title that carries the skip reason when PostgreSQL is absent. */
export const pgSuiteName = (name: string, a: PgAvailability): string =>
  a.ok ? name : `${name} [${a.reason}]`;

export interface TestSchema {
  readonly schema: string;
  /** PG_TEST_URL with `?schema=` for Veritrail. */
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty schema (created here; dropped with everything in it by `drop`). */
export async function createTestSchema(prefix = 'vt_test'): Promise<TestSchema> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const u = new URL(PG_TEST_URL);
  u.searchParams.set('schema', schema);
  return {
    schema,
    url: u.toString(),
    drop: async () => void (await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
  };
}

export async function adminQuery<R extends pg.QueryResultRow = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const c = new pg.Client({ connectionString: PG_TEST_URL });
  await c.connect();
  try {
    return await c.query<R>(sql, params);
  } finally {
    await c.end();
  }
}

/**
 * Fresh schemas for one test file: each call creates one, and all of them are dropped after
 * the file's tests.
 */
export function freshSchemas(): () => Promise<TestSchema> {
  const schemas: TestSchema[] = [];
  afterAll(async () => {
    for (const s of schemas) await s.drop();
  });
  return async () => {
    const s = await createTestSchema();
    schemas.push(s);
    return s;
  };
}
