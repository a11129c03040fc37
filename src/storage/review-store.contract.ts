/**
 * The ReviewStore contract: every storage adapter runs this suite unchanged, e.g.
 * `runReviewStoreContract('sqlite', () => openSqliteStore(...))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReviewRecord, ReviewTaskRecord, Store } from '../app/ports.js';

const task = (over: Partial<ReviewTaskRecord> = {}): ReviewTaskRecord => ({
  id: 'rt_0001',
  tenant: 'acme',
  name: 'weekly',
  scope: 'actor.privileged:true',
  periodMs: 7 * 86_400_000,
  everyMs: 7 * 86_400_000,
  assignee: 'admin',
  startsMs: 1_700_000_000_000,
  opened: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin-token',
  ...over,
});

const review = (n: number, over: Partial<ReviewRecord> = {}): ReviewRecord => ({
  id: `rv_${String(n).padStart(4, '0')}`,
  taskId: 'rt_0001',
  tenant: 'acme',
  name: 'weekly',
  fromMs: 1_700_000_000_000 + n * 1000,
  toMs: 1_700_000_000_000 + (n + 1) * 1000,
  packet: { events: n, event_ids: ['a', 'b'], nested: { ok: true } },
  createdAt: '2026-01-08T00:00:00.000Z',
  signOff: null,
  ...over,
});

export function runReviewStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`ReviewStore contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s.reviews;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('stores tasks and lists them per tenant or all', async () => {
      const st = await fresh();
      await st.createTask(task());
      await st.createTask(task({ id: 'rt_0002', tenant: 'globex' }));
      expect(await st.tasks('acme')).toEqual([task()]);
      expect((await st.tasks(undefined)).map((t) => t.id)).toEqual(['rt_0001', 'rt_0002']);
      await expect(st.createTask(task({ id: 'rt_0003' }))).rejects.toThrow(
        /weekly|exists|unique|duplicate/i,
      ); // same name
    });

    it('opens a review only when the task count is the expected one', async () => {
      const st = await fresh();
      await st.createTask(task());
      expect(await st.open(review(1), 1)).toBe(true);
      expect(await st.open(review(2), 1)).toBe(false); // another process opened #1 meanwhile
      expect(await st.get('rv_0002')).toBeUndefined();
      expect(await st.open(review(2), 2)).toBe(true);
      expect((await st.tasks('acme'))[0]!.opened).toBe(2);
      expect(await st.get('rv_0001')).toEqual(review(1));
    });

    it('signs off once and filters by status, newest first', async () => {
      const st = await fresh();
      await st.createTask(task());
      await st.open(review(1), 1);
      await st.open(review(2), 2);
      const s = {
        decision: 'approved',
        note: 'ok',
        by: 'key:k1',
        at: '2026-01-09T00:00:00.000Z',
      } as const;
      expect(await st.signOff('rv_0001', s)).toBe(true);
      expect(await st.signOff('rv_0001', { ...s, decision: 'rejected' })).toBe(false);
      expect((await st.get('rv_0001'))?.signOff).toEqual(s);
      expect((await st.list('acme', undefined, 10)).map((r) => r.id)).toEqual([
        'rv_0002',
        'rv_0001',
      ]);
      expect((await st.list('acme', 'open', 10)).map((r) => r.id)).toEqual(['rv_0002']);
      expect((await st.list('acme', 'signed_off', 10)).map((r) => r.id)).toEqual(['rv_0001']);
      expect(await st.list('acme', undefined, 1)).toHaveLength(1);
      expect(await st.list('globex', undefined, 10)).toEqual([]);
    });
  });
}
