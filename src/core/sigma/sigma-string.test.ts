/**
 * Sigma strings: escaping (rules specification "Escaping"), wildcard matching against a
 * naive matcher, encodings (modifiers appendix examples), and linear-time regular expressions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64, encodeBase64Offsets, encodeUtf16 } from './encode.js';
import { compileStringTest, literalText, parseSigmaString, plainString } from './sigma-string.js';
import { rule } from './test-support/rule.js';

describe('escaping', () => {
  // The specification's list: `\*` and `\?` are literal, `\\*` is a backslash then a
  // wildcard, `\\\*` a backslash then a literal star, and three or four backslashes are two.
  const CASES: readonly [string, string][] = [
    ['a\\*', 'lit(a*)'],
    ['a\\?', 'lit(a?)'],
    ['a\\\\*', 'lit(a\\) star'],
    ['a\\\\\\*', 'lit(a\\*)'],
    ['\\\\\\\\', 'lit(\\\\)'],
    ['\\\\\\', 'lit(\\\\)'],
    ['C:\\Windows', 'lit(C:\\Windows)'],
    ['C:\\\\Windows', 'lit(C:\\Windows)'],
    ['*a?b*', 'star lit(a) one lit(b) star'],
    ['a**b', 'lit(a) star lit(b)'],
  ];
  for (const [raw, want] of CASES) {
    it(JSON.stringify(raw), () => {
      const got = parseSigmaString(raw)
        .parts.map((p) => (p.t === 'lit' ? `lit(${p.s})` : p.t))
        .join(' ');
      expect(got).toBe(want);
    });
  }
});

/** Naive glob over characters of an already-unescaped pattern of tokens. */
type Tok = { w: '*' } | { w: '?' } | { c: string };
function naive(p: readonly Tok[], s: string): boolean {
  const [h, ...rest] = p;
  if (h === undefined) return s === '';
  if ('w' in h && h.w === '*') return naive(rest, s) || (s !== '' && naive(p, s.slice(1)));
  if (s === '') return false;
  return ('w' in h || h.c === s[0]) && naive(rest, s.slice(1));
}

describe('wildcard matching', () => {
  const tok = fc.oneof(
    fc.constant<Tok>({ w: '*' }),
    fc.constant<Tok>({ w: '?' }),
    fc.constantFrom<Tok>(
      { c: 'a' },
      { c: 'b' },
      { c: '*' },
      { c: '?' },
      { c: '\\' },
      { c: '.' },
      { c: '(' },
      { c: '[' },
    ),
  );
  // Writes tokens as rule text: literal *, ? and \ escaped.
  const write = (ts: readonly Tok[]) =>
    ts
      .map((t) => ('w' in t ? t.w : t.c === '*' || t.c === '?' || t.c === '\\' ? `\\${t.c}` : t.c))
      .join('');

  it('agrees with a naive matcher (cased and folded)', () => {
    fc.assert(
      fc.property(
        fc.array(tok, { maxLength: 6 }),
        fc.stringMatching(/^[abAB*?\\.([]{0,8}$/),
        fc.boolean(),
        (ts, s, cased) => {
          const test = compileStringTest(parseSigmaString(write(ts)), cased);
          const fold = (x: string) => (cased ? x : x.toLowerCase());
          const folded = ts.map((t) => ('c' in t ? { c: fold(t.c) } : t));
          expect(test(s)).toBe(naive(folded, fold(s)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips plain text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(literalText(plainString(s))).toBe(s);
        expect(compileStringTest(plainString(s), true)(s)).toBe(true);
      }),
    );
  });
});

describe('encodings (modifiers appendix examples)', () => {
  const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0));
  it('utf16le / utf16be / utf16 of cmd', () => {
    expect(bytes(literalText(encodeUtf16(plainString('cmd'), 'le')))).toEqual([
      0x63, 0, 0x6d, 0, 0x64, 0,
    ]);
    expect(bytes(literalText(encodeUtf16(plainString('cmd'), 'be')))).toEqual([
      0, 0x63, 0, 0x6d, 0, 0x64,
    ]);
    expect(bytes(literalText(encodeUtf16(plainString('cmd'), 'bom')))).toEqual([
      0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0,
    ]);
  });
  it('base64 (RFC 4648 test vectors)', () => {
    const cases = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    expect(cases.map((c) => base64(bytes(c)))).toEqual([
      '',
      'Zg==',
      'Zm8=',
      'Zm9v',
      'Zm9vYg==',
      'Zm9vYmE=',
      'Zm9vYmFy',
    ]);
  });
  it('base64offset: the three forms of pySigma for "/bin/bash"', () => {
    expect(encodeBase64Offsets(plainString('/bin/bash'))).toEqual([
      'L2Jpbi9iYXNo',
      '9iaW4vYmFza',
      'vYmluL2Jhc2',
    ]);
  });
});

describe('regular expressions run in linear time', () => {
  it('a pathological pattern on a long input returns', () => {
    const r = rule(`sel:\n  f|re: '^(a+)+$'\ncondition: sel`);
    const input = `${'a'.repeat(100_000)}!`;
    expect(r.match({ f: input })).toBe(false);
    expect(r.match({ f: 'a'.repeat(100_000) })).toBe(true);
  });
  it('nested wildcards on a long input return', () => {
    const r = rule(`sel:\n  f: '*a*a*a*a*a*a*a*a*a*a*b'\ncondition: sel`);
    expect(r.match({ f: 'a'.repeat(50_000) })).toBe(false);
  });
});
