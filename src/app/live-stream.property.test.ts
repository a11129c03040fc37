/**
 * Live streams, as a property: whatever the events, the query, the start position and the way
 * appends interleave with reading, a stream yields exactly the entries after its start that
 * the same query finds by search (the SQL compiler), in log order, once each. Reconnecting
 * from the last position seen, at any point, changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../core/query/index.js';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { createServices } from './services.js';
import { testSigner } from './test-support/signer.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const eventArb = fc.record({
  actor: fc.constantFrom('alice', 'bob', 'carol'),
  action: fc.constantFrom('user.login', 'user.logout', 'invoice.delete'),
  outcome: fc.constantFrom('success', 'failure'),
});
const queryArb = fc.constantFrom(
  '',
  'actor.id:alice',
  'action:user.*',
  'outcome:failure OR actor.id:bob',
  '-action:invoice.delete',
  'actor.id:nobody',
);

describe('live stream ≡ search, from any position, across reconnects', () => {
  it('yields exactly the matching entries after the start, in order, once each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-stream-prop-'));
    dirs.push(dir);
    const s = createServices({
      store: await openStore({ dataDir: dir, writerThread: false }),
      signer: testSigner(),
      stream: { heartbeatMs: 20, pollMs: 50, pageSize: 7, cacheEntries: 11 },
    });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(eventArb, { minLength: 1, maxLength: 12 }), {
            minLength: 1,
            maxLength: 6,
          }),
          queryArb,
          fc.nat(),
          fc.array(fc.nat({ max: 40 }), { maxLength: 3 }),
          async (chunks, q, startPick, cutsAt) => {
            const tenant = `t${run++}`;
            const append = (evs: { actor: string; action: string; outcome: string }[]) =>
              s.ingest.ingest(
                evs.map((e) => ({
                  tenant,
                  actor: { id: e.actor },
                  action: e.action,
                  outcome: e.outcome,
                })),
                { kind: 'admin' },
              );
            await append(chunks[0]!);
            const size0 = await s.store.events.size(tenant);
            const after = size0 === 0 ? -1 : (startPick % (size0 + 1)) - 1;
            const total = chunks.flat().length;
            const got: number[] = [];
            let position = after;
            let rest = chunks.slice(1);
            const cuts = [...cutsAt].sort((a, b) => a - b);
            // Read until every appended entry has been passed, reconnecting at the cut points.
            while (position < total - 1) {
              const ac = new AbortController();
              const sub = await s.streams.open({ kind: 'admin' }, { tenant, q, after: position });
              for await (const item of sub.items(ac.signal)) {
                if (item.kind === 'events') got.push(...item.events.map((e) => e.seq));
                position = item.seq;
                if (rest.length > 0) {
                  await append(rest[0]!);
                  rest = rest.slice(1);
                }
                if (cuts.length > 0 && got.length >= cuts[0]!) {
                  cuts.shift();
                  break; // a reconnect from the last position seen
                }
                if (position >= total - 1 && rest.length === 0) break;
              }
              ac.abort();
              if (rest.length > 0) {
                await append(rest[0]!);
                rest = rest.slice(1);
              }
            }
            const found = await s.store.events.search({
              tenant,
              query: parseQuery(q),
              limit: 1000,
            });
            const want = found
              .map((r) => r.seq)
              .filter((seq) => seq > after)
              .sort((a, b) => a - b);
            expect(got).toEqual(want);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await s.close();
    }
  });
});
