import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventInputSchema } from '../event/schema.js';
import { mapOtlpLogs, NOT_AN_AUDIT_RECORD, rfc3339FromNanos } from './otlp.js';
import type { OtlpAttributes, OtlpLogRecord, OtlpLogsRequest } from './otlp-request.js';

const RESOURCE: OtlpAttributes = {
  'service.name': 'billing-api',
  'service.version': '2.4.1',
  'host.name': 'web-3',
  'deployment.environment.name': 'production',
};

const request = (
  records: OtlpLogRecord[],
  resource: OtlpAttributes = RESOURCE,
): OtlpLogsRequest => ({
  resourceLogs: [
    {
      resource,
      scopeLogs: [{ scope: { name: 'audit', version: '1', attributes: {} }, logRecords: records }],
    },
  ],
});

const LOGIN: OtlpLogRecord = {
  timeUnixNano: '1767225600123456789',
  observedTimeUnixNano: '1767225600200000000',
  severityNumber: 9,
  body: 'alice logged in',
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  attributes: {
    'audit.action': 'user.login',
    'audit.outcome': 'Success',
    'audit.category': 'authentication',
    'audit.severity': 'low',
    'audit.reason': 'password and TOTP',
    'audit.actor.id': 'u-42',
    'audit.actor.type': 'user',
    'audit.actor.name': 'Alice',
    'audit.actor.roles': ['admin', 'billing'],
    'audit.target.id': 'acct-7',
    'audit.target.type': 'account',
    'client.address': '203.0.113.9',
    'user_agent.original': 'curl/8.5.0',
    'http.request.header.x-request-id': ['req-123'],
  },
};

const opts = { defaultTenant: 'acme' };
const omit = (r: OtlpLogRecord, key: keyof OtlpLogRecord): OtlpLogRecord =>
  Object.fromEntries(Object.entries(r).filter(([k]) => k !== key)) as unknown as OtlpLogRecord;
const mapOne = (record: OtlpLogRecord, resource?: OtlpAttributes) =>
  mapOtlpLogs(request([record], resource), opts);

describe('mapOtlpLogs', () => {
  it('maps an audit record field by field', () => {
    const { events, rejected } = mapOne(LOGIN);
    expect(rejected).toEqual([]);
    const { event, path } = events[0]!;
    expect(path).toBe('resourceLogs.0.scopeLogs.0.logRecords.0');
    expect(event).toMatchObject({
      tenant: 'acme',
      action: 'user.login',
      outcome: 'success',
      category: 'authentication',
      severity: 'low',
      reason: 'password and TOTP',
      actor: { id: 'u-42', type: 'user', name: 'Alice', roles: ['admin', 'billing'] },
      targets: [{ id: 'acct-7', type: 'account' }],
      source: { ip: '203.0.113.9', user_agent: 'curl/8.5.0' },
      observer: {
        service: 'billing-api',
        version: '2.4.1',
        host: 'web-3',
        environment: 'production',
      },
      correlation: { request_id: 'req-123', trace_id: '5b8efff798038103d269b633813fc60c' },
      occurred_at: '2026-01-01T00:00:00.123456789Z',
    });
    expect(event.id).toMatch(/^otlp-[0-9a-f]{64}$/);
    expect(event.raw).toEqual({
      timeUnixNano: '1767225600123456789',
      observedTimeUnixNano: '1767225600200000000',
      severityNumber: 9,
      body: 'alice logged in',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      attributes: LOGIN.attributes,
      resource: RESOURCE,
      scope: { name: 'audit', version: '1' },
    });
    expect(eventInputSchema.safeParse(event).success).toBe(true);
  });

  it('rejects records without audit.action, one by one, with the rule as the reason', () => {
    const plain: OtlpLogRecord = {
      body: 'GET /healthz 200',
      attributes: { 'http.route': '/healthz' },
    };
    const { events, rejected } = mapOtlpLogs(request([plain, LOGIN, plain]), opts);
    expect(events.map((e) => e.path)).toEqual(['resourceLogs.0.scopeLogs.0.logRecords.1']);
    expect(rejected).toEqual([
      { path: 'resourceLogs.0.scopeLogs.0.logRecords.0', reason: NOT_AN_AUDIT_RECORD },
      { path: 'resourceLogs.0.scopeLogs.0.logRecords.2', reason: NOT_AN_AUDIT_RECORD },
    ]);
  });

  it('takes the actor from enduser.id and the id from audit.id or log.record.uid', () => {
    const base = { 'audit.action': 'doc.read', 'enduser.id': 'bob' };
    expect(mapOne({ attributes: base }).events[0]!.event.actor).toEqual({ id: 'bob' });
    expect(
      mapOne({ attributes: { ...base, 'audit.id': 'evt-1', 'log.record.uid': 'uid-1' } }).events[0]!
        .event.id,
    ).toBe('evt-1');
    expect(mapOne({ attributes: { ...base, 'log.record.uid': '01JQ' } }).events[0]!.event.id).toBe(
      '01JQ',
    );
  });

  it.each([
    [{ 'audit.action': 'doc.read' }, 'no actor'],
    [{ 'audit.action': 7, 'audit.actor.id': 'a' }, 'audit.action must be a string'],
    [{ 'audit.action': 'read', 'audit.actor.id': 'a' }, 'action (from audit.action)'],
    [
      { 'audit.action': 'doc.read', 'audit.actor.id': 'a', 'audit.outcome': 'maybe' },
      'outcome (from audit.outcome)',
    ],
    [
      { 'audit.action': 'doc.read', 'audit.actor.id': 'a b' },
      'actor.id (from audit.actor.id or enduser.id)',
    ],
    [
      { 'audit.action': 'doc.read', 'audit.actor.id': 'a', 'audit.actor.roles': [1] },
      'audit.actor.roles must be',
    ],
    [
      { 'audit.action': 'doc.read', 'audit.actor.id': 'a', 'audit.id': 'has space' },
      'id (from audit.id)',
    ],
    [
      { 'audit.action': 'doc.read', 'audit.actor.id': 'a', 'audit.reason': 'nul\0' },
      'reason (from audit.reason)',
    ],
  ])('rejects a record whose audit attributes are bad, saying which (%#)', (attributes, reason) => {
    const { events, rejected } = mapOne({ attributes });
    expect(events).toEqual([]);
    expect(rejected[0]!.reason).toContain(reason);
  });

  it('leaves out semantic-convention values that do not fit, keeping them in raw', () => {
    const attributes = {
      'audit.action': 'doc.read',
      'audit.actor.id': 'a',
      'client.address': 'proxy.internal',
      'http.request.header.x-request-id': ['has space'],
    };
    const { events } = mapOne({ attributes }, { 'service.name': 'my service' });
    const e = events[0]!.event;
    expect(e.source).toBeUndefined();
    expect(e.correlation).toBeUndefined();
    expect(e.observer).toBeUndefined();
    expect((e.raw as { attributes: object }).attributes).toEqual(attributes);
  });

  it('rejects a record too large for raw, naming the limit', () => {
    const { rejected } = mapOne({
      body: 'x'.repeat(70_000),
      attributes: { 'audit.action': 'doc.read', 'audit.actor.id': 'a' },
    });
    expect(rejected[0]!.reason).toMatch(
      /raw \(from the record\): must serialize to at most 65536 bytes/,
    );
  });

  it('uses the tenant parameter, then veritrail.tenant, then the default', () => {
    const resource = { ...RESOURCE, 'veritrail.tenant': 'globex' };
    expect(mapOne(LOGIN, resource).events[0]!.event.tenant).toBe('globex');
    expect(
      mapOtlpLogs(request([LOGIN], resource), { ...opts, tenant: 'initech' }).events[0]!.event
        .tenant,
    ).toBe('initech');
    expect(mapOne(LOGIN).events[0]!.event.tenant).toBe('acme');
  });

  it('falls back to the observed time, and leaves occurred_at to the server without either', () => {
    const observedOnly = omit(LOGIN, 'timeUnixNano');
    expect(mapOne(observedOnly).events[0]!.event.occurred_at).toBe(
      '2026-01-01T00:00:00.200000000Z',
    );
    const neither = omit(observedOnly, 'observedTimeUnixNano');
    expect(mapOne(neither).events[0]!.event.occurred_at).toBeUndefined();
  });

  it('gives a retried record the same id, and different records different ids', () => {
    const again = mapOne(structuredClone(LOGIN)).events[0]!.event.id;
    expect(mapOne(LOGIN).events[0]!.event.id).toBe(again);
    // A collector re-reading the record observes it anew: the id does not change.
    expect(
      mapOne({ ...LOGIN, observedTimeUnixNano: '1767225699000000000' }).events[0]!.event.id,
    ).toBe(again);
    expect(mapOne({ ...LOGIN, timeUnixNano: '1767225600123456790' }).events[0]!.event.id).not.toBe(
      again,
    );
    expect(mapOne(LOGIN, { ...RESOURCE, 'host.name': 'web-4' }).events[0]!.event.id).not.toBe(
      again,
    );
  });

  it('only ever returns events the schema accepts', () => {
    const attr = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('user.login', 'success', 'failure', 'admin', 'high', '10.0.0.1', '::1'),
      fc.integer(),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    );
    const keys = [
      'audit.action',
      'audit.outcome',
      'audit.category',
      'audit.severity',
      'audit.reason',
      'audit.actor.id',
      'audit.actor.type',
      'audit.actor.roles',
      'audit.target.id',
      'audit.target.type',
      'audit.id',
      'enduser.id',
      'client.address',
      'user_agent.original',
      'audit.request_id',
      'log.record.uid',
    ];
    fc.assert(
      fc.property(
        fc.tuple(...keys.map(() => attr)),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (values, t) => {
          const attributes: OtlpAttributes = {};
          keys.forEach((k, i) => {
            if (values[i] !== undefined) attributes[k] = values[i];
          });
          const { events, rejected } = mapOne({ timeUnixNano: t.toString(), attributes });
          expect(events.length + rejected.length).toBe(1);
          for (const { event } of events)
            expect(eventInputSchema.safeParse(event).success).toBe(true);
        },
      ),
    );
  });
});

describe('rfc3339FromNanos', () => {
  it('keeps nanoseconds', () => {
    expect(rfc3339FromNanos('0')).toBe('1970-01-01T00:00:00.000000000Z');
    expect(rfc3339FromNanos('1767225600000000001')).toBe('2026-01-01T00:00:00.000000001Z');
    expect(rfc3339FromNanos((2n ** 64n - 1n).toString())).toBe('2554-07-21T23:34:33.709551615Z');
  });
});
