import { describe, expect, it } from 'vitest';
import { VeritrailError } from '../errors.js';
import { ANY, ONE, type QueryNode } from './ast.js';
import { parseQuery } from './parse-query.js';

const m = (field: string, ...pattern: (string | typeof ANY | typeof ONE)[]): QueryNode => ({
  type: 'match',
  field,
  pattern,
});
const t = (...pattern: (string | typeof ANY | typeof ONE)[]): QueryNode => ({
  type: 'text',
  pattern,
});
const not = (child: QueryNode): QueryNode => ({ type: 'not', child });
const and = (a: QueryNode, b: QueryNode, ...rest: QueryNode[]): QueryNode => ({
  type: 'and',
  children: [a, b, ...rest],
});
const or = (a: QueryNode, b: QueryNode, ...rest: QueryNode[]): QueryNode => ({
  type: 'or',
  children: [a, b, ...rest],
});

/** The issue message of the invalid_query error `q` raises. */
function refusal(q: string): string {
  try {
    parseQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(VeritrailError);
    const err = e as VeritrailError;
    expect(err.code).toBe('invalid_query');
    expect(err.details[0]?.path).toBe('q');
    return err.details[0]?.message ?? '';
  }
  throw new Error(`expected ${JSON.stringify(q)} to be refused`);
}

describe('parseQuery: structure', () => {
  it('empty query and empty group match all', () => {
    expect(parseQuery('')).toEqual({ type: 'all' });
    expect(parseQuery('  \t ')).toEqual({ type: 'all' });
    expect(parseQuery('( )')).toEqual({ type: 'all' });
  });

  it('AND binds tighter than OR; juxtaposition is AND', () => {
    expect(parseQuery('a b OR c')).toEqual(or(and(t('a'), t('b')), t('c')));
    expect(parseQuery('a OR b AND c')).toEqual(or(t('a'), and(t('b'), t('c'))));
    expect(parseQuery('a AND b c')).toEqual(and(t('a'), t('b'), t('c')));
  });

  it('NOT and - bind tighter than AND', () => {
    expect(parseQuery('NOT a b')).toEqual(and(not(t('a')), t('b')));
    expect(parseQuery('-a -outcome:failure')).toEqual(
      and(not(t('a')), not(m('outcome', 'failure'))),
    );
    expect(parseQuery('NOT NOT a')).toEqual(not(not(t('a'))));
    expect(parseQuery('--a')).toEqual(not(not(t('a'))));
  });

  it('parentheses keep their grouping (no flattening, for exact round trips)', () => {
    expect(parseQuery('(a b) c')).toEqual(and(and(t('a'), t('b')), t('c')));
    expect(parseQuery('a (b OR c)')).toEqual(and(t('a'), or(t('b'), t('c'))));
    expect(parseQuery('-(a OR b)')).toEqual(not(or(t('a'), t('b'))));
    expect(parseQuery('((a))')).toEqual(t('a'));
  });

  it('words that name Object.prototype members are plain text', () => {
    expect(parseQuery('constructor toString __proto__')).toEqual(
      and(t('constructor'), t('toString'), t('__proto__')),
    );
    expect(refusal('constructor:x')).toContain('unknown field "constructor"');
  });

  it('keywords are upper-case only; quoted or escaped they are text', () => {
    expect(parseQuery('a and b')).toEqual(and(t('a'), t('and'), t('b')));
    expect(parseQuery('"AND" \\OR')).toEqual(and(t('AND'), t('OR')));
  });
});

describe('parseQuery: terms and values', () => {
  it('field terms, exists, ranges', () => {
    expect(parseQuery('actor.id:alice')).toEqual(m('actor.id', 'alice'));
    expect(parseQuery('metadata.a-b.1x:*')).toEqual({ type: 'exists', field: 'metadata.a-b.1x' });
    expect(parseQuery('occurred_at:>=2024-01-01')).toEqual({
      type: 'range',
      field: 'occurred_at',
      op: '>=',
      value: '2024-01-01',
    });
    expect(parseQuery('observer.seq:<-3')).toEqual({
      type: 'range',
      field: 'observer.seq',
      op: '<',
      value: '-3',
    });
  });

  it('unquoted * and ? are wildcards; quoted or escaped they are literal', () => {
    expect(parseQuery('action:user.*')).toEqual(m('action', 'user.', ANY));
    expect(parseQuery('id:a?c**')).toEqual(m('id', 'a', ONE, 'c', ANY));
    expect(parseQuery('action:"user.*"')).toEqual(m('action', 'user.*'));
    expect(parseQuery('action:user.\\*')).toEqual(m('action', 'user.*'));
    expect(parseQuery('id:"*"')).toEqual(m('id', '*'));
    expect(parseQuery('fail*')).toEqual(t('fail', ANY));
  });

  it('quoted phrases and escapes', () => {
    expect(parseQuery('"user login"')).toEqual(t('user login'));
    expect(parseQuery('reason:"say \\"hi\\" \\\\ bye"')).toEqual(m('reason', 'say "hi" \\ bye'));
    expect(parseQuery('a\\ b\\(c\\)')).toEqual(t('a b(c)'));
    expect(parseQuery('reason:""')).toEqual(m('reason'));
    expect(parseQuery('\\😀\\:x')).toEqual(t('😀:x'));
  });

  it('only the first colon separates the field; later colons belong to the value', () => {
    expect(parseQuery('source.ip:::1')).toEqual(m('source.ip', '::1'));
    expect(parseQuery('action:a:b')).toEqual(m('action', 'a:b'));
    expect(parseQuery('"http://x"')).toEqual(t('http://x'));
    expect(parseQuery('http\\://x')).toEqual(t('http://x'));
  });

  it('a leading > in a value of another field is literal when escaped or quoted', () => {
    expect(parseQuery('reason:\\>5')).toEqual(m('reason', '>5'));
    expect(parseQuery('reason:">5"')).toEqual(m('reason', '>5'));
  });

  it('accepts IPs and CIDR blocks on source.ip', () => {
    expect(parseQuery('source.ip:10.0.0.0/8')).toEqual(m('source.ip', '10.0.0.0/8'));
    expect(parseQuery('source.ip:"2001:db8::/32"')).toEqual(m('source.ip', '2001:db8::/32'));
  });
});

describe('parseQuery: refusals name what and where', () => {
  it.each([
    ['actor.idd:x', 'unknown field "actor.idd" (valid fields include actor.id'],
    ['a bogus:x', 'at column 3'],
    ['metadata:x', 'invalid field "metadata"'],
    ['metadata.a..b:x', 'invalid field "metadata.a..b"'],
    ['raw.a/b:x', 'invalid field "raw.a/b"'],
    [':x', 'missing field name before ":" at column 1'],
    ['action: x', 'missing value after "action:" at column 8'],
    [
      'action:>x',
      'operator ">" is only allowed on occurred_at, received_at, observer.seq at column 8',
    ],
    ['occurred_at:>yesterday', 'invalid occurred_at bound "yesterday"'],
    ['occurred_at:>2024-02-30', 'at column 14'],
    ['occurred_at:>2024-01-01T00:00:60Z', 'invalid occurred_at bound'],
    ['observer.seq:>1.5', 'invalid observer.seq bound "1.5" (expected an integer) at column 15'],
    ['observer.seq:>5*', 'expected a number after ">"'],
    ['source.ip:10.*', 'wildcards are not allowed on source.ip'],
    ['source.ip:10.0.0.256', 'invalid IP address or CIDR block "10.0.0.256" at column 11'],
    ['source.ip:10.0.0.0/33', 'invalid IP address or CIDR block'],
    ['source.ip:010.0.0.1', 'invalid IP address or CIDR block'],
    ['"abc', 'unterminated quoted value at column 1'],
    ['"a\\nb"', 'invalid escape in quotes'],
    ['abc\\', 'dangling escape "\\" at column 4'],
    ['a OR', 'expected a term after OR at column 5'],
    ['OR a', 'unexpected "OR" at column 1'],
    ['a AND AND b', 'expected a term after AND at column 7'],
    ['NOT', 'expected a term after NOT at column 4'],
    ['a - b', 'expected a term after "-" at column 3'],
    ['(a', 'missing ")" for "(" at column 1'],
    ['a)', 'unexpected ")" at column 2'],
    ['foo"bar"', 'missing space after "foo" at column 4'],
    ['"a"b', 'missing space after'],
    ['x\u0000', 'NUL character at column 2'],
    ['😀😀 bogus:1', 'at column 4'],
  ])('%j', (q, message) => {
    expect(refusal(q)).toContain(message);
  });
});

describe('parseQuery: limits', () => {
  it('4096 characters', () => {
    expect(parseQuery('a'.repeat(4096))).toEqual(t('a'.repeat(4096)));
    expect(refusal('a'.repeat(4097))).toBe('query longer than 4096 characters at column 4097');
  });

  it('64 terms', () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' ');
    expect(parseQuery(terms(64)).type).toBe('and');
    expect(refusal(terms(65))).toBe(`more than 64 terms at column ${terms(64).length + 2}`);
  });

  it('16 levels of nesting, counting groups and negations', () => {
    expect(parseQuery(`${'('.repeat(16)}a${')'.repeat(16)}`)).toEqual(t('a'));
    expect(refusal(`${'('.repeat(17)}a${')'.repeat(17)}`)).toBe(
      'nesting deeper than 16 levels at column 17',
    );
    expect(parseQuery(`${'NOT '.repeat(16)}a`).type).toBe('not');
    expect(refusal(`${'-'.repeat(8)}${'('.repeat(9)}a${')'.repeat(9)}`)).toContain('nesting');
  });
});
