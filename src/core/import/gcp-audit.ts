/**
 * Google Cloud audit log entries (`LogEntry` with an `AuditLog` protoPayload) → event schema v1
 * (docs/sources/gcp-audit.md). Accepts a JSON array (`gcloud logging read --format=json`), the
 * `{"entries":[...]}` response of `entries.list`, a single entry, JSONL (a log sink's files),
 * and CloudEvents `LogEntryData` (also inside a CloudEvent envelope). Entries are untrusted.
 */
import { sha256 } from '../crypto.js';
import type { EventInput } from '../event/schema.js';
import {
  asId,
  clip,
  finalise,
  isIp,
  isObj,
  readRecords,
  segment,
  skip,
  snake,
  sortSkips,
  str,
  type ImportOptions,
  type ImportResult,
  type Located,
  type Obj,
} from './types.js';

type Category = NonNullable<EventInput['category']>;
type Actor = EventInput['actor'];

const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';
/** google.rpc.Code names, for a reason when `status.message` is empty. */
const CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export function importGcpAudit(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  const { records, skipped } = readRecords(text, 'entries');
  out.skipped.push(...skipped);
  for (const at of records) mapEntry(at, opts, out);
  return sortSkips(out);
}

/** The audit log a `logName` belongs to: `projects/p/logs/cloudaudit.googleapis.com%2Factivity`. */
export function auditLogKind(logName: string | undefined): string | undefined {
  if (!logName) return undefined;
  const m = /cloudaudit\.googleapis\.com(?:%2F|\/)([a-z_]+)$/i.exec(logName);
  return m?.[1]?.toLowerCase();
}

function mapEntry(at: Located, opts: ImportOptions, out: ImportResult): void {
  let e = at.value;
  // A CloudEvent envelope (`google.cloud.audit.log.v1.written`) carries the entry in `data`.
  if (isObj(e) && 'specversion' in e && isObj(e.data)) e = e.data;
  if (!isObj(e)) return skip(at, 'log entry must be a JSON object', out);
  const p = e.protoPayload;
  if (!isObj(p)) return skip(at, 'log entry has no protoPayload object (not an audit log)', out);
  const type = p['@type'];
  if (type !== undefined && type !== AUDIT_LOG_TYPE)
    return skip(at, `protoPayload @type is not ${AUDIT_LOG_TYPE}`, out);
  const serviceName = str(p.serviceName);
  const methodName = str(p.methodName);
  const timestamp = str(e.timestamp);
  if (!serviceName || !methodName || !timestamp)
    return skip(
      at,
      'log entry needs string timestamp, protoPayload.serviceName and methodName',
      out,
    );
  const kind = auditLogKind(str(e.logName));
  const status = isObj(p.status) ? p.status : {};
  const code = statusCode(status.code);
  if (code === undefined)
    return skip(at, 'protoPayload.status.code must be an integer or a google.rpc.Code name', out);
  const denied: Obj | undefined = Array.isArray(p.authorizationInfo)
    ? (p.authorizationInfo as unknown[]).filter(isObj).find((a) => a.granted === false)
    : undefined;
  const failed = code !== 0 || denied !== undefined || kind === 'policy';
  const reason = failed
    ? (str(status.message) ??
      (code !== 0 ? (CODES[code] ?? `code ${code}`) : undefined) ??
      (denied && str(denied.permission)
        ? `permission denied: ${str(denied.permission)}`
        : undefined) ??
      (kind === 'policy' ? 'denied by a security policy' : undefined))
    : undefined;
  const rm = isObj(p.requestMetadata) ? p.requestMetadata : {};
  const callerIp = str(rm.callerIp);
  const ua = str(rm.callerSuppliedUserAgent);
  const resource = isObj(e.resource) ? e.resource : {};
  const labels = isObj(resource.labels) ? resource.labels : {};
  const metadata: Obj = {};
  if (kind) metadata.audit_log = kind;
  if (str(labels.project_id)) metadata.project_id = clip(str(labels.project_id)!, 256);
  if (str(e.severity)) metadata.severity = clip(str(e.severity)!, 32);
  if (callerIp && !isIp(callerIp)) metadata.caller_ip = clip(callerIp, 256);
  if (code !== 0) metadata.status_code = code;
  const auth = isObj(p.authenticationInfo) ? p.authenticationInfo : {};
  const keyName = str(auth.serviceAccountKeyName);
  if (keyName) metadata.service_account_key = clip(keyName, 512);
  const short = shortService(serviceName);
  const event: EventInput = {
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action: `gcp.${short}.${methodPath(methodName, short)}`.slice(0, 256).replace(/\.+$/, ''),
    category: categoryOf(kind, serviceName, methodName),
    outcome: failed ? 'failure' : 'success',
    actor: actorOf(auth, kind, serviceName),
    observer: { service: asId(serviceName) ?? 'gcp' },
    occurred_at: timestamp,
    raw: e,
  };
  const insertId = str(e.insertId);
  if (insertId) {
    // insertId is unique within one log: the log name's hash makes it unique across logs.
    const id = asId(
      `${insertId}-${sha256(str(e.logName) ?? '')
        .toString('hex')
        .slice(0, 12)}`,
    );
    if (id) event.id = id;
  }
  if (reason) event.reason = clip(reason);
  if ((callerIp && isIp(callerIp)) || ua)
    event.source = {
      ...(callerIp && isIp(callerIp) ? { ip: callerIp } : {}),
      ...(ua ? { user_agent: clip(ua) } : {}),
    };
  const resourceName = str(p.resourceName);
  const targetId = resourceName ? asId(resourceName) : undefined;
  const targetType = asId(resource.type);
  if (targetId) event.targets = [{ id: targetId, ...(targetType ? { type: targetType } : {}) }];
  else if (resourceName) metadata.resource_name = clip(resourceName);
  const trace = asId(e.trace);
  const operation = isObj(e.operation) ? asId(e.operation.id) : undefined;
  if (trace || operation)
    event.correlation = {
      ...(operation ? { request_id: operation } : {}),
      ...(trace ? { trace_id: trace } : {}),
    };
  if (Object.keys(metadata).length > 0) event.metadata = metadata;
  finalise(event, at, out);
}

/** `status.code`: absent → 0 (OK); an integer or a code name; anything else → undefined. */
function statusCode(v: unknown): number | undefined {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (/^\d{1,9}$/.test(v)) return Number(v);
  const i = (CODES as readonly string[]).indexOf(v);
  return i === -1 ? undefined : i;
}

/** `pubsub.googleapis.com` → `pubsub`; `k8s.io` → `k8s_io`. */
export function shortService(serviceName: string): string {
  return segment(
    serviceName
      .replace(/\.googleapis\.com$/, '')
      .replace(/\./g, '_')
      .toLowerCase(),
  );
}

const VERSION = /^(v\d+((alpha|beta|p)\d*)*|alpha|beta)$/i;

/**
 * The readable part of a method name (docs/sources/gcp-audit.md). A gRPC name
 * (`google.pubsub.v1.Publisher.CreateTopic`, last part capitalised) keeps only the method:
 * `create_topic`. A REST-style name (`v1.compute.instances.insert`, `storage.objects.get`)
 * drops version parts and parts naming the service: `instances.insert`, `objects.get`.
 */
export function methodPath(methodName: string, short: string): string {
  const parts = methodName.split('.').filter((s) => s !== '');
  const last = parts[parts.length - 1] ?? methodName;
  const serviceParts = new Set(short.split('_'));
  const kept = /^[A-Z]/.test(last)
    ? [last]
    : parts.filter((s) => !VERSION.test(s) && !serviceParts.has(s.toLowerCase()));
  const path = (kept.length > 0 ? kept : [last]).map((s) => segment(snake(s)));
  return path.join('.');
}

export function categoryOf(kind: string | undefined, service: string, method: string): Category {
  if (kind === 'data_access') return 'data';
  if (kind === 'policy') return 'access_control';
  if (kind === 'system_event') return 'change';
  if (/set_?iam_?(policy|permissions)$/i.test(method)) return 'access_control';
  if (service === 'iam.googleapis.com' && /roles?\.|Role$/.test(method)) return 'access_control';
  return kind === 'activity' ? 'change' : 'other';
}

function actorOf(auth: Obj, kind: string | undefined, serviceName: string): Actor {
  const delegation = Array.isArray(auth.serviceAccountDelegationInfo)
    ? auth.serviceAccountDelegationInfo
    : [];
  const delegated = delegation
    .map((d) =>
      isObj(d) && isObj(d.firstPartyPrincipal)
        ? asId(d.firstPartyPrincipal.principalEmail)
        : undefined,
    )
    .find((x) => x !== undefined);
  const email = asId(auth.principalEmail);
  const subject = asId(auth.principalSubject);
  const id = email ?? subject ?? delegated;
  if (!id) {
    // System events have no caller; other entries without one are unauthenticated calls.
    return kind === 'system_event'
      ? { id: asId(serviceName) ?? 'gcp', type: 'system' }
      : { id: 'anonymous', type: 'anonymous' };
  }
  const service =
    /\.gserviceaccount\.com$/.test(id) ||
    /^serviceAccount:/.test(id) ||
    id.startsWith('principal://iam.googleapis.com/projects/');
  const system = /^system[@:]/.test(id);
  return {
    id,
    type: system ? 'system' : service ? 'service' : 'user',
    ...(delegated && delegated !== id ? { on_behalf_of: delegated } : {}),
  };
}
