/**
 * The OTLP logs receiver as OpenTelemetry users meet it: a real `veritrail serve`, and the
 * official OpenTelemetry JS SDK (LoggerProvider + the OTLP/HTTP JSON and protobuf exporters)
 * emitting audit log records with an API key; the events are then found by query. Then hostile
 * bodies, each answered with a clear 4xx while the server keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from './helpers.js';

const ADMIN = 'otlp-admin-token-0123456789abcdef';
const BODY_LIMIT = 4 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'veritrail-otlp-'));
let server: Server;
let key: string;

beforeAll(async () => {
  server = await serve(['--data', join(dir, 'data')], {
    VERITRAIL_ADMIN_TOKEN: ADMIN,
    VERITRAIL_BODY_LIMIT: String(BODY_LIMIT),
  });
  const r = await fetch(`${server.url}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'acme', name: 'otel-sdk', scopes: ['ingest'] }),
  });
  expect(r.status).toBe(201);
  key = ((await r.json()) as { token: string }).token;
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Found {
  id: string;
  tenant: string;
  action: string;
  outcome: string;
  category: string;
  severity: string;
  occurred_at: string;
  actor: { id: string; type?: string; roles?: string[] };
  targets?: { id: string; type?: string }[];
  source?: { ip?: string; user_agent?: string };
  observer?: { service: string; version?: string; environment?: string };
  correlation?: { request_id?: string; trace_id?: string };
  raw: { body?: unknown; attributes: Record<string, unknown>; resource: Record<string, unknown> };
}

const find = async (q: string): Promise<Found[]> => {
  const r = await fetch(`${server.url}/v1/events?tenant=acme&q=${encodeURIComponent(q)}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { events: Found[] }).events;
};

/** Records what the exporter reports for each export (forceFlush alone hides failures). */
function recording(inner: LogRecordExporter, results: ExportResult[]): LogRecordExporter {
  return {
    export: (logs: ReadableLogRecord[], done: (r: ExportResult) => void) =>
      inner.export(logs, (r) => {
        results.push(r);
        done(r);
      }),
    shutdown: () => inner.shutdown(),
    forceFlush: async () => inner.forceFlush?.(),
  };
}

async function emitWith(exporter: LogRecordExporter, run: string): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'payments',
      'service.version': '1.4.0',
      'deployment.environment.name': 'staging',
    }),
    processors: [new BatchLogRecordProcessor({ exporter: recording(exporter, results) })],
  });
  const logger = provider.getLogger('payments.audit', '1.0.0');
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    body: `alice approved refund r-1 (${run})`,
    attributes: {
      'audit.action': 'refund.approve',
      'audit.outcome': 'success',
      'audit.category': 'data',
      'audit.severity': 'medium',
      'audit.actor.id': 'alice',
      'audit.actor.type': 'user',
      'audit.actor.roles': ['finance', 'approver'],
      'audit.target.id': 'r-1',
      'audit.target.type': 'refund',
      'client.address': '198.51.100.7',
      'user_agent.original': 'payments-ui/3.2',
      'audit.request_id': `req-${run}`,
      run,
    },
  });
  logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'cache warmed', attributes: { run } });
  await provider.forceFlush();
  await provider.shutdown();
  return results;
}

describe('OTLP logs receiver end to end', () => {
  it.each([
    [
      'json',
      () =>
        new JsonExporter({
          url: `${server.url}/otlp/v1/logs`,
          headers: { Authorization: `Bearer ${key}` },
        }),
    ],
    [
      'protobuf',
      () =>
        new ProtoExporter({
          url: `${server.url}/otlp/v1/logs`,
          headers: { Authorization: `Bearer ${key}` },
          compression: CompressionAlgorithm.GZIP,
        }),
    ],
  ])('stores audit records sent by the SDK with the %s exporter', async (run, exporter) => {
    const results = await emitWith(exporter(), run);
    expect(results.map((r) => r.code)).toEqual([0]); // ExportResultCode.SUCCESS

    const found = await find(`action:refund.approve correlation.request_id:req-${run}`);
    expect(found).toHaveLength(1);
    const e = found[0]!;
    expect(e).toMatchObject({
      tenant: 'acme',
      action: 'refund.approve',
      outcome: 'success',
      category: 'data',
      severity: 'medium',
      actor: { id: 'alice', type: 'user', roles: ['finance', 'approver'] },
      targets: [{ id: 'r-1', type: 'refund' }],
      source: { ip: '198.51.100.7', user_agent: 'payments-ui/3.2' },
      observer: { service: 'payments', version: '1.4.0', environment: 'staging' },
      correlation: { request_id: `req-${run}` },
      raw: {
        body: `alice approved refund r-1 (${run})`,
        attributes: { run, 'audit.action': 'refund.approve' },
        resource: { 'service.name': 'payments' },
      },
    });
    expect(e.id).toMatch(/^otlp-[0-9a-f]{64}$/);
    expect(Math.abs(Date.parse(e.occurred_at) - Date.now())).toBeLessThan(10 * 60_000);
    // The record without audit.action was not stored.
    expect(await find(`raw.attributes.run:${run}`)).toHaveLength(1);
  });

  it('reports records that are not audit events as a partial success', async () => {
    const body = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  attributes: [
                    { key: 'audit.action', value: { stringValue: 'door.open' } },
                    { key: 'enduser.id', value: { stringValue: 'bob' } },
                  ],
                },
                { body: { stringValue: 'not audit' } },
              ],
            },
          ],
        },
      ],
    };
    const r = await post(JSON.stringify(body), 'application/json');
    expect(r.status).toBe(200);
    const res = (await r.json()) as {
      partialSuccess: { rejectedLogRecords: number; errorMessage: string };
    };
    expect(res.partialSuccess.rejectedLogRecords).toBe(1);
    expect(res.partialSuccess.errorMessage).toContain('audit.action');
    expect(await find('action:door.open')).toMatchObject([
      { actor: { id: 'bob' }, correlation: { trace_id: '5b8efff798038103d269b633813fc60c' } },
    ]);
  });

  const post = (body: string | Uint8Array, type: string, extra: Record<string, string> = {}) =>
    fetch(`${server.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': type, ...extra },
      body,
    });

  it.each([
    [
      'a truncated protobuf request',
      () => post(truncatedProtobuf(), 'application/x-protobuf'),
      400,
      'not a protobuf',
    ],
    [
      'JSON of the wrong types',
      () =>
        post(
          '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":true}]}]}]}',
          'application/json',
        ),
      400,
      'timeUnixNano: must be an integer',
    ],
    [
      'binary garbage',
      () => post(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff]), 'application/x-protobuf'),
      400,
      'not a protobuf',
    ],
    [
      'a 10 MB body',
      () => post(new Uint8Array(10 * 1024 * 1024), 'application/x-protobuf'),
      413,
      'too large',
    ],
    [
      'a gzip bomb',
      () =>
        post(gzipSync(Buffer.alloc(64 * 1024 * 1024)), 'application/x-protobuf', {
          'content-encoding': 'gzip',
        }),
      413,
      'decompressed body is over',
    ],
    [
      'XML',
      () => post('<logs/>', 'application/xml'),
      415,
      'application/x-protobuf or application/json',
    ],
  ])('answers %s with a clear 4xx, and keeps serving', async (_name, send, status, message) => {
    const r = await send();
    expect(r.status).toBe(status);
    const type = r.headers.get('content-type') ?? '';
    const text = type.startsWith('application/x-protobuf')
      ? Buffer.from(await r.arrayBuffer()).toString('latin1')
      : ((await r.json()) as { message: string }).message;
    expect(text).toContain(message);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

function truncatedProtobuf(): Uint8Array {
  // ExportLogsServiceRequest{resourceLogs: [ResourceLogs{...30 bytes}]} cut after 10 bytes.
  return new Uint8Array([0x0a, 30, 0x12, 28, 0x12, 26, 0x2a, 24, 0x0a, 22]);
}
