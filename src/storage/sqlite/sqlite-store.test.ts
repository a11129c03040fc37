import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../event-store.contract.js';
import { makeEvent, toAppend } from '../../app/test-support/events.js';
import { DB_FILE, openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'veritrail-sqlite-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runStoreContract('sqlite (writer in this thread)', () =>
  openSqliteStore({ dataDir: tempDir(), writerThread: false }),
);
runStoreContract('sqlite (writer thread)', () =>
  openSqliteStore({ dataDir: tempDir(), writerThread: true }),
);

describe('sqlite append-only guard rails', () => {
  it('refuses UPDATE and DELETE on events, tree hashes and checkpoints, but allows blanking a payload', async () => {
    const dir = tempDir();
    const store = openSqliteStore({ dataDir: dir, writerThread: false });
    await store.events.append([
      toAppend(makeEvent({ tenant: 'acme' })),
      toAppend(makeEvent({ tenant: 'acme' })),
    ]);
    await store.checkpoints.add({
      tenant: 'acme',
      size: 2,
      root: Buffer.alloc(32),
      note: 'n',
      createdAt: 'now',
    });
    await store.close();
    const db = new Database(join(dir, DB_FILE));
    const refused = [
      "UPDATE events SET action = 'user.logout' WHERE seq = 0",
      'UPDATE events SET seq = 5 WHERE seq = 0',
      'UPDATE events SET event = NULL WHERE seq = 0',
      'DELETE FROM events WHERE seq = 1',
      'UPDATE tree_hashes SET hash = zeroblob(32)',
      'DELETE FROM tree_hashes',
      "UPDATE checkpoints SET note = 'x'",
      'DELETE FROM checkpoints',
      'UPDATE tenants SET size = 0',
      'DELETE FROM tenants',
    ];
    for (const sql of refused) expect(() => db.prepare(sql).run(), sql).toThrow(/append-only/);
    // The retention path: payload and salt together, nothing else.
    expect(
      db.prepare('UPDATE events SET event = NULL, salt = NULL WHERE seq = 0').run().changes,
    ).toBe(1);
    db.close();
  });

  it('a second writer on the same file never forks a log (stale caches are reloaded)', async () => {
    const dir = tempDir();
    const a = openSqliteStore({ dataDir: dir, writerThread: false });
    const b = openSqliteStore({ dataDir: dir, writerThread: false });
    for (let i = 0; i < 5; i++) {
      await a.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
      await b.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
    }
    const rows = await a.events.range('acme', 0, 100);
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await a.events.head('acme')).root.equals((await b.events.head('acme')).root)).toBe(
      true,
    );
    await a.close();
    await b.close();
  });
});

describe('sqlite writer thread failure', () => {
  it('refuses appends (never acknowledges) and reports unhealthy once the writer thread is gone', async () => {
    const store = openSqliteStore({ dataDir: tempDir(), writerThread: true });
    await store.events.append([toAppend(makeEvent({ tenant: 'acme' }))]);
    expect(store.unhealthy()).toBeUndefined();
    // Reach the private worker to simulate a crash of the thread.
    const writer = (
      store.events as unknown as { writer: { worker: { terminate(): Promise<number> } } }
    ).writer;
    await writer.worker.terminate();
    await expect(
      store.events.append([toAppend(makeEvent({ tenant: 'acme' }))]),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(store.unhealthy()).toMatch(/writer thread/);
    expect((await store.events.head('acme')).size).toBe(1);
  });
});

describe('sqlite migration 3 (detection)', () => {
  it('starts the detection of logs that already exist at their end, new logs from the start', async () => {
    const { MIGRATIONS } = await import('./migrations.js');
    const { migrate } = await import('./open-database.js');
    const db = new Database(':memory:');
    for (const [v, sql] of MIGRATIONS.slice(0, 2).entries()) {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.prepare('INSERT INTO tenants (name, size) VALUES (?, ?)').run('acme', 5);
    db.prepare('INSERT INTO tenants (name, size) VALUES (?, ?)').run('empty', 0);
    migrate(db);
    expect(db.prepare('SELECT tenant, after_seq FROM detection_cursors').all()).toEqual([
      { tenant: 'acme', after_seq: 4 },
    ]);
    db.close();
  });
});
