/**
 * The floor: the same rows plainly inserted into the same SQLite schema with the same pragmas,
 * in transactions of 5,000, with no validation, hashing, tree or signing. Row preparation is
 * outside the timed section, so the floor is the store's raw insert speed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { commit, normaliseEvent, type EventInput } from '../src/core/event/index.js';
import { randomBytes } from '../src/core/crypto.js';
import { openDatabase } from '../src/storage/sqlite/open-database.js';
import { decodeBatch, encodeBatch } from '../src/storage/sqlite/row-codec.js';

export async function floorInsert(
  dir: string,
  n: number,
  make: (i: number) => EventInput,
): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(join(dir, 'floor.db'));
  db.prepare("INSERT INTO tenants (name) VALUES ('bench')").run();
  const insert = db.prepare(
    `INSERT INTO events (tenant_id, seq, id, occurred_ms, received_ms, action, actor_id, outcome, category, severity, source_ip, event, salt, leaf_input)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const CHUNK = Number(process.env.CHUNK ?? 5000);
  let timed = 0;
  for (let from = 0; from < n; from += CHUNK) {
    const receivedAt = new Date().toISOString();
    const chunk = Array.from({ length: Math.min(CHUNK, n - from) }, (_, k) => {
      const r = normaliseEvent(make(from + k), {
        defaultTenant: 'bench',
        receivedAt,
        newId: uuidv7,
      });
      if (!r.ok) throw new Error('bad bench event');
      return decodeBatch(
        encodeBatch([{ event: r.value, commitment: commit(r.value, randomBytes(32)) }]),
      )[0]!;
    });
    const t = performance.now();
    db.transaction(() => {
      chunk.forEach((r, k) =>
        insert.run(
          from + k,
          r.id,
          r.occurredMs,
          r.receivedMs,
          r.action,
          r.actorId,
          r.outcome,
          r.category,
          r.severity,
          r.sourceIp,
          r.canonical,
          r.salt,
          r.leafInput,
        ),
      );
    }).immediate();
    timed += performance.now() - t;
    await new Promise((r) => setImmediate(r));
  }
  db.close();
  return n / (timed / 1000);
}
