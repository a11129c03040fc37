import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../../../core/errors.js';
import { parseQuery } from '../../../core/query/index.js';
import { EXAMPLE_EVENTS, EXAMPLE_QUERIES } from '../../../core/query/test-support/examples.js';
import { compileSqliteWhere, SQLITE_TENANT_PATH } from './compile-sql.js';
import {
  EVENTS_DDL,
  memoryPositions,
  openEventsDb,
  sqlPositions,
} from './test-support/events-db.js';

const EVENTS = EXAMPLE_EVENTS;

/** Both engines, so every example here is also an agreement check. */
function ids(q: string): string[] {
  const db = openEventsDb(EVENTS);
  const ast = parseQuery(q);
  const sql = sqlPositions(db, ast);
  db.close();
  expect(sql).toEqual(memoryPositions(EVENTS, ast));
  return sql.map((p) => EVENTS[p - 1]?.id ?? '?');
}

describe('compileSqliteWhere', () => {
  it('binds every value as a parameter', () => {
    const { sql, params } = compileSqliteWhere(parseQuery(`actor.id:"x' OR 1=1 --" hello`));
    expect(sql).not.toContain('OR 1=1');
    expect(params).toContain("x' OR 1=1 --");
  });

  it.each(EXAMPLE_QUERIES)('%s', (q, expected) => {
    expect(ids(q)).toEqual(expected);
  });

  it('tenant: reads the event JSON, not tenant_id', () => {
    const { sql, params } = compileSqliteWhere(parseQuery('tenant:acme'), 'ev');
    expect(sql).toContain('json_extract(ev.event, ?)');
    expect(sql).not.toContain('tenant_id');
    expect(params).toEqual([SQLITE_TENANT_PATH, SQLITE_TENANT_PATH, 'acme']);
  });

  it('refuses an alias that is not a plain identifier', () => {
    expect(() => compileSqliteWhere({ type: 'all' }, 'e; DROP TABLE events')).toThrow(
      VeritrailError,
    );
  });

  it('refuses hand-built ASTs the parser would refuse', () => {
    const bad = { type: 'match', field: 'source.ip', pattern: ['10.0.0.300'] } as const;
    expect(() => compileSqliteWhere(bad)).toThrow(/invalid IP/);
    expect(() => compileSqliteWhere({ type: 'exists', field: 'nope' })).toThrow(/unknown field/);
  });
});

describe('index use', () => {
  const plan = (q: string): string => {
    const db = new Database(':memory:');
    db.exec(EVENTS_DDL);
    db.exec('CREATE INDEX events_actor ON events (tenant_id, actor_id)');
    db.exec('CREATE INDEX events_action ON events (tenant_id, action)');
    const { sql, params } = compileSqliteWhere(parseQuery(q));
    const rows = db
      .prepare(`EXPLAIN QUERY PLAN SELECT e.event FROM events e WHERE e.tenant_id = ? AND ${sql}`)
      .all(1, ...params) as { detail: string }[];
    db.close();
    return rows.map((r) => r.detail).join('\n');
  };

  it('actor.id:alice searches (tenant_id, actor_id)', () => {
    expect(plan('actor.id:alice')).toMatch(
      /SEARCH e USING INDEX events_actor \(tenant_id=\? AND actor_id=\?\)/,
    );
  });

  it('action:user.* searches a range of (tenant_id, action)', () => {
    expect(plan('action:user.*')).toMatch(
      /SEARCH e USING INDEX events_action \(tenant_id=\? AND action>\? AND action<\?\)/,
    );
  });
});
