/**
 * POST /otlp/v1/logs: the OTLP/HTTP logs receiver (docs/sources/opentelemetry.md). Any
 * OpenTelemetry SDK or Collector exports log records here; those with `audit.action` become
 * events. The OTLP specification ("OTLP/HTTP": request, response, failures, throttling) fixes
 * the wire behaviour: binary protobuf or JSON bodies, optionally gzipped; a 200
 * `ExportLogsServiceResponse` (with a partial success naming rejected records) in the request's
 * encoding; failures as a `google.rpc.Status` in that encoding; 429/503 with Retry-After.
 *
 * An encapsulated plugin: its body parsers and error handler apply to this route only. The
 * app's preParsing hook authenticates before the body is read, as on every other route.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { authorize, homeTenant, type Principal } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { VeritrailError, type ErrorCode } from '../../core/errors.js';
import { LIMITS } from '../../core/event/limits.js';
import { mapOtlpLogs, type OtlpMapped, type OtlpRejected } from '../../core/receive/otlp.js';
import { normaliseOtlpLogs } from '../../core/receive/otlp-request.js';
import {
  decodeOtlpLogsProtobuf,
  encodeExportLogsResponse,
  encodeStatus,
} from '../../receivers/otlp-proto.js';
import { principalOf } from '../auth.js';
import { decodeBody } from '../raw-body.js';
import { errorBody, fromFramework, statusOf } from '../errors.js';
import { errorSchema, security, strictObject, tenantParam } from '../schemas.js';

export const OTLP_LOGS_PATH = '/otlp/v1/logs';
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** Seconds a client waits before retrying when ingest is saturated or the store is down. */
const RETRY_AFTER_SECONDS = 1;
/** Reasons listed in a partial success's error message; the count covers the rest. */
const REASONS_SHOWN = 5;
/** Bytes of an over-limit body still read (and dropped) so that the client sees the 413. */
const DRAIN_BYTES = 64 * 1024 * 1024;

interface OtlpBody {
  readonly encoding: 'protobuf' | 'json';
  readonly bytes: Buffer;
}

export async function otlpRoutes(app: FastifyInstance, s: Services): Promise<void> {
  await app.register((child, _opts, done) => {
    plugin(child, s);
    done();
  });
}

function plugin(app: FastifyInstance, s: Services): void {
  const bodyLimit = app.initialConfig.bodyLimit ?? 16 * 1024 * 1024;
  app.removeAllContentTypeParsers();
  const parse =
    (encoding: OtlpBody['encoding']) =>
    async (req: FastifyRequest, payload: AsyncIterable<unknown>): Promise<OtlpBody> => ({
      encoding,
      bytes: await decompress(req, await readBody(payload, bodyLimit), bodyLimit),
    });
  app.addContentTypeParser(PROTOBUF, parse('protobuf'));
  app.addContentTypeParser(JSON_TYPE, parse('json'));
  app.setErrorHandler((e: FastifyError | VeritrailError, req, reply) => {
    const ve = e instanceof VeritrailError ? e : frameworkError(e);
    if (ve.code === 'internal') req.log.error({ err: e }, 'internal error');
    if (
      (ve.code === 'unavailable' || ve.code === 'rate_limited') &&
      !reply.hasHeader('retry-after')
    )
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.code(statusOf(ve.code));
    if (wantsProtobuf(req)) {
      return void reply
        .type(PROTOBUF)
        .send(Buffer.from(encodeStatus(grpcCode(ve.code), ve.message)));
    }
    // google.rpc.Status in JSON (code, message) plus the API's usual error object.
    void reply
      .type(JSON_TYPE)
      .send({ code: grpcCode(ve.code), message: ve.message, ...errorBody(ve) });
  });

  app.post<{ Querystring: { tenant?: string } }>(
    OTLP_LOGS_PATH,
    {
      schema: {
        summary:
          'OTLP/HTTP logs receiver: log records with the attribute audit.action become events',
        description:
          'Body: ExportLogsServiceRequest as application/x-protobuf or application/json, ' +
          'optionally Content-Encoding: gzip. See docs/sources/opentelemetry.md.',
        tags: ['events'],
        security,
        consumes: [PROTOBUF, JSON_TYPE],
        querystring: strictObject({ tenant: tenantParam }),
        response: {
          200: {
            type: 'object',
            properties: {
              partialSuccess: {
                type: 'object',
                properties: {
                  rejectedLogRecords: { type: 'integer' },
                  errorMessage: { type: 'string' },
                },
              },
            },
          },
          ...Object.fromEntries(
            [400, 401, 403, 413, 415, 429, 503].map((status) => [status, otlpErrorSchema]),
          ),
        },
      },
    },
    async (req, reply) => {
      const body = req.body as OtlpBody;
      const principal = principalOf(req);
      const tenant = req.query.tenant;
      // The tenant the request names, or the key's own: refused as a whole (403) when the
      // principal may not ingest there. Other tenants named by resources are checked per record.
      authorize(principal, tenant ?? homeTenant(principal), 'ingest');
      const decoded =
        body.encoding === 'protobuf' ? decodeOtlpLogsProtobuf(body.bytes) : decodeJson(body.bytes);
      if (!decoded.ok) {
        throw new VeritrailError(decoded.error.code, decoded.error.message, decoded.error.issues);
      }
      const mapped = mapOtlpLogs(decoded.value, {
        ...(tenant !== undefined ? { tenant } : {}),
        defaultTenant: homeTenant(principal),
      });
      const { allowed, refused } = byTenant(mapped.events, principal);
      const rejected = [...mapped.rejected, ...refused];
      s.metrics.recordsReceived('otlp', 'skipped', rejected.length);
      await ingestAll(s, allowed, principal);
      const message = rejectionMessage(rejected, rejected.length + allowed.length);
      if (body.encoding === 'protobuf') {
        return reply
          .type(PROTOBUF)
          .send(Buffer.from(encodeExportLogsResponse(rejected.length, message)));
      }
      return reply
        .type(JSON_TYPE)
        .send(
          rejected.length > 0
            ? { partialSuccess: { rejectedLogRecords: rejected.length, errorMessage: message } }
            : {},
        );
    },
  );
}

const otlpErrorSchema = {
  type: 'object',
  description: 'google.rpc.Status (code, message) with the API error object',
  properties: {
    code: { type: 'integer', description: 'gRPC status code' },
    message: { type: 'string' },
    error: errorSchema.properties.error,
  },
} as const;

/**
 * Reads the body, at most `limit` bytes. A larger body is read to its end and dropped, up to
 * DRAIN_BYTES more, before the 413: a client still sending when the server answers and closes
 * sees a broken pipe instead of the 413 (exporters treat that as retryable and resend the same
 * oversized request). Past DRAIN_BYTES the connection is dropped.
 */
async function readBody(payload: AsyncIterable<unknown>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const c = chunk as Buffer;
    size += c.length;
    if (size > limit + DRAIN_BYTES) break; // leaving the loop destroys the request stream
    if (size <= limit) chunks.push(c);
  }
  if (size > limit) {
    throw new VeritrailError('payload_too_large', 'request body is too large', [
      { path: '(body)', message: `is more than the ${limit}-byte body limit` },
    ]);
  }
  return Buffer.concat(chunks, size);
}

/** Gunzips `Content-Encoding: gzip` bodies, the result bounded by the body limit too. */
const decompress = (req: FastifyRequest, body: Buffer, limit: number): Promise<Buffer> =>
  // Only a declared encoding: a protobuf body may start with the gzip magic bytes.
  req.headers['content-encoding'] === undefined
    ? Promise.resolve(body)
    : decodeBody(body, req.headers['content-encoding'], limit);

function decodeJson(bytes: Buffer): ReturnType<typeof normaliseOtlpLogs> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    const reason = (e as Error).message.replace(/[^\x20-\x7e]/g, '?').slice(0, 160);
    return {
      ok: false,
      error: {
        code: 'validation_failed',
        message: `the request body is not valid JSON: ${reason}`,
        issues: [{ path: '(body)', message: 'is not valid JSON' }],
      },
    };
  }
  return normaliseOtlpLogs(value);
}

/** Records for tenants the principal may not write to are rejected one by one. */
function byTenant(
  events: readonly OtlpMapped[],
  principal: Principal,
): { allowed: OtlpMapped[]; refused: OtlpRejected[] } {
  const verdicts = new Map<string, string | null>();
  const allowed: OtlpMapped[] = [];
  const refused: OtlpRejected[] = [];
  for (const m of events) {
    const t = m.event.tenant;
    let verdict = verdicts.get(t);
    if (verdict === undefined) {
      try {
        authorize(principal, t, 'ingest');
        verdict = null;
      } catch (e) {
        if (!(e instanceof VeritrailError)) throw e;
        verdict = `tenant ${t} (from veritrail.tenant): ${e.message}`;
      }
      verdicts.set(t, verdict);
    }
    if (verdict === null) allowed.push(m);
    else refused.push({ path: m.path, reason: verdict });
  }
  return { allowed, refused };
}

/**
 * Appends in batches of at most LIMITS.batchSize. Each mapped event was already checked as
 * ingest checks it, so no batch is refused for one bad event. On a failure the exporter retries
 * the whole request; batches already stored come back as duplicates (same ids).
 */
async function ingestAll(s: Services, events: readonly OtlpMapped[], principal: Principal) {
  for (let at = 0; at < events.length; at += LIMITS.batchSize) {
    const chunk = events.slice(at, at + LIMITS.batchSize);
    let appended;
    try {
      appended = await s.ingest.ingest(
        chunk.map((m) => m.event),
        principal,
        'logRecords',
      );
    } catch (e) {
      s.metrics.recordsReceived('otlp', 'failed', events.length - at);
      throw e;
    }
    const duplicates = appended.filter((a) => a.duplicate).length;
    s.metrics.recordsReceived('otlp', 'duplicate', duplicates);
    s.metrics.recordsReceived('otlp', 'appended', appended.length - duplicates);
  }
}

function rejectionMessage(rejected: readonly OtlpRejected[], total: number): string {
  if (rejected.length === 0) return '';
  const shown = rejected
    .slice(0, REASONS_SHOWN)
    .map((r) => `${r.path}: ${r.reason}`)
    .join('; ');
  const more =
    rejected.length > REASONS_SHOWN ? `; and ${rejected.length - REASONS_SHOWN} more` : '';
  return `${rejected.length} of ${total} log records rejected: ${shown}${more}`;
}

function frameworkError(e: FastifyError): VeritrailError {
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new VeritrailError(
      'unsupported_media_type',
      `send OTLP as ${PROTOBUF} or ${JSON_TYPE}`,
      [{ path: '(headers).content-type', message: `must be ${PROTOBUF} or ${JSON_TYPE}` }],
    );
  }
  return fromFramework(e);
}

function wantsProtobuf(req: FastifyRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.trim().toLowerCase().startsWith(PROTOBUF);
}

/** Error code → gRPC status code, for the `google.rpc.Status` body (OTLP/HTTP "Failures"). */
export function grpcCode(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'invalid_query':
    case 'unsupported_media_type':
      return 3; // INVALID_ARGUMENT
    case 'not_found':
      return 5; // NOT_FOUND
    case 'forbidden':
      return 7; // PERMISSION_DENIED
    case 'payload_too_large':
    case 'rate_limited':
      return 8; // RESOURCE_EXHAUSTED
    case 'verification_failed':
      return 9; // FAILED_PRECONDITION
    case 'conflict':
      return 10; // ABORTED
    case 'internal':
      return 13; // INTERNAL
    case 'unavailable':
      return 14; // UNAVAILABLE
    case 'unauthenticated':
      return 16; // UNAUTHENTICATED
  }
}
