import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultAction, defaultTargets, parseTemplate, toId, verbOf } from './action.js';
import { keyMatcher } from './redact.js';

/** Any UTF-16 code unit, lone surrogates included. */
const utf16 = (c: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ ...c, unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) });
const ACTION_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_:-]+)+$/;
const redact = keyMatcher(undefined);

describe('defaultAction', () => {
  it.each([
    ['DELETE', '/orgs/:org/members/:id', 'api.orgs.members.delete'],
    ['GET', '/orgs/:org/members/:id', 'api.orgs.members.read'],
    ['HEAD', '/orgs/:org/members/:id', 'api.orgs.members.read'],
    ['GET', '/orgs/:org/members', 'api.orgs.members.list'],
    ['POST', '/orgs/:org/members', 'api.orgs.members.create'],
    ['PUT', '/users/:id', 'api.users.update'],
    ['PATCH', '/users/:id', 'api.users.update'],
    ['OPTIONS', '/users', 'api.users.options'],
    ['GET', '/', 'api.root.list'],
    ['GET', '/:id', 'api.root.read'],
    ['GET', '/api/v1/apiKeys/:keyId', 'api.v1.api_keys.read'],
    ['GET', '/files/*path', 'api.files.read'], // Express 5 splat
    ['GET', '/files/*', 'api.files.read'], // Fastify and Hono wildcard
    ['GET', '/users{/:id}', 'api.users.read'], // Express 5 optional group
    ['GET', '/posts/:id{[0-9]+}', 'api.posts.read'], // Hono pattern
    ['GET', '/posts/:id(^\\d+$)', 'api.posts.read'], // Fastify pattern
    ['GET', '/reports/report.json', 'api.reports.report_json.list'],
  ])('%s %s → %s', (method, template, action) => {
    expect(defaultAction(method, template, 'api')).toBe(action);
  });

  it('uses the prefix, or none, and names unmatched routes', () => {
    expect(defaultAction('GET', '/users', 'acme.http')).toBe('acme.http.users.list');
    expect(defaultAction('GET', '/users', '')).toBe('users.list');
    expect(defaultAction('GET', '/', '')).toBe('root.list');
    expect(defaultAction('POST', undefined, 'api')).toBe('api.unmatched.create');
    expect(defaultAction('GET', undefined, '')).toBe('unmatched.read');
  });

  it('keeps the last static parts of a template too long for an action', () => {
    const template = Array.from({ length: 20 }, (_, i) => `/segment${i}xxxxxxxx`).join('');
    const action = defaultAction('GET', template, 'api');
    expect(action.length).toBeLessThanOrEqual(256);
    expect(action).toMatch(/^api\..*segment19xxxxxxxx\.list$/);
  });

  it('property: any method, template and valid prefix gives a schema action', () => {
    const prefix = fc.constantFrom('', 'api', 'a.b-c.d_e', 'x'.repeat(64));
    fc.assert(
      fc.property(utf16(), utf16(), prefix, (m, t, p) => {
        for (const action of [defaultAction(m, t, p), defaultAction(m, undefined, p)]) {
          expect(action).toMatch(ACTION_PATTERN);
          expect(action.length).toBeLessThanOrEqual(256);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: the action never depends on the values in the path', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        // Only the template goes in: a parameter's value cannot reach the action.
        expect(defaultAction('GET', '/users/:id', 'api')).toBe('api.users.read');
        expect(defaultTargets('/users/:id', { id: value }, redact)?.[0]?.id ?? '').not.toContain(
          ' ',
        );
      }),
    );
  });
});

describe('parseTemplate and verbOf', () => {
  it('splits static and parameter segments of every framework', () => {
    expect(parseTemplate('/a/:b/c-:d/*e/*')).toEqual([
      { param: false, text: 'a' },
      { param: true, text: 'b' },
      { param: true, text: 'd' },
      { param: true, text: 'e' },
      { param: true, text: '*' },
    ]);
  });
  it('maps methods to verbs', () => {
    expect(verbOf('get', false)).toBe('list');
    expect(verbOf('PURGE', true)).toBe('purge');
    expect(verbOf('!!!', true)).toBe('request');
  });
});

describe('defaultTargets', () => {
  it('takes the last parameter, typed by the static segment before it', () => {
    expect(defaultTargets('/orgs/:org/members/:id', { org: 'a', id: '42' }, redact)).toEqual([
      { id: '42', type: 'members' },
    ]);
    expect(defaultTargets('/:id', { id: 'x' }, redact)).toEqual([{ id: 'x' }]);
    expect(defaultTargets('/files/*path', { path: ['a', 'b'] }, redact)).toEqual([
      { id: 'a/b', type: 'files' },
    ]);
    expect(defaultTargets('/users', {}, redact)).toBeUndefined();
    expect(defaultTargets('/users/:id', {}, redact)).toBeUndefined();
    expect(defaultTargets(undefined, { id: '1' }, redact)).toBeUndefined();
  });
  it('percent-encodes ids the schema would refuse and redacts secret parameters', () => {
    expect(defaultTargets('/users/:name', { name: 'john doe' }, redact)).toEqual([
      { id: 'john%20doe', type: 'users' },
    ]);
    expect(defaultTargets('/reset/:token', { token: 'abc' }, redact)).toEqual([
      { id: '[REDACTED]', type: 'reset' },
    ]);
    expect(defaultTargets('/users/:id', { id: '' }, redact)).toBeUndefined();
  });
  it('property: toId gives a schema id for any non-empty string', () => {
    fc.assert(
      fc.property(utf16({ minLength: 1, maxLength: 400 }), (s) => {
        expect(toId(s)).toMatch(/^[\x21-\x7e]{1,256}$/);
      }),
    );
  });
});
