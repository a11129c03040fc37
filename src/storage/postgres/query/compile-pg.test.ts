import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VeritrailError } from '../../../core/errors.js';
import { parseQuery, type QueryNode } from '../../../core/query/index.js';
import { EXAMPLE_EVENTS, EXAMPLE_QUERIES } from '../../../core/query/test-support/examples.js';
import { openEventsDb, sqlPositions } from '../../sqlite/query/test-support/events-db.js';
import { pgAvailability, pgSuiteName } from '../test-support/pg-test.js';
import { compilePgWhere, pgDocLateral } from './compile-pg.js';
import {
  insertEvents,
  memoryPositions,
  openEventsPg,
  pgPositions,
  type EventsPg,
} from './test-support/events-pg.js';

/** The examples of src/storage/sqlite/query/compile-sql.test.ts. */
const EVENTS = EXAMPLE_EVENTS;
const TENANT = 1;

describe('compilePgWhere (no database)', () => {
  it('binds every value as a parameter, numbered from firstParam', () => {
    const q = parseQuery(`actor.id:"x' OR 1=1 --" hello metadata.a:"$1"`);
    const { sql, params, usesDoc } = compilePgWhere(q, { firstParam: 3 });
    expect(sql).not.toContain('OR 1=1');
    expect(params).toContain("x' OR 1=1 --");
    expect(params).toContain('$1');
    expect(usesDoc).toBe(true);
    const numbers = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect(new Set(numbers)).toEqual(new Set(params.map((_, k) => k + 3)));
  });

  it('uses only columns for column fields (no document, no lateral)', () => {
    const w = compilePgWhere(parseQuery('actor.id:alice action:user.* source.ip:10.0.0.0/8'));
    expect(w.usesDoc).toBe(false);
    expect(w.sql).not.toContain('vt_doc');
  });

  it('refuses an alias that is not a plain identifier, or one of its own', () => {
    for (const alias of ['e; DROP TABLE events', 'e.x', '', 'vt_doc', 'VT_s', '1e']) {
      expect(() => compilePgWhere({ type: 'all' }, { alias })).toThrow(VeritrailError);
      expect(() => pgDocLateral(alias)).toThrow(VeritrailError);
    }
    expect(() => compilePgWhere({ type: 'all' }, { firstParam: 0 })).toThrow(VeritrailError);
    expect(compilePgWhere({ type: 'all' }, { alias: 'ev' }).sql).toBe('true');
  });

  it('refuses hand-built ASTs the parser would refuse', () => {
    const bad = { type: 'match', field: 'source.ip', pattern: ['10.0.0.300'] } as const;
    expect(() => compilePgWhere(bad)).toThrow(/invalid IP/);
    expect(() => compilePgWhere({ type: 'exists', field: 'nope' })).toThrow(/unknown field/);
    const seq = { type: 'range', field: 'observer.seq', op: '>', value: '1.5' } as const;
    expect(() => compilePgWhere(seq)).toThrow(/invalid observer.seq bound/);
    // U+0000 is refused in values by the shared check, as by the matcher and SQLite.
    expect(() => compilePgWhere({ type: 'text', pattern: ['a\u0000'] })).toThrow(/NUL/);
  });
});

const pgUp = await pgAvailability();

describe.skipIf(!pgUp.ok)(pgSuiteName('compilePgWhere on PostgreSQL', pgUp), () => {
  let db: EventsPg;
  beforeAll(async () => {
    db = await openEventsPg();
    await insertEvents(db.client, TENANT, EVENTS);
  });
  afterAll(async () => db.close());

  /** PostgreSQL, the in-memory matcher and SQLite, so every example is an agreement check. */
  async function ids(ast: QueryNode): Promise<string[]> {
    const positions = await pgPositions(db.client, TENANT, ast);
    expect(positions).toEqual(memoryPositions(EVENTS, ast));
    const sqlite = openEventsDb(EVENTS);
    expect(positions).toEqual(sqlPositions(sqlite, ast));
    sqlite.close();
    return positions.map((p) => EVENTS[p - 1]?.id ?? '?');
  }

  it.each([
    ...EXAMPLE_QUERIES,
    // Beyond the shared examples: LIKE's metacharacters, numbers as strings, non-ASCII case.
    ['observer.seq:"7" OR observer.seq:?', ['e2']],
    ['Ünïcode', ['e[3]']],
    ['action:user\\_login OR action:user%', []],
  ] as const)('%s', async (q, expected) => {
    expect(await ids(parseQuery(q))).toEqual(expected);
  });

  it('a value PostgreSQL cannot bind (a lone surrogate) matches nothing, like the matcher', async () => {
    expect(await ids({ type: 'match', field: 'actor.id', pattern: ['\ud800'] })).toEqual([]);
    expect(await ids({ type: 'text', pattern: ['a', { wildcard: '*' }, '\udc00'] })).toEqual([]);
    const not = { type: 'not', child: { type: 'text', pattern: ['\ud800'] } } as const;
    expect(await ids(not)).toEqual(['e1', 'e2', 'e[3]']);
  });

  it('a purged row (event NULL) matches only through its columns', async () => {
    await insertEvents(db.client, 2, EVENTS.slice(0, 1));
    await db.client.query('UPDATE events SET event = NULL WHERE tenant_id = 2');
    const at = async (q: string) => pgPositions(db.client, 2, parseQuery(q));
    expect(await at('actor.id:alice action:user.* source.ip:10.0.0.1')).toEqual([1]);
    expect(await at('occurred_at:<2024-01-02')).toEqual([1]);
    expect(await at('actor.roles:admin OR metadata.a.b:deep OR login')).toEqual([]);
    expect(await at('NOT metadata.a.b:deep')).toEqual([1]);
  });
});
