/**
 * Several server processes on one PostgreSQL database (docs/postgres.md): real processes, real
 * HTTP, concurrent producers for the same logs on both. Afterwards every acknowledged event is
 * stored exactly once at its acknowledged seq, `veritrail verify --db` passes, and every
 * checkpoint either process signed is consistent with the final tree. Killing one process
 * (SIGKILL) loses nothing it acknowledged, and the other takes over the background jobs.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  createTestSchema,
  pgAvailability,
  pgSuiteName,
  type TestSchema,
} from '../../src/storage/postgres/test-support/pg-test.js';
import { MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { loadOrCreateSigner } from '../../src/storage/signing-key-file.js';
import { run, serve, type Server } from './helpers.js';

const ADMIN = 'cluster-admin-token-0123456789abcdef';
const pgUp = await pgAvailability();
const dir = mkdtempSync(join(tmpdir(), 'veritrail-cluster-'));
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
  rmSync(dir, { recursive: true, force: true });
});

const TENANTS = ['shop', 'bank'];

/** A producer: batches of 100 for alternating tenants until told to stop or the server goes. */
function producer(server: Server, name: string, acked: Map<string, [string, number]>) {
  let stop = false;
  let sent = 0;
  const done = (async () => {
    for (let b = 0; !stop; b++) {
      const tenant = TENANTS[b % 2]!;
      const events = Array.from({ length: 100 }, (_, i) => ({
        id: `${name}-b${b}-e${i}`,
        tenant,
        action: 'order.create',
        actor: { id: name },
      }));
      let res: Response;
      try {
        res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
      } catch {
        return; // the process is gone (killed): what it did not acknowledge may or may not be stored
      }
      if (res.status !== 201) throw new Error(`${res.status}: ${await res.text()}`);
      for (const e of ((await res.json()) as { events: { id: string; seq: number }[] }).events)
        acked.set(e.id, [tenant, e.seq]);
      sent += events.length;
    }
  })();
  return { stop: () => (stop = true), done, sent: () => sent };
}

async function stored(schema: string): Promise<Map<string, [string, number]>> {
  const r = await adminQuery(
    `SELECT t.name, e.id, e.seq FROM ${schema}.events e JOIN ${schema}.tenants t USING (tenant_id)`,
  );
  const out = new Map<string, [string, number]>();
  for (const row of r.rows as { name: string; id: string; seq: number }[]) {
    expect(out.has(row.id), `stored twice: ${row.id}`).toBe(false);
    out.set(row.id, [row.name, Number(row.seq)]);
  }
  return out;
}

const health = async (s: Server) =>
  ((await (await fetch(`${s.url}/healthz`)).json()) as { jobs: string }).jobs;

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!pgUp.ok)(
  pgSuiteName('two server processes on one PostgreSQL database', pgUp),
  () => {
    it('tens of thousands of events through both: each stored once, verify passes, checkpoints agree', async () => {
      const db = await createTestSchema('vt_cluster');
      schemas.push(db);
      const data = join(dir, 'a');
      const env = {
        VERITRAIL_ADMIN_TOKEN: ADMIN,
        VERITRAIL_DATABASE_URL: db.url,
        VERITRAIL_CHECKPOINT_INTERVAL_MS: '200',
      };
      const [a, b] = await Promise.all([
        serve(['--data', data], env),
        serve(['--data', data], env),
      ]);
      const acked = new Map<string, [string, number]>();
      try {
        const ps = [a, a, a, b, b, b].map((s, i) => producer(s, `p${i}`, acked));
        await until(() => acked.size >= 30_000, 120_000);
        ps.forEach((p) => p.stop());
        await Promise.all(ps.map((p) => p.done));
        expect(ps.every((p) => p.sent() > 0)).toBe(true);
        // Both processes' jobs: exactly one leads.
        expect([await health(a), await health(b)].sort()).toEqual(['leader', 'standby']);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      const rows = await stored(db.schema);
      expect(rows.size).toBe(acked.size);
      for (const [id, at] of acked) expect(rows.get(id), id).toEqual(at);

      const verify = await run(['verify', '--json', '--data', data, '--db', db.url]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      const report = JSON.parse(verify.stdout) as {
        ok: boolean;
        events: number;
        tenants: { checkpoints: number }[];
      };
      expect(report.ok).toBe(true);
      expect(report.events).toBe(acked.size);
      // verify checks each stored checkpoint's root against the tree rebuilt at its size: all of
      // them, from both processes, are prefixes of the final tree (consistent with it).
      expect(report.tenants.every((t) => t.checkpoints > 1)).toBe(true);
      const final = await adminQuery(
        `SELECT t.name, t.size, max(c.size) AS signed FROM ${db.schema}.tenants t JOIN ${db.schema}.checkpoints c USING (tenant_id) GROUP BY 1, 2`,
      );
      for (const r of final.rows as { size: string; signed: string }[])
        expect(Number(r.signed)).toBe(Number(r.size));
    });

    it('SIGKILL of the leading process: nothing it acknowledged is lost and the other takes over the jobs', async () => {
      const db = await createTestSchema('vt_cluster');
      schemas.push(db);
      const data = join(dir, 'b');
      const env = {
        VERITRAIL_ADMIN_TOKEN: ADMIN,
        VERITRAIL_DATABASE_URL: db.url,
        VERITRAIL_CHECKPOINT_INTERVAL_MS: '200',
      };
      const a = await serve(['--data', data], env);
      await until(async () => (await health(a)) === 'leader');
      const b = await serve(['--data', data], env);
      expect(await health(b)).toBe('standby');
      const acked = new Map<string, [string, number]>();
      try {
        const pa = [0, 1, 2].map((i) => producer(a, `a${i}`, acked));
        const pb = [0, 1, 2].map((i) => producer(b, `b${i}`, acked));
        await until(() => acked.size >= 5_000, 60_000);
        a.child.kill('SIGKILL');
        await Promise.all(pa.map((p) => p.done));
        const before = acked.size;
        await until(() => acked.size >= before + 3_000, 60_000);
        pb.forEach((p) => p.stop());
        await Promise.all(pb.map((p) => p.done));
        await until(async () => (await health(b)) === 'leader');
        // The new leader signs what grew after the kill, up to each log's full size.
        await until(async () => {
          const r = await adminQuery(
            `SELECT bool_and(t.size = (SELECT max(size) FROM ${db.schema}.checkpoints c WHERE c.tenant_id = t.tenant_id)) AS ok FROM ${db.schema}.tenants t`,
          );
          return (r.rows[0] as { ok: boolean }).ok === true;
        });
      } finally {
        await b.stop();
      }
      const rows = await stored(db.schema);
      for (const [id, at] of acked) expect(rows.get(id), id).toEqual(at);
      const verify = await run(['verify', '--data', data, '--db', db.url]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    });
  },
);

describe.skipIf(!pgUp.ok)(pgSuiteName('veritrail migrate and --db', pgUp), () => {
  it('migrate creates the schema once, grants a server role, and a read-only role can verify', async () => {
    const db = await createTestSchema('vt_migrate');
    schemas.push(db);
    const role = `${db.schema}_app`;
    const auditor = `${db.schema}_ro`;
    await adminQuery(`CREATE ROLE ${role} LOGIN; CREATE ROLE ${auditor} LOGIN`);
    try {
      const first = await run(['migrate', '--json', '--db', db.url, '--grant', role]);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({
        schema: db.schema,
        from: 0,
        to: MIGRATIONS.length,
        granted: role,
      });
      const again = await run(['migrate', '--db', db.url]);
      expect(again.stdout).toMatch(`up to date (version ${MIGRATIONS.length})`);

      // The server runs as the granted role (no DDL rights): it starts on the migrated schema.
      const asRole = (name: string) => {
        const u = new URL(db.url);
        u.username = name;
        return u.toString();
      };
      const data = join(dir, 'm');
      const server = await serve(['--data', data, '--db', asRole(role)], {
        VERITRAIL_ADMIN_TOKEN: ADMIN,
      });
      try {
        expect(server.stderr()).not.toMatch(/password/);
        const res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ tenant: 'acme', action: 'user.login', actor: { id: 'a' } }),
        });
        expect(res.status).toBe(201);
      } finally {
        await server.stop();
      }
      await adminQuery(
        `GRANT USAGE ON SCHEMA ${db.schema} TO ${auditor}; GRANT SELECT ON ALL TABLES IN SCHEMA ${db.schema} TO ${auditor}`,
      );
      const verify = await run(['verify', '--data', data, '--db', asRole(auditor)]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/intact/);
    } finally {
      await adminQuery(
        `DROP OWNED BY ${role}, ${auditor}; DROP ROLE ${role}; DROP ROLE ${auditor}`,
      );
    }
  });

  it('bad database settings fail clearly, without printing the password', async () => {
    const keyDir = join(dir, 'k');
    mkdirSync(keyDir, { recursive: true });
    loadOrCreateSigner(keyDir);
    const noDb = await run(['migrate']);
    expect(noDb.code).not.toBe(0);
    expect(noDb.stderr).toMatch(/needs a PostgreSQL database/);
    const wrong = await run(['serve', '--port', '0', '--db', 'mysql://x@127.0.0.1/db']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/must start with postgres:\/\//);
    const badSchema = await run(['migrate', '--db', 'postgres://127.0.0.1/db?schema=Bad-Name']);
    expect(badSchema.stderr).toMatch(/invalid schema name/);
    const down = await run([
      'verify',
      '--data',
      keyDir,
      '--db',
      'postgres://u:s3cret@127.0.0.1:1/db',
    ]);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toMatch(/PostgreSQL: connecting/);
    expect(down.stderr).not.toContain('s3cret');
    const missing = await run([
      'verify',
      '--data',
      keyDir,
      '--db',
      `${PG_URL_WITH_SCHEMA('vt_absent_schema')}`,
    ]);
    expect(missing.stderr).toMatch(/no Veritrail schema/);
  });
});

function PG_URL_WITH_SCHEMA(schema: string): string {
  const u = new URL(
    process.env.VERITRAIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  u.searchParams.set('schema', schema);
  return u.toString();
}

describe.skipIf(!pgUp.ok)(pgSuiteName('live stream across processes', pgUp), () => {
  it('a client connected to process A receives, in order, the events appended through B', async () => {
    const db = await createTestSchema('vt_stream');
    schemas.push(db);
    const data = join(dir, 's');
    const env = { VERITRAIL_ADMIN_TOKEN: ADMIN, VERITRAIL_DATABASE_URL: db.url };
    const [a, b] = await Promise.all([serve(['--data', data], env), serve(['--data', data], env)]);
    const got: number[] = [];
    const es = new EventSource(`${a.url}/v1/stream?tenant=shop&after=-1`, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${ADMIN}` } }),
    });
    es.addEventListener('message', (m) =>
      got.push((JSON.parse(m.data as string) as { seq: number }).seq),
    );
    try {
      const acked = new Map<string, [string, number]>();
      const p = producer(b, 'remote', acked);
      await until(() => acked.size >= 2000, 60_000);
      p.stop();
      await p.done;
      const shop = [...acked.values()].filter(([t]) => t === 'shop').length;
      await until(() => got.length >= shop, 30_000);
      expect(got).toEqual(Array.from({ length: shop }, (_, i) => i));
    } finally {
      es.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
