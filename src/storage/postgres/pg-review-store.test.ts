import { describe, expect, it } from 'vitest';
import { runReviewStoreContract } from '../review-store.contract.js';
import { openPostgresStore } from './pg-store.js';
import {
  adminQuery,
  createTestSchema,
  freshSchemas,
  pgAvailability,
  pgSuiteName,
} from './test-support/pg-test.js';

const pgUp = await pgAvailability();
const freshSchema = freshSchemas();

if (pgUp.ok) {
  runReviewStoreContract('postgres', async () => {
    const s = await freshSchema();
    return openPostgresStore({ url: s.url, leaderPollMs: 100 });
  });

  describe('source health and reviews through the server role', () => {
    it('a role with the documented grants keeps sources and reviews, and cannot delete a review', async () => {
      const schema = await createTestSchema();
      const owner = await openPostgresStore({ url: schema.url, coordinate: false });
      const role = `vt_rev_${schema.schema.slice(-8)}`;
      try {
        await adminQuery(`DROP ROLE IF EXISTS ${role}`);
        await adminQuery(`CREATE ROLE ${role} LOGIN`);
        await owner.grant(role);
        const u = new URL(schema.url);
        u.username = role;
        const server = await openPostgresStore({ url: u.toString(), coordinate: false });
        try {
          await server.sources.setExpected('acme', 'web', 60_000);
          await server.sources.saveObserved({
            tenant: 'acme',
            service: 'web',
            firstEventMs: 1,
            lastEventMs: 2,
            firstReceivedMs: 1,
            lastReceivedMs: 2,
            count: 2,
            lastObserverSeq: 7,
            expectedEveryMs: null,
          });
          await server.sources.addGap({
            tenant: 'acme',
            service: 'web',
            fromSeq: 3,
            toSeq: 5,
            detectedMs: 2,
            eventId: 'e',
          });
          await server.sources.saveCursor('acme', 1);
          await server.sources.saveCursor('acme', 2);
          expect((await server.sources.get('acme', 'web'))?.expectedEveryMs).toBe(60_000);
          await server.reviews.createTask({
            id: 'rt_1',
            tenant: 'acme',
            name: 'w',
            scope: '',
            periodMs: 1000,
            everyMs: 1000,
            assignee: 'read',
            startsMs: 0,
            opened: 0,
            createdAt: 'x',
            createdBy: 'admin-token',
          });
          const review = {
            id: 'rv_1',
            taskId: 'rt_1',
            tenant: 'acme',
            name: 'w',
            fromMs: 0,
            toMs: 1000,
            packet: { events: 0 },
            createdAt: 'x',
            signOff: null,
          };
          expect(await server.reviews.open(review, 1)).toBe(true);
          const s = { decision: 'approved', note: 'ok', by: 'key:k', at: 'y' } as const;
          expect(await server.reviews.signOff('rv_1', s)).toBe(true);
        } finally {
          await server.close();
        }
        const c = `SET search_path = ${schema.schema}; SET ROLE ${role};`;
        await expect(adminQuery(`${c} DELETE FROM reviews`)).rejects.toThrow();
        await expect(adminQuery(`${c} UPDATE reviews SET note = 'changed'`)).rejects.toThrow(
          /signed off, once/,
        );
      } finally {
        await owner.close();
        await adminQuery(`DROP OWNED BY ${role}`).catch(() => {});
        await schema.drop();
        await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      }
    });
  });
} else {
  describe.skip(pgSuiteName('ReviewStore contract: postgres', pgUp), () => {
    it('runs the ReviewStore contract and the server-role test', () => {});
  });
}
