/**
 * The SourceHealthStore contract: every storage adapter runs this suite unchanged, e.g.
 * `runSourceStoreContract('sqlite', () => openSqliteStore(...))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord, Store } from '../app/ports.js';

const T = 1_700_000_000_000;

const observed = (over: Partial<SourceRecord> = {}): SourceRecord => ({
  tenant: 'acme',
  service: 'billing',
  firstEventMs: T,
  lastEventMs: T + 1000,
  firstReceivedMs: T + 5,
  lastReceivedMs: T + 1005,
  count: 2,
  lastObserverSeq: 41,
  expectedEveryMs: null,
  ...over,
});

export function runSourceStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`SourceHealthStore contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s.sources;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('stores observed state and keeps the cadence apart from it', async () => {
      const st = await fresh();
      expect(await st.get('acme', 'billing')).toBeUndefined();
      await st.saveObserved(observed());
      expect(await st.get('acme', 'billing')).toEqual(observed());
      await st.setExpected('acme', 'billing', 900_000);
      // The job's next save carries a stale expectedEveryMs: the configured one stays.
      await st.saveObserved(observed({ count: 3, lastObserverSeq: 42, expectedEveryMs: null }));
      expect(await st.get('acme', 'billing')).toEqual(
        observed({ count: 3, lastObserverSeq: 42, expectedEveryMs: 900_000 }),
      );
      expect((await st.withCadence()).map((s) => s.service)).toEqual(['billing']);
      await st.setExpected('acme', 'billing', null);
      expect(await st.withCadence()).toEqual([]);
    });

    it('creates an unseen source when its cadence is set, and lists per tenant', async () => {
      const st = await fresh();
      await st.setExpected('acme', 'ledger', 3_600_000);
      await st.saveObserved(observed({ service: 'auth', lastObserverSeq: null }));
      await st.saveObserved(observed({ tenant: 'other', service: 'auth' }));
      const list = await st.list('acme');
      expect(list.map((s) => s.service)).toEqual(['auth', 'ledger']);
      expect(list[1]).toEqual({
        tenant: 'acme',
        service: 'ledger',
        firstEventMs: null,
        lastEventMs: null,
        firstReceivedMs: null,
        lastReceivedMs: null,
        count: 0,
        lastObserverSeq: null,
        expectedEveryMs: 3_600_000,
      });
    });

    it('stores gaps once and lists them by detection time', async () => {
      const st = await fresh();
      const gap = {
        tenant: 'acme',
        service: 'billing',
        fromSeq: 5,
        toSeq: 9,
        detectedMs: T + 2000,
        eventId: 'e-10',
      };
      await st.addGap(gap);
      await st.addGap(gap); // replayed after a crash: stored once
      await st.addGap({ ...gap, fromSeq: 20, toSeq: 20, detectedMs: T + 1000 });
      await st.addGap({ ...gap, tenant: 'other' });
      expect((await st.gaps('acme', T, T + 10_000, 10)).map((g) => g.fromSeq)).toEqual([20, 5]);
      expect(await st.gaps('acme', T + 1500, T + 10_000, 10)).toEqual([gap]);
      expect(await st.gaps('acme', T, T + 10_000, 1)).toHaveLength(1);
    });

    it('keeps a cursor per log', async () => {
      const st = await fresh();
      expect(await st.cursor('acme')).toBe(-1);
      await st.saveCursor('acme', 9);
      await st.saveCursor('acme', 12);
      expect(await st.cursor('acme')).toBe(12);
      expect(await st.cursor('other')).toBe(-1);
    });
  });
}
