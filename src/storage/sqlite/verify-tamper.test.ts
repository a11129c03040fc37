/**
 * `verify` detects any single edit, deletion, insertion or reorder of stored rows and names the
 * first bad seq (property test over random logs and random tampering, done with raw SQL after
 * dropping the guard triggers, as an attacker with file access would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../app/services.js';
import { loadOrCreateSigner } from '../signing-key-file.js';
import { makeEvent } from '../../app/test-support/events.js';
import { DB_FILE, openSqliteStore } from './sqlite-store.js';
import { storedHashIndex } from '../../core/merkle/index.js';

type Db = Database.Database;

const open = (dir: string) =>
  createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: loadOrCreateSigner(dir),
  });

async function buildLog(dir: string, n: number): Promise<void> {
  const s = open(dir);
  for (let i = 0; i < n; i += 7) {
    await s.ingest.append(
      Array.from({ length: Math.min(7, n - i) }, () =>
        makeEvent({ tenant: 'acme', actor: { id: `u${i}` } }),
      ),
    );
    await s.ledger.sign('acme');
  }
  await s.close();
}

function tamper(dir: string, fn: (db: Db) => void): void {
  const db = new Database(join(dir, DB_FILE));
  const triggers = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    .all();
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  fn(db);
  db.close();
}

async function verify(dir: string) {
  const s = open(dir);
  try {
    return (await s.verify(['acme']))[0]!;
  } finally {
    await s.close();
  }
}

type Mutation = (db: Db, k: number, n: number) => void;

const MUTATIONS: Record<string, { apply: Mutation; firstBad: (k: number, n: number) => number }> = {
  'edit event': {
    apply: (db, k) =>
      db
        .prepare(
          'UPDATE events SET event = replace(event, \'"user.login"\', \'"user.logout"\') WHERE seq = ?',
        )
        .run(k),
    firstBad: (k) => k,
  },
  'edit salt': {
    apply: (db, k) => db.prepare('UPDATE events SET salt = zeroblob(32) WHERE seq = ?').run(k),
    firstBad: (k) => k,
  },
  'edit leaf input': {
    apply: (db, k) =>
      db
        .prepare(
          'UPDATE events SET leaf_input = replace(leaf_input, \'"v":1\', \'"v":2\') WHERE seq = ?',
        )
        .run(k),
    firstBad: (k) => k,
  },
  'delete row': {
    apply: (db, k) => db.prepare('DELETE FROM events WHERE seq = ?').run(k),
    firstBad: (k) => k,
  },
  'insert copy': {
    apply: (db, k) => {
      // Make room at k (as an attacker would), then insert a forged entry there.
      db.prepare('UPDATE events SET seq = -(seq + 1) WHERE seq >= ?').run(k);
      db.prepare('UPDATE events SET seq = -seq WHERE seq < 0').run();
      db.prepare(
        `INSERT INTO events (tenant_id, seq, id, occurred_ms, received_ms, action, actor_id, outcome, category, severity, source_ip, event, salt, leaf_input)
           SELECT tenant_id, ?, id || 'x', occurred_ms, received_ms, action, actor_id, outcome, category, severity, source_ip, event, salt, leaf_input FROM events WHERE seq = ?`,
      ).run(k, k + 1);
    },
    firstBad: (k) => k,
  },
  'swap seqs': {
    apply: (db, k, n) => {
      const j = (k + 1 + Math.floor(n / 2)) % n;
      if (j === k) return;
      db.prepare('UPDATE events SET seq = -1 WHERE seq = ?').run(k);
      db.prepare('UPDATE events SET seq = ? WHERE seq = ?').run(k, j);
      db.prepare('UPDATE events SET seq = ? WHERE seq = -1').run(j);
    },
    firstBad: (k, n) => Math.min(k, (k + 1 + Math.floor(n / 2)) % n),
  },
  'swap contents': {
    apply: (db, k, n) => {
      const j = (k + 1 + Math.floor(n / 2)) % n;
      const cols = 'id, event, salt, leaf_input';
      const a = db.prepare(`SELECT ${cols} FROM events WHERE seq = ?`).get(k) as Record<
        string,
        unknown
      >;
      const b = db.prepare(`SELECT ${cols} FROM events WHERE seq = ?`).get(j) as Record<
        string,
        unknown
      >;
      db.prepare("UPDATE events SET id = 'tmp' WHERE seq = ?").run(k);
      db.prepare('UPDATE events SET id = ?, event = ?, salt = ?, leaf_input = ? WHERE seq = ?').run(
        a.id,
        a.event,
        a.salt,
        a.leaf_input,
        j,
      );
      db.prepare('UPDATE events SET id = ?, event = ?, salt = ?, leaf_input = ? WHERE seq = ?').run(
        b.id,
        b.event,
        b.salt,
        b.leaf_input,
        k,
      );
    },
    firstBad: (k, n) => Math.min(k, (k + 1 + Math.floor(n / 2)) % n),
  },
  'edit stored leaf hash': {
    apply: (db, k) =>
      db
        .prepare('UPDATE tree_hashes SET hash = zeroblob(32) WHERE sidx = ?')
        .run(storedHashIndex(0, k)),
    firstBad: (k) => k,
  },
  'edit stored interior hash': {
    // Node (1, k/2) completes when its right leaf is appended.
    apply: (db, k, n) => {
      const i = Math.min(Math.floor(k / 2), Math.floor(n / 2) - 1);
      db.prepare('UPDATE tree_hashes SET hash = zeroblob(32) WHERE sidx = ?').run(
        storedHashIndex(1, i),
      );
    },
    firstBad: (k, n) => 2 * Math.min(Math.floor(k / 2), Math.floor(n / 2) - 1) + 1,
  },
  'truncate tail': {
    apply: (db, k) => db.prepare('DELETE FROM events WHERE seq >= ?').run(k),
    firstBad: (k) => k,
  },
};

describe('verify detects tampering', () => {
  it('an untouched log verifies, with every checkpoint checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-verify-'));
    await buildLog(dir, 20);
    const r = await verify(dir);
    expect(r).toMatchObject({ ok: true, size: 20, checkpoints: 3 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the first bad seq for any single mutation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 24 }),
        fc.nat(),
        fc.constantFrom(...Object.keys(MUTATIONS)),
        async (n, kr, name) => {
          const k = kr % n;
          const m = MUTATIONS[name]!;
          if (name.startsWith('swap') && (k + 1 + Math.floor(n / 2)) % n === k) return;
          const dir = mkdtempSync(join(tmpdir(), 'veritrail-verify-'));
          try {
            await buildLog(dir, n);
            tamper(dir, (db) => m.apply(db, k, n));
            const r = await verify(dir);
            expect(r.ok, `${name} at ${k} of ${n}`).toBe(false);
            expect(r.failure?.seq, `${name} at ${k} of ${n}: ${r.failure?.message}`).toBe(
              m.firstBad(k, n),
            );
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a forged checkpoint or a rewritten history is caught by the signatures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-verify-'));
    await buildLog(dir, 10);
    tamper(dir, (db) =>
      db
        .prepare(
          "UPDATE checkpoints SET note = replace(note, char(10) || '10' || char(10), char(10) || '11' || char(10))",
        )
        .run(),
    );
    expect((await verify(dir)).failure?.problem).toBe('checkpoint_signature');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports purged entries as purged, not tampered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-verify-'));
    await buildLog(dir, 8);
    const db = new Database(join(dir, DB_FILE));
    db.prepare('UPDATE events SET event = NULL, salt = NULL WHERE seq IN (2, 3)').run();
    db.close();
    expect(await verify(dir)).toMatchObject({ ok: true, purged: 2, size: 8 });
    rmSync(dir, { recursive: true, force: true });
  });
});
