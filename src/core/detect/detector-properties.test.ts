/**
 * Invariants of a detector holding every rule type at once: the same event sequence gives the
 * same findings, every finding respects the contract's bounds, and the state stays within the
 * configured caps whatever the events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../event/schema.js';
import { createDetector } from './create-detector.js';
import { ev, HOUR } from './test-support/events.js';
import type { GeoLookup } from './geo.js';

const rule = (title: string, veritrail: string) =>
  `title: ${title}\nlogsource: { product: veritrail }\nveritrail:\n${veritrail
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;

const CAP = 3;
const FILES = [
  rule('terms', `type: new_terms\nfield: source.geo.country\nmax_entities: ${CAP}\nmax_values: 2`),
  rule('spike', `type: volume_spike\nwarmup: 2h\nmin_count: 2\nmax_entities: ${CAP}`),
  rule('hours', `type: off_hours\nbusiness_hours: { timezone: Europe/Paris }`),
  rule('learned', `type: off_hours\nlearned: { min_events: 3, warmup: 0s }\nmax_entities: ${CAP}`),
  rule('travel', `type: impossible_travel\nmax_entities: ${CAP}`),
  `title: failed\nname: failed\nlogsource: { product: veritrail }\ndetection: { sel: { outcome: failure }, condition: sel }`,
  `title: many failed\ncorrelation: { type: event_count, rules: [failed], group-by: [actor.id], timespan: 1h, condition: { gte: 2 } }`,
].join('\n---\n');

const geo: GeoLookup = {
  lookup: (ip) => (ip.endsWith('.1') ? { lat: 48.85, lon: 2.35, city: 'Paris' } : undefined),
};

interface EventSpec {
  readonly actor: string;
  readonly tenant: string;
  readonly country: string | undefined;
  readonly ip: string | undefined;
  readonly dt: number;
  readonly failed: boolean;
}

const eventArb: fc.Arbitrary<EventSpec> = fc.record({
  actor: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  tenant: fc.constantFrom('acme', 'globex'),
  country: fc.option(fc.constantFrom('FR', 'JP', 'BR', 'US', 'XX'), { nil: undefined }),
  ip: fc.option(fc.constantFrom('192.0.2.1', '192.0.2.2'), { nil: undefined }),
  dt: fc.integer({ min: 0, max: 6 * HOUR }),
  failed: fc.boolean(),
});

const T0 = Date.UTC(2026, 0, 5);

function events(seq: readonly EventSpec[]): StoredEvent[] {
  let t = T0;
  return seq.map((s, i) =>
    ev({
      time: (t += s.dt),
      actor: s.actor,
      tenant: s.tenant,
      id: `id${i}`,
      ...(s.country !== undefined ? { country: s.country } : {}),
      ...(s.ip !== undefined ? { ip: s.ip } : {}),
      extra: { outcome: s.failed ? 'failure' : 'success' },
    }),
  );
}

const build = () => {
  const r = createDetector({
    files: [{ name: 'all.yml', text: FILES }],
    geo,
    now: () => Date.UTC(2100, 0, 1),
  });
  expect(r.errors).toEqual([]);
  return r.detector;
};

describe('a detector with every rule type', () => {
  it('is deterministic, keeps findings within the contract, and its state within caps', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 120 }), (seq) => {
        const evs = events(seq);
        const a = build();
        const b = build();
        for (const e of evs) {
          const fa = a.evaluate(e);
          const fb = b.evaluate(e);
          expect(fa).toEqual(fb);
          for (const f of fa) {
            expect(f.tenant).toBe(e.tenant);
            expect(f.eventIds.length).toBeGreaterThan(0);
            expect(f.eventIds.length).toBeLessThanOrEqual(100);
            expect(f.firstTime).toBeLessThanOrEqual(f.lastTime);
            expect(f.count).toBeGreaterThan(0);
            expect(f.summary.length).toBeGreaterThan(0);
            expect(f.summary).not.toContain('\n');
          }
          // 4 stateful rule types capped at CAP entities (new_terms: + 2 values each), plus
          // correlation groups per tenant.
          const size = a.stateSize();
          expect(size.approxBytes).toBeGreaterThanOrEqual(0);
          expect(size.entries).toBeLessThanOrEqual(CAP * 3 + 4 * CAP + 2 * (5 + 5 * 2));
        }
      }),
      { numRuns: 60 },
    );
  });
});
