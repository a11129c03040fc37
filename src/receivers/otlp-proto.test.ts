/**
 * The protobuf decoder against the official OpenTelemetry JS serializers (the ones the OTLP
 * exporters use): the same log records, encoded as protobuf and as OTLP/JSON, must normalise to
 * the same request. Plus hostile input: truncations, garbage, record floods.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LOG_RECORDS, normaliseOtlpLogs } from '../core/receive/otlp-request.js';
import {
  countLogRecordsOnWire,
  decodeExportLogsResponse,
  decodeOtlpLogsProtobuf,
  decodeStatus,
  encodeExportLogsResponse,
  encodeStatus,
  ExportLogsServiceRequest,
} from './otlp-proto.js';

async function sdkRecords(): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing-api', 'host.name': 'web-3' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('audit', '1.2.3');
  logger.emit({
    eventName: 'audit.user.login',
    timestamp: new Date('2026-01-01T00:00:00.123Z'),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { message: 'alice logged in', attempts: 2 },
    attributes: {
      'audit.action': 'user.login',
      'audit.actor.id': 'u-42',
      'audit.actor.roles': ['admin', 'billing'],
      'audit.risk': 0.25,
      'audit.count': 3,
      'audit.mfa': true,
      'audit.blob': new Uint8Array([1, 2, 3]),
    },
  });
  logger.emit({ body: 'plain log line' });
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

describe('decodeOtlpLogsProtobuf', () => {
  it('decodes the official serializer output to what its OTLP/JSON normalises to', async () => {
    const records = await sdkRecords();
    const proto = ProtobufLogsSerializer.serializeRequest(records)!;
    const json: unknown = JSON.parse(
      new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records)),
    );
    const fromProto = decodeOtlpLogsProtobuf(proto);
    const fromJson = normaliseOtlpLogs(json);
    expect(fromProto.ok && fromJson.ok).toBe(true);
    if (!fromProto.ok || !fromJson.ok) return;
    expect(fromProto.value).toEqual(fromJson.value);

    const rl = fromProto.value.resourceLogs[0]!;
    expect(rl.resource['service.name']).toBe('billing-api');
    expect(rl.scopeLogs[0]!.scope).toMatchObject({ name: 'audit', version: '1.2.3' });
    const [audit, plain] = rl.scopeLogs[0]!.logRecords;
    expect(audit).toMatchObject({
      timeUnixNano: '1767225600123000000',
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'audit.user.login',
      body: { message: 'alice logged in', attempts: 2 },
      attributes: {
        'audit.action': 'user.login',
        'audit.actor.id': 'u-42',
        'audit.actor.roles': ['admin', 'billing'],
        'audit.risk': 0.25,
        'audit.count': 3,
        'audit.mfa': true,
        'audit.blob': 'AQID',
      },
    });
    expect(audit!.observedTimeUnixNano).toMatch(/^\d{19}$/);
    expect(plain!.body).toBe('plain log line');
    expect(countLogRecordsOnWire(proto)).toBe(2);
  });

  it('decodes a request encoded with protobufjs, trace ids as hex', () => {
    const bytes = ExportLogsServiceRequest.encode(
      ExportLogsServiceRequest.fromObject({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  {
                    timeUnixNano: '1767225600000000001',
                    traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                    spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                    attributes: [
                      { key: 'big', value: { intValue: '-9223372036854775808' } },
                      { key: 'inf', value: { doubleValue: Infinity } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const r = decodeOtlpLogsProtobuf(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]).toEqual({
      timeUnixNano: '1767225600000000001',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      attributes: { big: '-9223372036854775808', inf: 'Infinity' },
    });
  });

  it('decodes an empty body as an empty request', () => {
    expect(decodeOtlpLogsProtobuf(new Uint8Array())).toEqual({
      ok: true,
      value: { resourceLogs: [] },
    });
  });

  it('refuses every truncation of a valid request without throwing', async () => {
    const proto = ProtobufLogsSerializer.serializeRequest(await sdkRecords())!;
    let refused = 0;
    for (let n = 1; n < proto.length; n++) {
      const r = decodeOtlpLogsProtobuf(proto.subarray(0, n));
      if (!r.ok) {
        refused++;
        expect(r.error.code).toBe('validation_failed');
        expect(r.error.message).toMatch(/not a protobuf ExportLogsServiceRequest|not a valid/);
      }
    }
    // A cut inside a length-delimited field can never decode; only cuts between fields can.
    expect(refused).toBeGreaterThan(proto.length * 0.9);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const r = decodeOtlpLogsProtobuf(bytes);
        if (!r.ok) expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a flood of empty records before decoding them', () => {
    // ExportLogsServiceRequest{ ResourceLogs{ ScopeLogs{ LogRecord{} × n } } }, 2 bytes each.
    const n = MAX_LOG_RECORDS + 1;
    const records = Buffer.alloc(n * 2);
    for (let i = 0; i < n; i++) records[i * 2] = 0x12; // field 2, length-delimited; length 0
    const sl = Buffer.concat([Buffer.from([0x12]), varint(records.length), records]);
    const rl = Buffer.concat([Buffer.from([0x0a]), varint(sl.length), sl]);
    expect(countLogRecordsOnWire(rl)).toBe(n);
    const r = decodeOtlpLogsProtobuf(rl);
    expect(r.ok ? null : r.error.code).toBe('payload_too_large');
  });
});

describe('responses', () => {
  it('encodes a full success as an empty message and a partial success with its count', () => {
    expect(encodeExportLogsResponse(0, '')).toHaveLength(0);
    expect(decodeExportLogsResponse(encodeExportLogsResponse(3, 'three rejected'))).toEqual({
      partialSuccess: { rejectedLogRecords: '3', errorMessage: 'three rejected' },
    });
    // The official exporter's own response parser reads it.
    expect(
      ProtobufLogsSerializer.deserializeResponse(encodeExportLogsResponse(2, 'two')),
    ).toMatchObject({ partialSuccess: { errorMessage: 'two' } });
  });

  it('encodes a google.rpc.Status', () => {
    expect(decodeStatus(encodeStatus(3, 'bad body'))).toEqual({ code: 3, message: 'bad body' });
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
