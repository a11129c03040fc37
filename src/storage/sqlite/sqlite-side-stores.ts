/** Checkpoints, API keys and settings on SQLite. */
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
import type { Db } from './open-database.js';

export class SqliteCheckpointStore implements CheckpointStore {
  constructor(private readonly db: Db) {}

  add(cp: StoredCheckpoint): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO checkpoints (tenant_id, size, root, note, created_at)
         SELECT tenant_id, ?, ?, ?, ? FROM tenants WHERE name = ?
         ON CONFLICT (tenant_id, size) DO NOTHING`,
      )
      .run(cp.size, cp.root, cp.note, cp.createdAt, cp.tenant);
    return Promise.resolve();
  }

  latest(tenant: string): Promise<StoredCheckpoint | undefined> {
    const row = this.db
      .prepare<[string], CheckpointRow>(
        `SELECT c.size, c.root, c.note, c.created_at FROM checkpoints c JOIN tenants t USING (tenant_id)
         WHERE t.name = ? ORDER BY c.size DESC LIMIT 1`,
      )
      .get(tenant);
    return Promise.resolve(row && toCheckpoint(tenant, row));
  }

  list(tenant: string): Promise<StoredCheckpoint[]> {
    const rows = this.db
      .prepare<[string], CheckpointRow>(
        `SELECT c.size, c.root, c.note, c.created_at FROM checkpoints c JOIN tenants t USING (tenant_id)
         WHERE t.name = ? ORDER BY c.size`,
      )
      .all(tenant);
    return Promise.resolve(rows.map((r) => toCheckpoint(tenant, r)));
  }

  unsigned(): Promise<string[]> {
    const rows = this.db.prepare<[], { name: string }>(UNSIGNED_SQL).all();
    return Promise.resolve(rows.map((r) => r.name));
  }
}

export class SqliteKeyStore implements KeyStore {
  constructor(private readonly db: Db) {}

  create(rec: ApiKeyRecord, secretHash: Buffer): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO api_keys (id, tenant, name, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(rec.id, rec.tenant, rec.name, rec.scopes.join(','), secretHash, rec.createdAt);
    return Promise.resolve();
  }

  findBySecretHash(secretHash: Buffer): Promise<ApiKeyRecord | undefined> {
    const row = this.db
      .prepare<[Buffer], KeyRow>(`SELECT ${KEY_COLS} FROM api_keys WHERE secret_hash = ?`)
      .get(secretHash);
    return Promise.resolve(row && toKey(row));
  }

  list(tenant?: string): Promise<ApiKeyRecord[]> {
    const rows = this.db
      .prepare<[string | null, string | null], KeyRow>(
        `SELECT ${KEY_COLS} FROM api_keys WHERE (? IS NULL OR tenant = ?) ORDER BY created_at, id`,
      )
      .all(tenant ?? null, tenant ?? null);
    return Promise.resolve(rows.map(toKey));
  }

  revoke(id: string, at: string): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(at, id);
    return Promise.resolve(r.changes > 0);
  }
}

export class SqliteSettingsStore implements SettingsStore {
  constructor(private readonly db: Db) {}

  get(key: string): Promise<string | undefined> {
    const row = this.db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
      .get(key);
    return Promise.resolve(row?.value);
  }

  setIfAbsent(key: string, value: string): Promise<string> {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
      .run(key, value);
    return this.get(key).then((v) => v ?? value);
  }
}
