import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../../../core/errors.js';
import { formatQuery, parseQuery } from '../../../core/query/index.js';
import { eventArb, POOLS } from '../../../core/query/test-support/event-arbitrary.js';
import { queryArb } from '../../../core/query/test-support/query-arbitrary.js';
import { queryTextArb as randomQueryText } from '../../../core/query/test-support/examples.js';
import { memoryPositions, openEventsDb, sqlPositions } from './test-support/events-db.js';

const eventsArb = fc.array(eventArb, { minLength: 1, maxLength: 25 });

const queryTextArb = randomQueryText();

describe('SQL WHERE ≡ in-memory matcher', () => {
  it('selects the same events for random ASTs (and the AST survives format → parse)', () => {
    fc.assert(
      fc.property(eventsArb, fc.array(queryArb, { minLength: 1, maxLength: 6 }), (events, asts) => {
        const db = openEventsDb(events);
        try {
          for (const ast of asts) {
            expect(parseQuery(formatQuery(ast))).toEqual(ast);
            expect(sqlPositions(db, ast)).toEqual(memoryPositions(events, ast));
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('selects the same events for random query text, or refuses it as invalid_query', () => {
    fc.assert(
      fc.property(
        eventsArb,
        fc.array(queryTextArb, { minLength: 1, maxLength: 6 }),
        (events, qs) => {
          const db = openEventsDb(events);
          try {
            for (const q of qs) {
              let ast;
              try {
                ast = parseQuery(q);
              } catch (e) {
                expect(e).toBeInstanceOf(VeritrailError);
                expect((e as VeritrailError).code).toBe('invalid_query');
                continue;
              }
              expect(parseQuery(formatQuery(ast))).toEqual(ast);
              expect(sqlPositions(db, ast)).toEqual(memoryPositions(events, ast));
            }
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the pools really hit: common queries match some but not all events', () => {
    const sample = fc.sample(eventsArb, { numRuns: 40, seed: 7 });
    for (const q of ['actor.roles:admin', 'action:user.*', 'source.ip:10.0.0.0/8', 'café']) {
      const hits = sample.map((events) => memoryPositions(events, parseQuery(q)).length);
      expect(
        hits.some((h) => h > 0),
        q,
      ).toBe(true);
    }
    expect(POOLS.ips.length).toBeGreaterThan(0);
  });
});
