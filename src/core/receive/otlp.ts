/**
 * OpenTelemetry log records → event schema v1 (docs/sources/opentelemetry.md has the table).
 * Pure: the decoded request (src/core/receive/otlp-request.ts) comes from the caller.
 *
 * One rule says which records are audit events: those with the attribute `audit.action`. The
 * others, and audit records that do not make a valid event, are rejected one by one with a
 * reason (the OTLP partial success), never failing the whole request. `audit.*` attributes are
 * the producer's explicit statement, so a bad value rejects the record; semantic-convention
 * attributes (`client.address`, `service.name`, ...) are taken when valid and otherwise left
 * out of the mapped fields (they stay in `raw`). Every value here is untrusted.
 */
import { canonicalJson } from '../canonical-json.js';
import { sha256 } from '../crypto.js';
import { LIMITS } from '../event/limits.js';
import { eventInputSchema, type EventInput } from '../event/schema.js';
import { issuesFromZod } from '../event/validate.js';
import type { Issue } from '../errors.js';
import { asId, clip, isIp } from '../import/types.js';
import type {
  OtlpAttributes,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpResourceLogs,
  OtlpScope,
  OtlpValue,
} from './otlp-request.js';

export interface OtlpMapOptions {
  /** Tenant of every event (the request's `tenant` parameter); overrides `veritrail.tenant`. */
  readonly tenant?: string;
  /** Tenant when neither `tenant` nor the resource attribute `veritrail.tenant` names one. */
  readonly defaultTenant: string;
}

/** A mapped event; `path` locates its record (`resourceLogs.0.scopeLogs.1.logRecords.2`). */
export interface OtlpMapped {
  readonly path: string;
  readonly event: EventInput & { id: string; tenant: string };
}
export interface OtlpRejected {
  readonly path: string;
  readonly reason: string;
}
export interface OtlpMapResult {
  readonly events: OtlpMapped[];
  readonly rejected: OtlpRejected[];
}

/** The attribute that marks a log record as an audit event. */
export const AUDIT_ACTION = 'audit.action';
export const NOT_AN_AUDIT_RECORD =
  'not an audit event: only log records with the attribute audit.action are stored';

/**
 * Bytes the server adds to a mapped event (defaults for category, outcome, severity,
 * occurred_at, and received_at): kept free under LIMITS.eventBytes so that a record accepted
 * here is never refused at ingest, where one bad event would reject its whole batch.
 */
const STORED_OVERHEAD = 512;

export function mapOtlpLogs(req: OtlpLogsRequest, opts: OtlpMapOptions): OtlpMapResult {
  const out: OtlpMapResult = { events: [], rejected: [] };
  req.resourceLogs.forEach((rl, i) => {
    rl.scopeLogs.forEach((sl, j) => {
      sl.logRecords.forEach((record, k) => {
        const path = `resourceLogs.${i}.scopeLogs.${j}.logRecords.${k}`;
        const r = mapRecord(record, sl.scope, rl, opts);
        if (typeof r === 'string') out.rejected.push({ path, reason: r });
        else out.events.push({ path, event: r });
      });
    });
  });
  return out;
}

type Mapped = OtlpMapped['event'];

/** One record: the event, or why it is rejected. */
export function mapRecord(
  record: OtlpLogRecord,
  scope: OtlpScope,
  rl: OtlpResourceLogs,
  opts: OtlpMapOptions,
): Mapped | string {
  const a = record.attributes;
  if (a[AUDIT_ACTION] === undefined) return NOT_AN_AUDIT_RECORD;
  const problems: string[] = [];
  const audit = (key: string): string | undefined => {
    const v = a[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    problems.push(`${key} must be a string`);
    return undefined;
  };
  const action = audit(AUDIT_ACTION);
  const actorId = audit('audit.actor.id') ?? semconvString(a['enduser.id']);
  const explicitId = audit('audit.id');
  const roles = auditStrings(a, 'audit.actor.roles', problems);
  const category = audit('audit.category')?.toLowerCase();
  const outcome = audit('audit.outcome')?.toLowerCase();
  const severity = audit('audit.severity')?.toLowerCase();
  const actorType = audit('audit.actor.type')?.toLowerCase();
  const actorName = audit('audit.actor.name');
  const reason = audit('audit.reason');
  const targetId = audit('audit.target.id');
  const targetType = audit('audit.target.type');
  const targetName = audit('audit.target.name');
  const requestId = audit('audit.request_id');
  if (problems.length > 0) return problems.join('; ');
  if (action === undefined) return `${AUDIT_ACTION} must not be empty`;
  if (actorId === undefined)
    return 'no actor: set the attribute audit.actor.id (or the semantic convention enduser.id)';

  const raw = rawOf(record, scope, rl.resource);
  let id = explicitId ?? asId(a['log.record.uid']);
  if (id === undefined) {
    // Retries of an export resend the same bytes: the same id, stored once (docs: Idempotency).
    // The observed time is left out when the record has its own time, so a record re-read by
    // a collector (which observes it anew) keeps its id too.
    const stable = { ...raw };
    delete stable.observedTimeUnixNano;
    let canonical: string;
    try {
      canonical = canonicalJson(raw.timeUnixNano === undefined ? raw : stable);
    } catch (e) {
      return `the record cannot be stored as JSON: ${(e as Error).message}`;
    }
    id = `otlp-${sha256(canonical).toString('hex')}`;
  }
  const r = rl.resource;
  const service = asId(r['service.name']);
  const version = asId(r['service.version']);
  const host = asId(r['host.name']);
  const environment = asId(r['deployment.environment.name']) ?? asId(r['deployment.environment']);
  const ip = semconvString(a['client.address']);
  const userAgent = semconvString(a['user_agent.original']);
  const traceId = record.traceId;
  const correlationRequest = requestId ?? asId(first(a['http.request.header.x-request-id']));
  const tenant = opts.tenant ?? semconvString(r['veritrail.tenant']) ?? opts.defaultTenant;

  const event: Mapped = {
    id,
    tenant,
    action,
    actor: {
      id: actorId,
      ...(actorType !== undefined ? { type: actorType as 'user' } : {}),
      ...(actorName !== undefined ? { name: actorName } : {}),
      ...(roles !== undefined ? { roles } : {}),
    },
    raw,
  };
  if (category !== undefined) event.category = category as 'other';
  if (outcome !== undefined) event.outcome = outcome as 'unknown';
  if (severity !== undefined) event.severity = severity as 'info';
  if (reason !== undefined) event.reason = reason;
  if (targetId !== undefined) {
    event.targets = [
      {
        id: targetId,
        ...(targetType !== undefined ? { type: targetType } : {}),
        ...(targetName !== undefined ? { name: targetName } : {}),
      },
    ];
  }
  const hasIp = ip !== undefined && isIp(ip);
  if (hasIp || userAgent !== undefined) {
    event.source = {
      ...(hasIp ? { ip } : {}),
      ...(userAgent !== undefined ? { user_agent: clip(userAgent) } : {}),
    };
  }
  if (service !== undefined) {
    event.observer = {
      service,
      ...(version !== undefined ? { version } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(environment !== undefined ? { environment } : {}),
    };
  }
  if (correlationRequest !== undefined || traceId !== undefined) {
    event.correlation = {
      ...(correlationRequest !== undefined ? { request_id: correlationRequest } : {}),
      ...(traceId !== undefined ? { trace_id: traceId } : {}),
    };
  }
  const occurred = record.timeUnixNano ?? record.observedTimeUnixNano;
  if (occurred !== undefined) event.occurred_at = rfc3339FromNanos(occurred);
  return check(event);
}

/** The record as JSON, with its resource and scope: what `raw` keeps and the id hashes. */
function rawOf(
  record: OtlpLogRecord,
  scope: OtlpScope,
  resource: OtlpAttributes,
): Record<string, OtlpValue> {
  const scopeRaw: OtlpAttributes = {
    ...(scope.name !== undefined ? { name: scope.name } : {}),
    ...(scope.version !== undefined ? { version: scope.version } : {}),
    ...(Object.keys(scope.attributes).length > 0 ? { attributes: scope.attributes } : {}),
  };
  const raw: Record<string, OtlpValue> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) raw[k] = v as OtlpValue;
  raw.resource = resource;
  raw.scope = scopeRaw;
  return raw;
}

/** The same checks ingest makes, so a batch built from mapped events is never refused. */
function check(event: Mapped): Mapped | string {
  const r = eventInputSchema.safeParse(event);
  if (!r.success) return invalid(issuesFromZod(r.error));
  let canonical: string;
  try {
    canonical = canonicalJson(event);
  } catch (e) {
    return `the record cannot be stored as JSON: ${(e as Error).message}`;
  }
  const bytes = Buffer.byteLength(canonical) + STORED_OVERHEAD;
  if (bytes > LIMITS.eventBytes) {
    return `the event would be about ${bytes} bytes; at most ${LIMITS.eventBytes} (LIMITS.eventBytes)`;
  }
  return event;
}

/** Which attribute each event field came from, so a rejection names what to fix. */
const SOURCES: Readonly<Record<string, string>> = {
  id: 'audit.id',
  tenant: 'veritrail.tenant',
  action: 'audit.action',
  category: 'audit.category',
  outcome: 'audit.outcome',
  severity: 'audit.severity',
  reason: 'audit.reason',
  'actor.id': 'audit.actor.id or enduser.id',
  'actor.type': 'audit.actor.type',
  'actor.name': 'audit.actor.name',
  'actor.roles': 'audit.actor.roles',
  'targets.0.id': 'audit.target.id',
  'targets.0.type': 'audit.target.type',
  'targets.0.name': 'audit.target.name',
  'correlation.request_id': 'audit.request_id',
  raw: 'the record',
};

function invalid(issues: readonly Issue[]): string {
  const named = issues.slice(0, 3).map((i) => {
    const field = i.path.replace(/^(actor\.roles)\.\d+$/, '$1').replace(/^(raw)\..*$/, '$1');
    const from = Object.hasOwn(SOURCES, field) ? SOURCES[field] : undefined;
    return `${i.path}${from ? ` (from ${from})` : ''}: ${i.message}`;
  });
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
  return `invalid event: ${named.join('; ')}${more}`;
}

function auditStrings(a: OtlpAttributes, key: string, problems: string[]): string[] | undefined {
  const v = a[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
  problems.push(`${key} must be a string or an array of strings`);
  return undefined;
}

const semconvString = (v: OtlpValue | undefined): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** `http.request.header.*` attributes are string arrays (one entry per header line). */
const first = (v: OtlpValue | undefined): OtlpValue | undefined => (Array.isArray(v) ? v[0] : v);

/** Nanoseconds since the epoch (decimal) → RFC 3339 UTC with nanoseconds. */
export function rfc3339FromNanos(nanos: string): string {
  const n = BigInt(nanos);
  const seconds = n / 1_000_000_000n;
  const fraction = (n % 1_000_000_000n).toString().padStart(9, '0');
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${fraction}Z`;
}
