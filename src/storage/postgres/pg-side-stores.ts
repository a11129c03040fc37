/** Checkpoints, API keys and settings on PostgreSQL. */
import type pg from 'pg';
import type {
  ApiKeyRecord,
  CheckpointStore,
  KeyStore,
  SettingsStore,
  StoredCheckpoint,
} from '../../app/ports.js';
import {
  KEY_COLS,
  toCheckpoint,
  toKey,
  UNSIGNED_SQL,
  type CheckpointRow,
  type KeyRow,
} from '../stored-rows.js';
import { pgError } from './connect.js';

/** A query with driver errors translated (CONVENTIONS "Errors"). */
export async function run<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  doing: string,
): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(sql, params);
  } catch (e) {
    throw pgError(e, doing);
  }
}

export class PgCheckpointStore implements CheckpointStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(cp: StoredCheckpoint): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO checkpoints (tenant_id, size, root, note, created_at)
       SELECT tenant_id, $1, $2, $3, $4 FROM tenants WHERE name = $5
       ON CONFLICT (tenant_id, size) DO NOTHING`,
      [cp.size, cp.root, cp.note, cp.createdAt, cp.tenant],
      'storing a checkpoint',
    );
  }

  async latest(tenant: string): Promise<StoredCheckpoint | undefined> {
    const r = await run<CheckpointRow>(
      this.pool,
      `SELECT c.size, c.root, c.note, c.created_at FROM checkpoints c JOIN tenants t USING (tenant_id)
       WHERE t.name = $1 ORDER BY c.size DESC LIMIT 1`,
      [tenant],
      'reading a checkpoint',
    );
    const row = r.rows[0];
    return row && toCheckpoint(tenant, row);
  }

  async list(tenant: string): Promise<StoredCheckpoint[]> {
    const r = await run<CheckpointRow>(
      this.pool,
      `SELECT c.size, c.root, c.note, c.created_at FROM checkpoints c JOIN tenants t USING (tenant_id)
       WHERE t.name = $1 ORDER BY c.size`,
      [tenant],
      'listing checkpoints',
    );
    return r.rows.map((row) => toCheckpoint(tenant, row));
  }

  async unsigned(): Promise<string[]> {
    const r = await run<{ name: string }>(this.pool, UNSIGNED_SQL, [], 'finding unsigned logs');
    return r.rows.map((row) => row.name);
  }
}

export class PgKeyStore implements KeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(rec: ApiKeyRecord, secretHash: Buffer): Promise<void> {
    await run(
      this.pool,
      'INSERT INTO api_keys (id, tenant, name, scopes, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [rec.id, rec.tenant, rec.name, rec.scopes.join(','), secretHash, rec.createdAt],
      'creating an API key',
    );
  }

  async findBySecretHash(secretHash: Buffer): Promise<ApiKeyRecord | undefined> {
    const r = await run<KeyRow>(
      this.pool,
      `SELECT ${KEY_COLS} FROM api_keys WHERE secret_hash = $1`,
      [secretHash],
      'reading an API key',
    );
    const row = r.rows[0];
    return row && toKey(row);
  }

  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    const r = await run<KeyRow>(
      this.pool,
      `SELECT ${KEY_COLS} FROM api_keys WHERE ($1::text IS NULL OR tenant = $1) ORDER BY created_at, id`,
      [tenant ?? null],
      'listing API keys',
    );
    return r.rows.map(toKey);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const r = await run(
      this.pool,
      'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [at, id],
      'revoking an API key',
    );
    return (r.rowCount ?? 0) > 0;
  }
}

export class PgSettingsStore implements SettingsStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(key: string): Promise<string | undefined> {
    const r = await run<{ value: string }>(
      this.pool,
      'SELECT value FROM settings WHERE key = $1',
      [key],
      'reading a setting',
    );
    return r.rows[0]?.value;
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    await run(
      this.pool,
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [key, value],
      'writing a setting',
    );
    return (await this.get(key)) ?? value;
  }
}
