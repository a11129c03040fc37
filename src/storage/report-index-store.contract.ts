/**
 * The ReportIndexStore contract: every storage adapter runs this suite unchanged, e.g.
 * `runReportIndexStoreContract('sqlite', () => openSqliteStore(...))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../app/ports.js';
import type { DayMeasure } from '../core/report/day-index.js';

const measure = (over: Partial<DayMeasure> = {}): DayMeasure => ({
  day: 20_000,
  service: 'billing',
  events: 3,
  present: [1, 2, 3],
  future: 1,
  lateOverHour: 0,
  maxSeq: 7,
  skew: {
    buckets: [
      [-5, 1],
      [10, 2],
    ],
    min: -5,
    max: 10,
  },
  ...over,
});

export function runReportIndexStoreContract(
  name: string,
  open: () => Promise<Store> | Store,
): void {
  describe(`ReportIndexStore contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s.reportIndex;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('starts a log at -1 on reset and moves only from where the caller read it', async () => {
      const st = await fresh();
      expect(await st.state('acme')).toBeUndefined();
      // Nothing to move before a reset.
      expect(
        await st.apply('acme', {
          expectAfter: -1,
          afterSeq: 4,
          version: 'v1',
          days: [],
          marks: [],
        }),
      ).toBe(false);
      await st.reset('acme', 'v1');
      expect(await st.state('acme')).toEqual({ afterSeq: -1, version: 'v1' });
      const u = { expectAfter: -1, afterSeq: 4, version: 'v1', days: [measure()], marks: [] };
      expect(await st.apply('acme', u)).toBe(true);
      // The same update again (a second indexer that read -1) is refused, and changes nothing.
      expect(await st.apply('acme', u)).toBe(false);
      expect(await st.state('acme')).toEqual({ afterSeq: 4, version: 'v1' });
      expect(await st.days('acme', 0, 30_000)).toEqual([measure()]);
      // Another version does not apply either.
      expect(await st.apply('acme', { ...u, expectAfter: 4, afterSeq: 9, version: 'v2' })).toBe(
        false,
      );
    });

    it('adds measures of the same day and source, and keeps others apart', async () => {
      const st = await fresh();
      await st.reset('acme', 'v1');
      await st.apply('acme', {
        expectAfter: -1,
        afterSeq: 7,
        version: 'v1',
        days: [measure(), measure({ service: 'web', events: 1, maxSeq: 2 })],
        marks: [],
      });
      await st.apply('acme', {
        expectAfter: 7,
        afterSeq: 12,
        version: 'v1',
        days: [
          measure({
            events: 2,
            present: [0, 1, 1],
            future: 0,
            lateOverHour: 2,
            maxSeq: 12,
            skew: {
              buckets: [
                [10, 1],
                [5000, 1],
              ],
              min: 10,
              max: 5000,
            },
          }),
          measure({ day: 20_001, events: 1, maxSeq: 11 }),
        ],
        marks: [],
      });
      const days = (await st.days('acme', 20_000, 20_002)).sort(
        (a, b) => a.day - b.day || a.service.localeCompare(b.service),
      );
      expect(days).toEqual([
        measure({
          events: 5,
          present: [1, 3, 4],
          future: 1,
          lateOverHour: 2,
          maxSeq: 12,
          skew: {
            buckets: [
              [-5, 1],
              [10, 3],
              [5000, 1],
            ],
            min: -5,
            max: 5000,
          },
        }),
        measure({ service: 'web', events: 1, maxSeq: 2 }),
        measure({ day: 20_001, events: 1, maxSeq: 11 }),
      ]);
      expect(await st.days('acme', 20_001, 20_002)).toHaveLength(1);
      expect(await st.days('other', 0, 30_000)).toEqual([]);
    });

    it('lists marks by time range in seq order, and drops everything on reset', async () => {
      const st = await fresh();
      await st.reset('acme', 'v1');
      await st.reset('beta', 'v1');
      const marks = [
        { seq: 5, occurredMs: 3000, sections: 4 },
        { seq: 2, occurredMs: 1000, sections: 1 },
        { seq: 9, occurredMs: 2000, sections: 3 },
      ];
      await st.apply('acme', {
        expectAfter: -1,
        afterSeq: 9,
        version: 'v1',
        days: [measure()],
        marks,
      });
      await st.apply('beta', {
        expectAfter: -1,
        afterSeq: 0,
        version: 'v1',
        days: [],
        marks: [{ seq: 0, occurredMs: 1500, sections: 1 }],
      });
      expect(await st.marks('acme', 1000, 3000)).toEqual([marks[1], marks[2]]);
      expect(await st.marks('acme', 0, 10_000)).toEqual([marks[1], marks[0], marks[2]]);
      await st.reset('acme', 'v2');
      expect(await st.state('acme')).toEqual({ afterSeq: -1, version: 'v2' });
      expect(await st.marks('acme', 0, 10_000)).toEqual([]);
      expect(await st.days('acme', 0, 30_000)).toEqual([]);
      // Other logs keep theirs.
      expect(await st.marks('beta', 0, 10_000)).toHaveLength(1);
    });

    it('lets exactly one of two concurrent indexers at the same cursor apply', async () => {
      const st = await fresh();
      await st.reset('acme', 'v1');
      const u = { expectAfter: -1, afterSeq: 3, version: 'v1', days: [measure()], marks: [] };
      const results = await Promise.all([st.apply('acme', u), st.apply('acme', u)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await st.days('acme', 0, 30_000)).toEqual([measure()]);
    });
  });
}
