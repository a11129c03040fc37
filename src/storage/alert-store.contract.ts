/**
 * The AlertStore contract: every storage adapter runs this suite unchanged, e.g.
 * `runAlertStoreContract('sqlite', () => openSqliteStore(...))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRecord, Store } from '../app/ports.js';

let n = 0;
/** Ids that sort by creation, like the real ones (`al_` + UUIDv7 hex). */
const nextId = () =>
  `al_${Date.now().toString(16).padStart(12, '0')}${String(n++).padStart(8, '0')}`;

export function alert(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id: nextId(),
    tenant: 'acme',
    ruleId: 'r1',
    ruleTitle: 'Rule one',
    severity: 'high',
    groupKey: 'actor.id=alice',
    status: 'open',
    firstSeenMs: 1_700_000_000_000,
    lastSeenMs: 1_700_000_060_000,
    count: 3,
    eventIds: ['e1', 'e2', 'e3'],
    summary: '3 failed logins for alice',
    context: { actor: 'alice', nested: { n: 1, list: [1, 'two', null] } },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    history: [{ status: 'open', by: 'rule:r1', at: '2026-01-01T00:00:00.000Z', note: null }],
    revision: 1,
    ...over,
  };
}

export function runAlertStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`AlertStore contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('stores an alert exactly and reads it back by id', async () => {
      const s = await fresh();
      const a = alert({ ruleTitle: 'Räksmörgås ✓', groupKey: '' });
      await s.alerts.create(a);
      expect(await s.alerts.get(a.id)).toEqual(a);
      expect(await s.alerts.get('al_missing')).toBeUndefined();
    });

    it('lists one tenant newest first, with filters and keyset pagination', async () => {
      const s = await fresh();
      const made: AlertRecord[] = [];
      for (let i = 0; i < 7; i++) {
        const a = alert({
          status: i % 3 === 0 ? 'open' : i % 3 === 1 ? 'acknowledged' : 'resolved',
          severity: i % 2 === 0 ? 'high' : 'low',
          ruleId: i < 4 ? 'r1' : 'r2',
          lastSeenMs: 1000 * i,
        });
        made.push(a);
        await s.alerts.create(a);
      }
      await s.alerts.create(alert({ tenant: 'globex' }));
      const ids = (list: AlertRecord[]) => list.map((a) => a.id);
      const newest = [...made].reverse();
      expect(ids(await s.alerts.list({ tenant: 'acme', limit: 100 }))).toEqual(ids(newest));
      const first = await s.alerts.list({ tenant: 'acme', limit: 3 });
      expect(ids(first)).toEqual(ids(newest.slice(0, 3)));
      const second = await s.alerts.list({ tenant: 'acme', limit: 3, beforeId: first[2]!.id });
      expect(ids(second)).toEqual(ids(newest.slice(3, 6)));
      const check = async (f: (a: AlertRecord) => boolean, extra: object) =>
        expect(ids(await s.alerts.list({ tenant: 'acme', limit: 100, ...extra }))).toEqual(
          ids(newest.filter(f)),
        );
      await check((a) => a.status === 'acknowledged', { status: 'acknowledged' });
      await check((a) => a.severity === 'low', { severity: 'low' });
      await check((a) => a.ruleId === 'r2', { ruleId: 'r2' });
      await check((a) => a.lastSeenMs >= 3000, { sinceMs: 3000 });
      await check((a) => a.ruleId === 'r1' && a.status === 'open' && a.severity === 'high', {
        ruleId: 'r1',
        status: 'open',
        severity: 'high',
      });
      expect(await s.alerts.list({ tenant: 'nobody', limit: 10 })).toEqual([]);
    });

    it('finds the newest open or acknowledged alert of a rule and group key', async () => {
      const s = await fresh();
      const old = alert({ status: 'resolved' });
      await s.alerts.create(old);
      expect(await s.alerts.findActive('acme', 'r1', old.groupKey)).toBeUndefined();
      const ack = alert({ status: 'acknowledged' });
      await s.alerts.create(ack);
      await s.alerts.create(alert({ groupKey: 'actor.id=bob' }));
      await s.alerts.create(alert({ ruleId: 'r2' }));
      await s.alerts.create(alert({ tenant: 'globex' }));
      expect((await s.alerts.findActive('acme', 'r1', old.groupKey))?.id).toBe(ack.id);
      const open = alert();
      await s.alerts.create(open);
      expect((await s.alerts.findActive('acme', 'r1', old.groupKey))?.id).toBe(open.id);
      expect(await s.alerts.findActive('acme', 'r3', old.groupKey)).toBeUndefined();
    });

    it('updates only on the revision it was read at (optimistic locking)', async () => {
      const s = await fresh();
      const a = alert();
      await s.alerts.create(a);
      const next: AlertRecord = {
        ...a,
        status: 'acknowledged',
        count: 9,
        lastSeenMs: a.lastSeenMs + 5,
        eventIds: [...a.eventIds, 'e9'],
        summary: 'more',
        context: { more: true },
        history: [
          ...a.history,
          { status: 'acknowledged', by: 'key:k1', at: 'later', note: 'mine' },
        ],
        updatedAt: 'later',
        revision: 2,
      };
      expect(await s.alerts.update(next)).toBe(true);
      expect(await s.alerts.get(a.id)).toEqual(next);
      // A second writer that read revision 1 too is refused; nothing changes.
      expect(await s.alerts.update({ ...a, status: 'resolved', revision: 2 })).toBe(false);
      expect(await s.alerts.get(a.id)).toEqual(next);
      expect(await s.alerts.update({ ...a, id: 'al_missing', revision: 2 })).toBe(false);
      // The tenant of an alert never changes.
      expect(await s.alerts.update({ ...next, tenant: 'globex', revision: 3 })).toBe(false);
    });

    it('keeps a detection cursor per tenant, which never moves back', async () => {
      const s = await fresh();
      expect(await s.alerts.cursor('acme')).toBe(-1);
      await s.alerts.saveCursor('acme', 41);
      await s.alerts.saveCursor('globex', 2 ** 40);
      expect(await s.alerts.cursor('acme')).toBe(41);
      expect(await s.alerts.cursor('globex')).toBe(2 ** 40);
      await s.alerts.saveCursor('acme', 7);
      expect(await s.alerts.cursor('acme')).toBe(41);
      await s.alerts.saveCursor('acme', 42);
      expect(await s.alerts.cursor('acme')).toBe(42);
    });
  });
}
