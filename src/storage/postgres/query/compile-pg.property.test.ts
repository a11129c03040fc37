import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VeritrailError } from '../../../core/errors.js';
import { formatQuery, parseQuery, type QueryNode } from '../../../core/query/index.js';
import { eventArb } from '../../../core/query/test-support/event-arbitrary.js';
import { queryArb } from '../../../core/query/test-support/query-arbitrary.js';
import { queryTextArb as randomQueryText } from '../../../core/query/test-support/examples.js';
import { pgAvailability, pgSuiteName } from '../test-support/pg-test.js';
import {
  hasNul,
  insertEvents,
  memoryPositions,
  nonCCollation,
  openEventsPg,
  pgPositions,
  type EventsPg,
} from './test-support/events-pg.js';

/** Stored events never hold U+0000 (validation refuses it; PostgreSQL text cannot). */
const eventsArb = fc.array(
  eventArb.filter((e) => !hasNul(e)),
  { minLength: 1, maxLength: 25 },
);

/** The shared token soup, plus LIKE's own metacharacters and escapes. */
const queryTextArb = randomQueryText([
  'action:user_*',
  'id:evt%*',
  'back\\\\*',
  'a\\*b',
  'observer.seq:5*',
]);

const pgUp = await pgAvailability();

describe.skipIf(!pgUp.ok)(pgSuiteName('PostgreSQL WHERE ≡ in-memory matcher', pgUp), () => {
  let db: EventsPg;
  // Each run's events go under a fresh tenant_id of the one table, so runs never interfere.
  let tenant = 0;
  beforeAll(async () => {
    const probe = await openEventsPg();
    const collation = await nonCCollation(probe.client);
    await probe.close();
    // A collation whose order differs from code points shows that results do not depend on it.
    db = await openEventsPg(collation ?? 'default');
  });
  afterAll(async () => db.close());

  async function agree(events: readonly Record<string, unknown>[], asts: QueryNode[]) {
    tenant += 1;
    await insertEvents(db.client, tenant, events);
    for (const ast of asts) {
      expect(await pgPositions(db.client, tenant, ast), formatQuery(ast)).toEqual(
        memoryPositions(events, ast),
      );
    }
  }

  it('selects the same events for random ASTs', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArb, fc.array(queryArb, { minLength: 1, maxLength: 8 }), agree),
      { numRuns: 1000 },
    );
  });

  it('selects the same events for random query text, or refuses it as invalid_query', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArb,
        fc.array(queryTextArb, { minLength: 1, maxLength: 8 }),
        async (events, qs) => {
          const asts: QueryNode[] = [];
          for (const q of qs) {
            try {
              asts.push(parseQuery(q));
            } catch (e) {
              expect(e).toBeInstanceOf(VeritrailError);
              expect((e as VeritrailError).code).toBe('invalid_query');
            }
          }
          await agree(events, asts);
        },
      ),
      { numRuns: 500 },
    );
  });
});
