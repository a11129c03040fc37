import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../core/event/limits.js';
import { cleanText, keyMatcher, REDACTED, toJson, words } from './redact.js';

/** Any UTF-16 code unit, lone surrogates included. */
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('keyMatcher', () => {
  const defaults = keyMatcher(undefined);
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'Set-Cookie',
    'password',
    'newPassword',
    'access_token',
    'X-CSRF-Token',
    'client_secret',
    'x-api-key',
    'apiKey',
    'API_KEY',
    'apikey',
  ])('redacts %s by default', (key) => expect(defaults(key, [])).toBe(true));
  it.each(['user', 'tokens_count', 'page', 'content-type', 'secretary'])(
    'keeps %s by default',
    (key) => expect(defaults(key, [])).toBe(false),
  );
  it('adds listed keys to the defaults', () => {
    const m = keyMatcher(['ssn', 'card-number']);
    expect(m('SSN', [])).toBe(true);
    expect(m('cardNumber', [])).toBe(true);
    expect(m('cookie', [])).toBe(true);
    expect(m('name', [])).toBe(false);
  });
  it('a function decides, falling back to the defaults on undefined', () => {
    const m = keyMatcher((key, path) =>
      key === 'cookie' ? false : path[0] === 'query' && key === 'q' ? true : undefined,
    );
    expect(m('cookie', ['headers'])).toBe(false);
    expect(m('q', ['query'])).toBe(true);
    expect(m('q', ['headers'])).toBe(false);
    expect(m('authorization', ['headers'])).toBe(true);
  });
  it('splits keys into words', () => {
    expect(words('X-Api-Key')).toEqual(['x', 'api', 'key']);
    expect(words('accessToken')).toEqual(['access', 'token']);
  });
});

describe('toJson', () => {
  const redact = keyMatcher(undefined);
  it('redacts at any depth, inside arrays, and whole values under a redacted key', () => {
    const out = toJson(
      {
        user: { name: 'a', credentials: { password: 'p', token: ['t1', 't2'] } },
        list: [{ secret: 's' }, { ok: 1 }],
        Authorization: { scheme: 'Bearer', value: 'x' },
      },
      redact,
      ['body'],
      2,
    );
    expect(out).toEqual({
      user: { name: 'a', credentials: { password: REDACTED, token: REDACTED } },
      list: [{ secret: REDACTED }, { ok: 1 }],
      Authorization: REDACTED,
    });
  });
  it('bounds depth, entries and strings and turns non-JSON into JSON', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const deep = JSON.stringify(toJson(cyclic, redact, [], 2));
    expect(deep).toContain('[TRUNCATED]');
    const wide = toJson(
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
      redact,
      [],
      2,
    );
    expect(Object.keys(wide as object)).toHaveLength(LIMITS.objectKeys);
    expect((toJson('x'.repeat(5000), redact, [], 2) as string).length).toBe(1024);
    expect(
      toJson(
        {
          n: NaN,
          b: 10n,
          d: new Date(0),
          f: () => 1,
          u: undefined,
          buf: Buffer.from('abc'),
          m: new Map([['k', 'v']]),
          url: new URL('https://x.test/a'),
          nul: 'a\0b',
          lone: 'a\ud800b',
        },
        redact,
        [],
        2,
      ),
    ).toEqual({
      n: 'NaN',
      b: '10',
      d: '1970-01-01T00:00:00.000Z',
      buf: '[binary 3 bytes]',
      m: { k: 'v' },
      url: 'https://x.test/a',
      nul: 'a\ufffdb',
      lone: 'a\ufffdb',
    });
  });
  it('stores a __proto__ key as data', () => {
    const out = toJson(JSON.parse('{"__proto__":{"polluted":true}}'), redact, [], 2) as object;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('property: cleanText keeps strings storable', () => {
    fc.assert(
      fc.property(fc.string({ unit: utf16Unit }), fc.nat(100), (s, n) => {
        const c = cleanText(s, n);
        expect(c.length).toBeLessThanOrEqual(n);
        expect(c).not.toContain('\0');
        expect(c).not.toMatch(LONE);
      }),
    );
  });
});
