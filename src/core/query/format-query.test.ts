import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANY, ONE, type QueryNode } from './ast.js';
import { formatQuery } from './format-query.js';
import { parseQuery } from './parse-query.js';
import { queryArb } from './test-support/query-arbitrary.js';

describe('formatQuery', () => {
  it.each([
    ['', ''],
    ['actor.id:alice action:user.*', 'actor.id:alice AND action:user.*'],
    ['a b OR c', 'a AND b OR c'],
    ['a (b OR c)', 'a AND (b OR c)'],
    ['(a b) c', '(a AND b) AND c'],
    ['-(a OR b) -c', 'NOT (a OR b) AND NOT c'],
    ['"user login"', '"user login"'],
    ['id:"*"', 'id:"*"'],
    ['id:a\\*b*', 'id:a\\*b*'],
    ['"AND" "-x" "a:b"', '"AND" AND "-x" AND "a:b"'],
    ['reason:">5"', 'reason:">5"'],
    ['occurred_at:>=2024-01-01T00:00:00Z', 'occurred_at:>=2024-01-01T00:00:00Z'],
    ['() a', '() AND a'],
  ])('%j → %j', (q, formatted) => {
    expect(formatQuery(parseQuery(q))).toBe(formatted);
  });

  it('escapes what bare wildcard words cannot quote', () => {
    const ast: QueryNode = { type: 'text', pattern: ['-a b:"c"', ANY, '(d)\\', ONE] };
    expect(formatQuery(ast)).toBe('\\-a\\ b\\:\\"c\\"*\\(d\\)\\\\?');
    expect(parseQuery(formatQuery(ast))).toEqual(ast);
  });

  it('round-trips every generated AST: parse(format(ast)) deep-equals ast', () => {
    fc.assert(
      fc.property(queryArb, (ast) => {
        expect(parseQuery(formatQuery(ast))).toEqual(ast);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips arbitrary unicode values in every position', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
    const part = fc.oneof(
      text.filter((s) => s !== ''),
      fc.constant(ANY),
      fc.constant(ONE),
    );
    const pattern = fc.array(part, { maxLength: 5 }).map((parts) => {
      // Canonical form: merge literals, collapse **.
      const out: (string | typeof ANY | typeof ONE)[] = [];
      for (const p of parts) {
        const last = out[out.length - 1];
        if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
        else if (!(p === ANY && last === ANY)) out.push(p);
      }
      return out;
    });
    fc.assert(
      fc.property(pattern, text, (p, reason) => {
        const asts: QueryNode[] = [
          { type: 'text', pattern: p },
          { type: 'match', field: 'reason', pattern: [reason].filter((s) => s !== '') },
        ];
        if (!(p.length === 1 && p[0] === ANY))
          asts.push({ type: 'match', field: 'metadata.k', pattern: p });
        for (const ast of asts) expect(parseQuery(formatQuery(ast))).toEqual(ast);
      }),
      { numRuns: 2000 },
    );
  });
});
