import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hold, runRetentionStoreContract } from '../retention-store.contract.js';
import { openDatabase } from './open-database.js';
import { DB_FILE, openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'veritrail-retention-'));
  dirs.push(d);
  return d;
};

runRetentionStoreContract('sqlite', () =>
  openSqliteStore({ dataDir: freshDir(), writerThread: false }),
);

describe('legal holds on SQLite', () => {
  it('refuses deleting a hold or changing it other than by one release', async () => {
    const dir = freshDir();
    const s = openSqliteStore({ dataDir: dir, writerThread: false });
    await s.retention.addHold(hold({ id: 'lh_1' }));
    await s.close();
    const db = openDatabase(join(dir, DB_FILE));
    try {
      expect(() => db.prepare("DELETE FROM legal_holds WHERE id = 'lh_1'").run()).toThrow(
        /cannot be deleted/,
      );
      expect(() => db.prepare("UPDATE legal_holds SET scope = '' WHERE id = 'lh_1'").run()).toThrow(
        /released, once/,
      );
      db.prepare(
        "UPDATE legal_holds SET released_at = 'now', released_by = 'x', release_reason = 'y' WHERE id = 'lh_1'",
      ).run();
      expect(() =>
        db.prepare("UPDATE legal_holds SET released_at = 'later' WHERE id = 'lh_1'").run(),
      ).toThrow(/released, once/);
    } finally {
      db.close();
    }
  });
});
