/**
 * Random events over schema v1 for the query property tests. Values come from small pools so
 * that generated queries actually hit them; pools hold the awkward cases on purpose (case
 * variants, non-ASCII, glob metacharacters, U+0000, numbers as strings, IPv4-mapped IPv6).
 * A few events leave the schema's shape (a string where an array belongs) to show that both
 * matchers still agree where validation would normally have refused the event.
 */
import fc from 'fast-check';
import { DEEP_SCALARS, POOLS } from './pools.js';

export { DEEP_SCALARS, POOLS };

export const BASE_MS = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const oneOf = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

export const stringArb = fc.oneof(
  oneOf(POOLS.texts),
  oneOf(POOLS.ids),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

/** RFC 3339 text with offsets, lower-case t/z and 0–9 fraction digits, around BASE_MS. */
export const timestampArb = fc
  .record({
    ms: fc.integer({ min: BASE_MS - 3 * DAY, max: BASE_MS + 3 * DAY }),
    offset: oneOf([0, 0, 120, -330, 59]),
    zulu: oneOf(['Z', 'z', '+00:00']),
    t: oneOf(['T', 't']),
    extra: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 6 }),
    digits: fc.integer({ min: 0, max: 9 }),
  })
  .map(({ ms, offset, zulu, t, extra, digits }) => {
    const local = new Date(ms + offset * 60_000).toISOString(); // 2024-01-01T00:00:00.000Z
    const frac = `${local.slice(20, 23)}${extra}`.slice(0, digits);
    const abs = Math.abs(offset);
    const zone =
      offset === 0
        ? zulu
        : `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return `${local.slice(0, 10)}${t}${local.slice(11, 19)}${frac === '' ? '' : `.${frac}`}${zone}`;
  });

const scalarArb = fc.oneof(
  { arbitrary: fc.constantFrom(...DEEP_SCALARS), weight: 4 },
  { arbitrary: stringArb, weight: 1 },
);

/** metadata/raw values: nested objects and arrays (arrays of arrays too) over the key pool. */
export const jsonArb: fc.Arbitrary<unknown> = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { arbitrary: scalarArb, weight: 3 },
    // Arrays of arrays, which metadata/raw terms must see through.
    { arbitrary: oneOf([[['x']], [[{ b: 'x' }], 5], [[], [[true]]], [{ a: [['5']] }]]), weight: 1 },
    { arbitrary: fc.array(tie('json'), { maxLength: 3 }), weight: 1 },
    { arbitrary: fc.dictionary(oneOf(POOLS.keys), tie('json'), { maxKeys: 3 }), weight: 1 },
  ),
})).json;

const optional = { requiredKeys: [] as [] };

const actorArb = fc.record(
  {
    id: oneOf(POOLS.ids),
    type: oneOf(['user', 'service']),
    name: stringArb,
    privileged: fc.boolean(),
    roles: fc.oneof(fc.array(oneOf(POOLS.roles), { maxLength: 3 }), oneOf(POOLS.roles)),
    session_id: oneOf(POOLS.ids),
    mfa: fc.boolean(),
  },
  { requiredKeys: ['id'] },
);

const changeArb = fc.record(
  { field: oneOf(['email', 'name', 'role']), before: jsonArb, after: jsonArb },
  { requiredKeys: ['field'] },
);

const targetArb = fc.record(
  {
    id: oneOf(['inv-1', 'inv-2', 'user-7', 'INV-1']),
    type: oneOf(['invoice', 'user']),
    name: stringArb,
    data_class: fc.array(oneOf(POOLS.dataClasses), { maxLength: 3 }),
    changes: fc.array(changeArb, { maxLength: 2 }),
  },
  { requiredKeys: ['id'] },
);

/** A stored event as the API would return it (plain JSON values only). */
export const eventArb = fc.record(
  {
    id: oneOf(['evt-1', 'evt-2', 'Evt-1', 'evt*3']),
    tenant: oneOf(['default', 'acme']),
    action: oneOf(POOLS.actions),
    category: oneOf(POOLS.categories),
    outcome: oneOf(POOLS.outcomes),
    reason: stringArb,
    severity: oneOf(POOLS.severities),
    actor: actorArb,
    targets: fc.oneof(
      fc.array(fc.oneof(targetArb, targetArb, stringArb), { maxLength: 3 }),
      targetArb,
    ),
    source: fc.record(
      {
        ip: oneOf(POOLS.ips),
        user_agent: stringArb,
        geo: fc.record({ country: oneOf(['US', 'DE', 'de']), city: stringArb }, optional),
        device_id: oneOf(POOLS.ids),
      },
      optional,
    ),
    observer: fc.record(
      {
        service: oneOf(POOLS.services),
        host: stringArb,
        seq: fc.oneof(fc.integer({ min: 0, max: 20 }), oneOf(['5', 2 ** 60, 2.5])),
      },
      { requiredKeys: ['service'] },
    ),
    correlation: fc.record({ request_id: oneOf(POOLS.ids), trace_id: stringArb }, optional),
    occurred_at: timestampArb,
    received_at: timestampArb,
    metadata: fc.oneof(
      {
        arbitrary: fc.dictionary(oneOf(POOLS.keys), jsonArb, { minKeys: 2, maxKeys: 4 }),
        weight: 4,
      },
      { arbitrary: jsonArb, weight: 1 },
    ),
    raw: fc.dictionary(oneOf(POOLS.keys), jsonArb, { minKeys: 1, maxKeys: 3 }),
  },
  {
    requiredKeys: [
      'id',
      'tenant',
      'action',
      'category',
      'outcome',
      'severity',
      'actor',
      'occurred_at',
      'received_at',
    ],
  },
);
