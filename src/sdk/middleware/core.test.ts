import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createAuditor, type AuditError, type AuditOptions, type RequestSnapshot } from './core.js';
import { CapturingRecorder } from './test-support/recorders.js';

/** Any UTF-16 code unit, lone surrogates included. */
const utf16 = (maxLength = 40) =>
  fc.string({
    maxLength,
    unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
  });

const snapshot = (over: Partial<RequestSnapshot<object>> = {}): RequestSnapshot<object> => ({
  req: {},
  method: 'GET',
  route: '/users/:id',
  params: { id: '1' },
  status: 200,
  error: undefined,
  path: '/users/1',
  startedAt: Date.UTC(2026, 0, 31, 12),
  durationMs: 1.5,
  aborted: false,
  ip: '10.0.0.1',
  requestId: undefined,
  headers: {},
  query: () => ({}),
  body: () => undefined,
  ...over,
});

function setup(over: Partial<AuditOptions<object>> = {}) {
  const recorder = new CapturingRecorder();
  const errors: AuditError[] = [];
  const auditor = createAuditor<object>({ recorder, onError: (e) => errors.push(e), ...over });
  const one = async (snap: RequestSnapshot<object>) => {
    const before = recorder.events.length + errors.length;
    auditor.emit(() => snap);
    await vi.waitFor(() => expect(recorder.events.length + errors.length).toBeGreaterThan(before), {
      interval: 1,
    });
    return recorder.events.at(-1);
  };
  return { recorder, errors, auditor, one };
}

describe('createAuditor', () => {
  it('refuses bad options at startup', () => {
    const recorder = new CapturingRecorder();
    expect(() => createAuditor({ recorder, prefix: 'has space' })).toThrow(/prefix/);
    expect(() => createAuditor({ recorder, prefix: 'a..b' })).toThrow(/prefix/);
    expect(() => createAuditor({ recorder, tenant: 'Not Valid' })).toThrow(/tenant/);
    expect(() => createAuditor({ recorder, observer: { service: '' } })).toThrow(/observer/);
    expect(() => createAuditor({ recorder: {} as never })).toThrow(/tryRecord/);
    expect(() => createAuditor({ recorder, prefix: '', tenant: 'acme' })).not.toThrow();
  });

  it('builds the documented event', async () => {
    const t = setup({ observer: { service: 'billing' } });
    const e = await t.one(
      snapshot({
        method: 'DELETE',
        route: '/orgs/:org/members/:id',
        params: { org: 'acme', id: '42' },
        status: 204,
        ip: '::ffff:192.0.2.7',
        headers: { 'user-agent': 'curl/8.5.0', 'x-request-id': 'req 1' },
      }),
    );
    expect(e).toEqual({
      action: 'api.orgs.members.delete',
      actor: { id: 'anonymous', type: 'anonymous' },
      occurred_at: '2026-01-31T12:00:00.000Z',
      outcome: 'success',
      targets: [{ id: '42', type: 'members' }],
      source: { ip: '192.0.2.7', user_agent: 'curl/8.5.0' },
      correlation: { request_id: 'req%201' },
      observer: { service: 'billing' },
      metadata: {
        method: 'DELETE',
        route: '/orgs/:org/members/:id',
        status: 204,
        duration_ms: 1.5,
      },
    });
  });

  it('an actor that is invalid or never resolves is recorded as unknown, and reported', async () => {
    const invalid = setup({ actor: () => ({ id: 'has space' }) });
    expect((await invalid.one(snapshot()))?.actor).toEqual({ id: 'unknown' });
    expect(invalid.errors.map((e) => e.code)).toEqual(['actor_failed']);

    const hanging = setup({ actor: () => new Promise(() => undefined), actorTimeoutMs: 5 });
    expect((await hanging.one(snapshot()))?.actor).toEqual({ id: 'unknown' });
    expect(hanging.errors.map((e) => e.message)).toEqual(['actor resolver timed out']);
  });

  it('a hook returning the wrong type falls back to the default', async () => {
    const t = setup({ action: () => 1.5 as never, targets: () => 'x' as never });
    const e = await t.one(snapshot());
    expect(e).toMatchObject({ action: 'api.users.read', targets: [{ id: '1', type: 'users' }] });
    expect(t.errors.map((x) => x.code)).toEqual(['hook_failed', 'hook_failed']);
  });

  it('a capture that throws is reported, not thrown', async () => {
    const t = setup();
    t.auditor.emit(() => {
      throw new Error('getter exploded');
    });
    await vi.waitFor(() => expect(t.errors.map((e) => e.code)).toEqual(['capture_failed']));
  });

  it('drops optional metadata parts, largest first, to stay within the byte limit', async () => {
    const t = setup({ includeHeaders: true, includeQuery: true, includeBody: true });
    const big = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`h${i}`, 'v'.repeat(500)]),
    );
    const e = await t.one(
      snapshot({ headers: big, query: () => ({ q: 'small' }), body: () => big }),
    );
    expect(e?.metadata).toMatchObject({ query: { q: 'small' }, truncated: ['body', 'headers'] });
    expect(t.recorder.invalid).toEqual([]);
  });

  it('records the error name and, unless told not to, its message', async () => {
    const withMessage = setup();
    const error = new TypeError('x is not a function');
    expect((await withMessage.one(snapshot({ status: 500, error })))?.metadata?.error).toEqual({
      name: 'TypeError',
      message: 'x is not a function',
    });
    const without = setup({ includeErrorMessage: false });
    expect((await without.one(snapshot({ status: 500, error })))?.metadata?.error).toEqual({
      name: 'TypeError',
    });
  });

  it('property: any request snapshot gives exactly one event the server accepts', async () => {
    const t = setup({
      recordUnmatched: true,
      includeQuery: true,
      includeHeaders: true,
      includeParams: true,
      includeBody: true,
      actor: (req) => (req as { actor?: never }).actor,
    });
    const anything = fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      maxDepth: 12,
      key: utf16(10),
      values: [utf16(), fc.double(), fc.boolean(), fc.constant(null)],
    });
    const header = fc.oneof(utf16(300), fc.array(utf16(), { maxLength: 3 }));
    const arb = fc.record({
      method: utf16(10),
      route: fc.option(utf16(), { nil: undefined }),
      params: fc.dictionary(utf16(8), fc.oneof(utf16(), fc.array(utf16()), anything)),
      status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.double()),
      error: fc.oneof(
        fc.constant(undefined),
        fc.tuple(utf16(), utf16()).map(([n, m]) => Object.assign(new Error(m), { name: n })),
        anything,
      ),
      path: utf16(2000),
      startedAt: fc.oneof(fc.integer({ min: 0, max: 4102444800000 }), fc.double()),
      durationMs: fc.double(),
      aborted: fc.boolean(),
      ip: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), utf16()), { nil: undefined }),
      requestId: fc.option(utf16(300), { nil: undefined }),
      headers: fc.dictionary(
        fc.oneof(
          fc.constantFrom('user-agent', 'x-request-id', 'authorization', 'cookie'),
          utf16(10),
        ),
        header,
      ),
      query: anything,
      body: anything,
      actor: fc.option(
        fc.record({
          id: fc.stringMatching(/^[a-z]{1,8}$/),
          type: fc.constantFrom('user' as const, 'service' as const),
        }),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (a) => {
        t.errors.length = 0;
        const before = t.recorder.events.length;
        const e = await t.one(
          snapshot({ ...a, req: { actor: a.actor }, query: () => a.query, body: () => a.body }),
        );
        expect(t.errors.map((x) => `${x.message}: ${String(x.cause)}`)).toEqual([]);
        expect(t.recorder.invalid).toEqual([]);
        expect(t.recorder.events).toHaveLength(before + 1);
        expect(e?.actor).toEqual(a.actor ?? { id: 'anonymous', type: 'anonymous' });
      }),
      { numRuns: 300 },
    );
  });
});

describe('adapters', () => {
  it.each(['express', 'fastify', 'hono'])(
    '%s.ts imports only the types of its framework, so it loads without it',
    (name) => {
      const source = readFileSync(new URL(`./${name}.ts`, import.meta.url), 'utf8');
      const imports = source.split('\n').filter((l) => /^import\b/.test(l));
      const external = imports.filter((l) => !/from '\.{1,2}\//.test(l));
      expect(external.length).toBeGreaterThan(0);
      for (const line of external) expect(line).toMatch(/^import type /);
    },
  );
});
