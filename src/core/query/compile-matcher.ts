/**
 * The in-memory predicate of a query, for live streams, rules' scopes and webhooks. It must
 * agree with the SQL compilers row for row (the property test in
 * src/storage/sqlite/query/compile-sql.property.test.ts checks it), so each leaf mirrors a SQL
 * leaf: same field shapes (fields.ts), same rendering of values, same glob semantics.
 */
import {
  ANY,
  hasWildcard,
  literalOf,
  type Pattern,
  type QueryNode,
  type RangeNode,
} from './ast.js';
import { fieldValues, renderValue, someString } from './event-values.js';
import { asciiLower, compileGlob, lowerPattern } from './glob.js';
import { inIpRange, parseIp } from './ip.js';
import { queryError } from './query-error.js';
import { checkPattern, fieldSpecOf, ipRangeOf, rangeBound } from './term-values.js';
import { parseTimestampMs } from './timestamp.js';

export type EventMatcher = (event: Readonly<Record<string, unknown>>) => boolean;

const COMPARE = {
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
} as const;

/**
 * Equality or glob on a rendered value. A value holding U+0000 never matches a glob, because
 * SQLite's GLOB stops reading at it (the SQL side guards with instr(x, char(0)) = 0).
 */
function valueTest(pattern: Pattern): (s: string) => boolean {
  checkPattern(pattern);
  if (!hasWildcard(pattern)) {
    const literal = literalOf(pattern);
    return (s) => s === literal;
  }
  const glob = compileGlob(pattern);
  return (s) => !s.includes('\u0000') && glob(s);
}

function matchTerm(field: string, pattern: Pattern): EventMatcher {
  const spec = fieldSpecOf(field);
  if (spec.kind === 'ip') {
    // Compared as addresses: the `source_ip` column holds parseIp() of the same string.
    const range = ipRangeOf(pattern);
    return (e) =>
      fieldValues(e, spec).some((v) => {
        const ip = typeof v === 'string' ? parseIp(v) : null;
        return ip !== null && inIpRange(ip, range);
      });
  }
  const test = valueTest(pattern);
  return (e) =>
    fieldValues(e, spec).some((v) => {
      const rendered = renderValue(v);
      return rendered !== undefined && test(rendered);
    });
}

function rangeTerm(node: RangeNode): EventMatcher {
  const spec = fieldSpecOf(node.field);
  if (spec.kind !== 'time' && spec.kind !== 'seq') {
    throw queryError(`operator "${node.op}" is not allowed on ${node.field}`);
  }
  const bound = rangeBound(node.field, node.value);
  const cmp = COMPARE[node.op];
  const numberOf =
    spec.kind === 'time'
      ? (v: unknown) => (typeof v === 'string' ? parseTimestampMs(v) : null)
      : (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
  return (e) =>
    fieldValues(e, spec).some((v) => {
      const n = numberOf(v);
      return n !== null && cmp(n, bound);
    });
}

/** Free text: a substring of some string value, A–Z folded on both sides. */
function textTerm(pattern: Pattern): EventMatcher {
  checkPattern(pattern);
  const lowered = lowerPattern(pattern);
  if (!hasWildcard(lowered)) {
    const needle = literalOf(lowered);
    return (e) => someString(e, (s) => asciiLower(s).includes(needle));
  }
  const glob = compileGlob([ANY, ...lowered, ANY]);
  return (e) => someString(e, (s) => !s.includes('\u0000') && glob(asciiLower(s)));
}

/** Compiles an AST (from parseQuery) to a predicate over stored events. */
export function compileMatcher(ast: QueryNode): EventMatcher {
  switch (ast.type) {
    case 'all':
      return () => true;
    case 'and': {
      const parts = ast.children.map(compileMatcher);
      return (e) => parts.every((p) => p(e));
    }
    case 'or': {
      const parts = ast.children.map(compileMatcher);
      return (e) => parts.some((p) => p(e));
    }
    case 'not': {
      const inner = compileMatcher(ast.child);
      return (e) => !inner(e);
    }
    case 'exists': {
      const spec = fieldSpecOf(ast.field);
      return (e) => fieldValues(e, spec).some((v) => v !== null && v !== undefined);
    }
    case 'match':
      return matchTerm(ast.field, ast.pattern);
    case 'range':
      return rangeTerm(ast);
    case 'text':
      return textTerm(ast.pattern);
  }
}
