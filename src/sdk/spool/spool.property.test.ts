/**
 * Property: whatever the interleaving of appends, reads that fail (no ack), acknowledged
 * reads, reopens and torn writes at the tail, the acknowledged reads deliver every appended
 * record exactly once, in append order.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from './record-codec.js';
import { Spool } from './spool.js';

type Op =
  | { t: 'append'; pads: string[] }
  | { t: 'read'; n: number; maxBytes: number; ack: boolean }
  | { t: 'reopen' }
  | { t: 'torn'; cut: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('append' as const),
    pads: fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    t: fc.constant('read' as const),
    n: fc.integer({ min: 1, max: 10 }),
    maxBytes: fc.integer({ min: 1, max: 3000 }),
    ack: fc.boolean(),
  }),
  fc.record({ t: fc.constant('reopen' as const) }),
  fc.record({ t: fc.constant('torn' as const), cut: fc.integer({ min: 1, max: 40 }) }),
);

describe('Spool (property)', () => {
  it('delivers every appended record once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: 1024, max: 4096 }),
        fc.constantFrom('never' as const, 'always' as const),
        (ops, segmentBytes, fsync) => {
          const dir = mkdtempSync(join(tmpdir(), 'veritrail-spool-prop-'));
          const open = () => Spool.open({ dir, segmentBytes, fsync });
          let s = open();
          const appended: string[] = [];
          const delivered: string[] = [];
          const readAck = (n: number, maxBytes: number, ack: boolean) => {
            const got = s.read(n, maxBytes);
            const last = got[got.length - 1];
            if (!last || !ack) return got.length;
            for (const e of got) delivered.push(e.json ?? '<damaged>');
            s.ack(got.length, last.end);
            return got.length;
          };
          try {
            for (const o of ops) {
              if (o.t === 'append') {
                for (const pad of o.pads) {
                  const json = JSON.stringify({ i: appended.length, pad });
                  s.append(json);
                  appended.push(json);
                }
              } else if (o.t === 'read') readAck(o.n, o.maxBytes, o.ack);
              else {
                s.close();
                if (o.t === 'torn') {
                  // A crash in the middle of writing the next record.
                  const segs = readdirSync(dir)
                    .filter((f) => f.startsWith('seg-'))
                    .sort();
                  const torn = encodeRecord(JSON.stringify({ i: -1 }));
                  appendFileSync(
                    join(dir, segs[segs.length - 1]!),
                    torn.subarray(0, Math.min(o.cut, torn.length - 1)),
                  );
                }
                s = open();
              }
              expect(s.count).toBe(appended.length - delivered.length);
            }
            while (readAck(5, 1000, true) > 0);
            expect(delivered).toEqual(appended);
            expect(s.count).toBe(0);
            expect(s.bytes).toBe(0);
          } finally {
            s.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
