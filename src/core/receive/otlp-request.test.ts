import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LOG_RECORDS, MAX_VALUE_DEPTH, normaliseOtlpLogs } from './otlp-request.js';

const wrap = (record: unknown, resourceAttributes: unknown[] = []) => ({
  resourceLogs: [
    {
      resource: { attributes: resourceAttributes },
      scopeLogs: [{ scope: { name: 'lib', version: '1.0' }, logRecords: [record] }],
    },
  ],
});

const first = (value: unknown) => {
  const r = normaliseOtlpLogs(value);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
};

describe('normaliseOtlpLogs (OTLP/JSON)', () => {
  it('reads every AnyValue kind into plain JSON', () => {
    const record = first(
      wrap({
        timeUnixNano: '1767225600123456789',
        observedTimeUnixNano: 1767225600000000000,
        severityNumber: 9,
        severityText: 'INFO',
        eventName: 'audit.login',
        traceId: '5B8EFFF798038103D269B633813FC60C',
        spanId: 'eee19b7ec3c1b174',
        flags: 1,
        body: { stringValue: 'user logged in' },
        attributes: [
          { key: 's', value: { stringValue: 'x' } },
          { key: 'b', value: { boolValue: true } },
          { key: 'i', value: { intValue: '42' } },
          { key: 'big', value: { intValue: '9223372036854775807' } },
          { key: 'neg', value: { intValue: -7 } },
          { key: 'd', value: { doubleValue: 1.5 } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'a', value: { arrayValue: { values: [{ stringValue: 'r1' }, { intValue: 2 }] } } },
          {
            key: 'kv',
            value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } },
          },
          { key: 'bytes', value: { bytesValue: 'AQID' } },
          { key: 'empty', value: {} },
          { key: 'none' },
        ],
      }),
    );
    expect(record).toEqual({
      timeUnixNano: '1767225600123456789',
      observedTimeUnixNano: '1767225600000000000',
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'audit.login',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      flags: 1,
      body: 'user logged in',
      attributes: {
        s: 'x',
        b: true,
        i: 42,
        big: '9223372036854775807',
        neg: -7,
        d: 1.5,
        nan: 'NaN',
        a: ['r1', 2],
        kv: { k: false },
        bytes: 'AQID',
        empty: null,
        none: null,
      },
    });
  });

  it('treats unset, empty and all-zero fields as absent and ignores unknown fields', () => {
    const record = first(
      wrap({
        timeUnixNano: '0',
        traceId: '',
        spanId: '0000000000000000',
        severityText: '',
        somethingNew: { stringValue: 'ignored' },
        attributes: null,
      }),
    );
    expect(record).toEqual({ attributes: {} });
  });

  it('keeps a __proto__ attribute as data, not as a prototype', () => {
    const record = first(
      JSON.parse(
        JSON.stringify(wrap({ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] })),
      ),
    );
    expect(Object.getPrototypeOf(record.attributes)).toBe(Object.prototype);
    expect(Object.keys(record.attributes)).toEqual(['__proto__']);
  });

  it.each([
    [{ resourceLogs: {} }, 'resourceLogs', 'must be an array'],
    [[], '(body)', 'must be an object'],
    [
      wrap({ timeUnixNano: 'yesterday' }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.timeUnixNano',
      'must be an integer',
    ],
    [
      wrap({ timeUnixNano: '-1' }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.timeUnixNano',
      'must be between',
    ],
    [wrap({ traceId: 'abc' }), 'resourceLogs.0.scopeLogs.0.logRecords.0.traceId', '32 hex digits'],
    [wrap({ traceId: 12 }), 'resourceLogs.0.scopeLogs.0.logRecords.0.traceId', '32 hex digits'],
    [
      wrap({ severityText: 3 }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.severityText',
      'must be a string',
    ],
    [
      wrap({ attributes: [{ key: 1 }] }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.attributes.0.key',
      'must be a string',
    ],
    [
      wrap({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.attributes.0.value.boolValue',
      'must be a boolean',
    ],
    [
      wrap({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.attributes.0.value.intValue',
      'must be an integer',
    ],
    [
      wrap({ attributes: [{ key: 'k', value: { bytesValue: 'not base64!' } }] }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.attributes.0.value.bytesValue',
      'base64',
    ],
    [
      wrap({ attributes: 'a=b' }),
      'resourceLogs.0.scopeLogs.0.logRecords.0.attributes',
      'must be an array',
    ],
    [wrap(null), 'resourceLogs.0.scopeLogs.0.logRecords.0', 'must be an object'],
    [
      wrap({}, [{ key: 'service.name', value: 'svc' }]),
      'resourceLogs.0.resource.attributes.0.value',
      'must be an object',
    ],
  ])('refuses a value of the wrong type, naming its path (%#)', (body, path, message) => {
    const r = normaliseOtlpLogs(body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_failed');
    expect(r.error.issues[0]!.path).toBe(path);
    expect(r.error.issues[0]!.message).toContain(message);
    expect(r.error.message).toContain(path);
  });

  it('bounds AnyValue nesting', () => {
    let v: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < MAX_VALUE_DEPTH + 5; i++) v = { arrayValue: { values: [v] } };
    const r = normaliseOtlpLogs(wrap({ body: v }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(`nested deeper than ${MAX_VALUE_DEPTH}`);
    let ok: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < MAX_VALUE_DEPTH - 1; i++) ok = { arrayValue: { values: [ok] } };
    expect(normaliseOtlpLogs(wrap({ body: ok })).ok).toBe(true);
  });

  it('refuses more than MAX_LOG_RECORDS records as too large', () => {
    const body = {
      resourceLogs: [
        { scopeLogs: [{ logRecords: new Array<object>(MAX_LOG_RECORDS + 1).fill({}) }] },
      ],
    };
    const r = normaliseOtlpLogs(body);
    expect(r.ok ? null : r.error.code).toBe('payload_too_large');
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        normaliseOtlpLogs(v);
        normaliseOtlpLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [v] }] }] });
        normaliseOtlpLogs(wrap({ attributes: [{ key: 'k', value: v }] }));
      }),
    );
  });

  it('reads back every attribute value a producer can encode', () => {
    // A JSON value → its AnyValue encoding: normalising must give the value back.
    type J = string | boolean | number | J[] | { [k: string]: J };
    const encode = (v: J): unknown =>
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : typeof v === 'number'
            ? Number.isSafeInteger(v)
              ? { intValue: String(v) }
              : { doubleValue: v }
            : Array.isArray(v)
              ? { arrayValue: { values: v.map(encode) } }
              : {
                  kvlistValue: {
                    values: Object.entries(v).map(([key, x]) => ({ key, value: encode(x) })),
                  },
                };
    const value: fc.Arbitrary<J> = fc.letrec<{ v: J }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string().filter((s) => s !== ''),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 6 }), (attrs) => {
        const record = first(
          wrap({
            attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: encode(v) })),
          }),
        );
        expect(record.attributes).toEqual(attrs);
      }),
    );
  });
});
