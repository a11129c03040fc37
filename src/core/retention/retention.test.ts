import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher, parseQuery } from '../query/index.js';
import { makeEvent } from '../../app/test-support/events.js';
import {
  DAY_MS,
  findConflict,
  formatRanges,
  mergeRanges,
  parseDays,
  purgePlans,
  scopesMayOverlap,
  seqRanges,
  type LegalHold,
  type RetentionPolicy,
} from './index.js';

const policy = (name: string, scope: string, minDays: number, maxDays: number | null) =>
  ({ tenant: 't', name, scope, minDays, maxDays, createdAt: '', updatedAt: '' }) as RetentionPolicy;

describe('parseDays', () => {
  it('reads whole days and names what is wrong', () => {
    expect(parseDays('365d')).toEqual({ ok: true, days: 365 });
    expect(parseDays('0d')).toEqual({ ok: true, days: 0 });
    for (const bad of ['365', '1y', '-1d', '1.5d', ' 1d', '36501d', 365, null])
      expect(parseDays(bad).ok, String(bad)).toBe(false);
  });
});

describe('scopesMayOverlap and findConflict', () => {
  it('is certain only when one single-valued field is pinned to two values', () => {
    expect(scopesMayOverlap('action:a.b', 'action:c.d')).toBe(false);
    expect(scopesMayOverlap('action:a.b actor.id:x', 'category:data action:c.d')).toBe(false);
    expect(scopesMayOverlap('action:a.b', 'action:A.B')).toBe(true);
    expect(scopesMayOverlap('action:a.*', 'action:c.d')).toBe(false);
    expect(scopesMayOverlap('action:a.*', 'action:a.d')).toBe(true);
    expect(scopesMayOverlap('action:a*', 'action:ab*')).toBe(true);
    expect(scopesMayOverlap('action:a.*', 'action:ab*')).toBe(false);
    expect(scopesMayOverlap('action:a.*', 'action:b*')).toBe(false);
    expect(scopesMayOverlap('action:*.x', 'action:b.y')).toBe(true);
    expect(scopesMayOverlap('', 'action:c.d')).toBe(true);
    expect(scopesMayOverlap('targets.id:a', 'targets.id:b')).toBe(true);
    expect(scopesMayOverlap('action:a OR action:b', 'action:c')).toBe(true);
  });

  it('never says "disjoint" of two scopes that match one event (property)', () => {
    const values = ['a.b', 'A.b', 'a.bc', 'ab.c', 'b.a'];
    const pattern = fc
      .tuple(
        fc.constantFrom(...values),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('', '*', '?'),
      )
      .map(([v, cut, w]) => (w === '' ? v : v.slice(0, cut) + w));
    const scope = fc
      .array(fc.tuple(fc.constantFrom('action', 'actor.id', 'targets.id'), pattern), {
        maxLength: 2,
      })
      .map((terms) => terms.map(([f, p]) => `${f}:${p}`).join(' '));
    fc.assert(
      fc.property(
        scope,
        scope,
        fc.constantFrom(...values),
        fc.constantFrom(...values),
        (a, b, x, y) => {
          const e = makeEvent({
            action: x === '' ? 'z' : x,
            actor: { id: y === '' ? 'z' : y },
            targets: [{ id: x || 'z', type: 't' }],
          });
          if (compileMatcher(parseQuery(a))(e) && compileMatcher(parseQuery(b))(e))
            expect(scopesMayOverlap(a, b)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a maximum under an overlapping minimum, naming the changed policy first', () => {
    const keep = policy('keep', '', 365, null);
    expect(findConflict([keep, policy('short', 'action:x', 0, 30)], 'short')?.policy).toBe('short');
    expect(findConflict([keep, policy('ok', 'action:x', 0, 365)])).toBeUndefined();
    expect(findConflict([policy('own', '', 10, 5)])?.message).toMatch(/own min 10d/);
    expect(
      findConflict([policy('a', 'action:x', 400, null), policy('b', 'action:y', 0, 30)]),
    ).toBeUndefined();
  });
});

describe('seqRanges', () => {
  it('merges any seqs into sorted maximal runs (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(60)), (seqs) => {
        const runs = seqRanges(seqs);
        const covered = runs.flatMap((r) =>
          Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i),
        );
        expect(covered).toEqual([...new Set(seqs)].sort((a, b) => a - b));
        runs.forEach((r, i) => i > 0 && expect(r.from).toBeGreaterThan(runs[i - 1]!.to + 1));
        expect(mergeRanges([...runs].reverse())).toEqual(runs);
      }),
    );
    expect(formatRanges(seqRanges([5, 0, 1, 2, 7, 8]))).toBe('0-2,5,7-8');
  });
});

describe('purgePlans', () => {
  it('selects events past a maximum, outside every active hold, past every minimum (property)', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const actors = ['alice', 'bob'];
    const actions = ['user.login', 'invoice.delete'];
    const scopes = ['', 'actor.id:bob', 'action:invoice.*', '-actor.id:alice'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            scope: fc.constantFrom(...scopes),
            min: fc.nat(50),
            max: fc.option(fc.nat(50)),
          }),
          {
            maxLength: 3,
          },
        ),
        fc.array(fc.record({ scope: fc.constantFrom(...scopes), released: fc.boolean() }), {
          maxLength: 2,
        }),
        fc.array(
          fc.record({
            age: fc.nat(60),
            actor: fc.constantFrom(...actors),
            action: fc.constantFrom(...actions),
          }),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        (ps, hs, evs) => {
          const policies = ps.map((p, i) => policy(`p${i}`, p.scope, p.min, p.max));
          const holds = hs.map(
            (h, i) =>
              ({ id: `h${i}`, scope: h.scope, releasedAt: h.released ? 'x' : null }) as LegalHold,
          );
          const events = evs.map((e) =>
            makeEvent({
              occurred_at: new Date(now - e.age * DAY_MS - 1).toISOString(),
              actor: { id: e.actor },
              action: e.action,
            }),
          );
          const plans = purgePlans(policies, holds, now).map((p) => compileMatcher(p.where));
          for (const [i, e] of events.entries()) {
            const age = evs[i]!.age * DAY_MS + 1;
            const covers = (scope: string) => compileMatcher(parseQuery(scope))(e);
            const naive =
              policies.some(
                (p) => p.maxDays !== null && covers(p.scope) && age > p.maxDays * DAY_MS,
              ) &&
              !holds.some((h) => h.releasedAt === null && covers(h.scope)) &&
              policies.every((p) => !covers(p.scope) || age >= p.minDays * DAY_MS);
            expect(plans.some((m) => m(e))).toBe(naive);
          }
        },
      ),
    );
  });
});
