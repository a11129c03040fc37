/**
 * Random canonical query ASTs whose values are drawn from the event pools, so that terms hit
 * often enough for the SQL-vs-memory property to mean something.
 */
import fc from 'fast-check';
import { ANY, ONE, type Pattern, type PatternPart, type QueryNode, type RangeOp } from '../ast.js';
import { KNOWN_FIELDS } from '../fields.js';
import { parseIpRange } from '../ip.js';
import { BASE_MS, DEEP_SCALARS, POOLS, timestampArb } from './event-arbitrary.js';

const oneOf = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

/** Merges literals, drops empty ones and collapses `**`, as the parser does. */
export function canonicalPattern(parts: readonly PatternPart[]): Pattern {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (!(p === ANY && last === ANY)) {
      out.push(p);
    }
  }
  return out;
}

const DEEP_FIELDS = [
  'metadata.a',
  'metadata.b',
  'metadata.a.b',
  'metadata.c-d.1x',
  'metadata.a.a.a',
  'metadata.1x',
  'raw.a',
  'raw.1x.b',
  'metadata.zz',
];
const ALL_FIELDS = [...KNOWN_FIELDS.keys(), ...DEEP_FIELDS];
const GENERIC = [...POOLS.texts, ...POOLS.ids, '1', '5', '-3', '0', 'true', 'false', 'null'];
const POOL_OF: Readonly<Record<string, readonly string[]>> = {
  id: ['evt-1', 'evt-2', 'Evt-1', 'evt*3'],
  tenant: ['default', 'acme'],
  action: POOLS.actions,
  category: POOLS.categories,
  outcome: POOLS.outcomes,
  severity: POOLS.severities,
  'actor.id': POOLS.ids,
  'actor.roles': POOLS.roles,
  'actor.type': ['user', 'service'],
  'actor.privileged': ['true', 'false'],
  'actor.mfa': ['true', 'false', 'True'],
  'targets.id': ['inv-1', 'inv-2', 'user-7', 'INV-1'],
  'targets.type': ['invoice', 'user'],
  'targets.data_class': POOLS.dataClasses,
  'targets.changes.field': ['email', 'name', 'role'],
  'source.geo.country': ['US', 'DE', 'de'],
  'observer.service': POOLS.services,
  'observer.seq': ['0', '5', '12', '-1', '1152921504606846976'],
};
/** Renderings of the metadata scalars, plus near misses. */
const DEEP = [...DEEP_SCALARS.map(String), '9007199254740992', '1e+21', 'TRUE', 'x*'];
const VALID_IPS = [...POOLS.ips, ...POOLS.cidrs].filter((s) => parseIpRange(s) !== null);

/**
 * `value` itself, or with characters turned into `?` / `*` (or dropped, to miss). Queries
 * refuse U+0000, so a NUL in the pool becomes `?` or `*`: the globs SQLite would cut short.
 */
const patternFrom = (value: string): fc.Arbitrary<Pattern> => {
  const chars = [...value];
  const nul = chars.includes('\u0000');
  const edits = fc.array(oneOf(['keep', 'keep', 'keep', 'one', 'any', 'drop', 'rest'] as const), {
    minLength: chars.length + 2,
    maxLength: chars.length + 2,
  });
  const globbed = edits.map((ops) => {
    const parts: PatternPart[] = ops[0] === 'any' ? [ANY] : [];
    const cut = ops.indexOf('rest', 1);
    chars.forEach((c, i) => {
      const op = ops[i + 1];
      if (cut >= 0 && i + 1 >= cut) {
        if (i + 1 === cut) parts.push(ANY);
      } else if (c === '\u0000') parts.push(op === 'any' || op === 'drop' ? ANY : ONE);
      else if (op === 'one') parts.push(ONE);
      else if (op === 'any') parts.push(ANY);
      else if (op !== 'drop') parts.push(c);
    });
    if (ops[chars.length + 1] === 'any') parts.push(ANY);
    return canonicalPattern(parts);
  });
  return nul ? globbed : fc.oneof(fc.constant(canonicalPattern([value])), globbed);
};

const isOnlyAny = (p: Pattern) => p.length === 1 && p[0] === ANY;

const matchArb: fc.Arbitrary<QueryNode> = oneOf(ALL_FIELDS).chain((field) =>
  field === 'source.ip'
    ? oneOf(VALID_IPS).map((ip): QueryNode => ({ type: 'match', field, pattern: [ip] }))
    : oneOf(POOL_OF[field] ?? (/^(metadata|raw)\./.test(field) ? DEEP : GENERIC))
        .chain(patternFrom)
        .map((pattern): QueryNode =>
          isOnlyAny(pattern) ? { type: 'exists', field } : { type: 'match', field, pattern },
        ),
);

const existsArb = oneOf(ALL_FIELDS).map((field): QueryNode => ({ type: 'exists', field }));

const opArb = oneOf<RangeOp>(['>', '>=', '<', '<=']);
const dateArb = fc
  .integer({ min: -3, max: 3 })
  .map((d) => new Date(BASE_MS + d * 86_400_000).toISOString().slice(0, 10));
const rangeArb: fc.Arbitrary<QueryNode> = fc.oneof(
  fc
    .tuple(oneOf(['occurred_at', 'received_at'] as const), opArb, fc.oneof(timestampArb, dateArb))
    .map(([field, op, value]): QueryNode => ({ type: 'range', field, op, value })),
  fc
    .tuple(opArb, fc.integer({ min: -2, max: 22 }))
    .map(([op, n]): QueryNode => ({ type: 'range', field: 'observer.seq', op, value: String(n) })),
);

const asciiUpper = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
const textArb: fc.Arbitrary<QueryNode> = fc
  .tuple(oneOf(GENERIC), fc.nat(), fc.nat(), fc.boolean())
  .chain(([value, a, b, upper]) => {
    const chars = [...value];
    const from = chars.length === 0 ? 0 : a % chars.length;
    const piece = chars.slice(from, from + 1 + (b % 6)).join('');
    return patternFrom(upper ? asciiUpper(piece) : piece);
  })
  .map((pattern): QueryNode => ({ type: 'text', pattern }));

const leafArb = fc.oneof(
  { arbitrary: matchArb, weight: 5 },
  { arbitrary: existsArb, weight: 1 },
  { arbitrary: rangeArb, weight: 2 },
  { arbitrary: textArb, weight: 2 },
);

/** Canonical ASTs: and/or of 2–3 children, negations, rare empty groups; ≤ 27 terms. */
export const queryArb: fc.Arbitrary<QueryNode> = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { arbitrary: leafArb, weight: 6 },
    {
      arbitrary: fc
        .tuple(oneOf(['and', 'or'] as const), tie('node'), tie('node'), fc.option(tie('node')))
        .map(([type, a, b, c]): QueryNode => ({
          type,
          children: c === null ? [a, b] : [a, b, c],
        })),
      weight: 3,
    },
    { arbitrary: tie('node').map((child): QueryNode => ({ type: 'not', child })), weight: 2 },
    { arbitrary: fc.constant<QueryNode>({ type: 'all' }), weight: 1 },
  ),
})).node;
