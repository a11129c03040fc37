/**
 * Kubernetes audit events (`audit.k8s.io/v1` Event) → event schema v1
 * (docs/import.md#k8s-audit). Accepts JSONL (one Event per line, the log backend) or an
 * `EventList` (the webhook backend). Records are untrusted.
 */
import type { EventInput } from '../event/schema.js';
import {
  asId,
  clip,
  finalise,
  isObj,
  readRecords,
  segment,
  skip,
  sortSkips,
  str,
  type ImportOptions,
  type ImportResult,
  type Located,
} from './types.js';

type Category = NonNullable<EventInput['category']>;
type ActorType = NonNullable<EventInput['actor']['type']>;

const RBAC = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);

export function importK8sAudit(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  const { records, skipped } = readRecords(text, 'items');
  out.skipped.push(...skipped);
  for (const at of records) mapEvent(at, opts, out);
  return sortSkips(out);
}

function mapEvent(at: Located, opts: ImportOptions, out: ImportResult): void {
  const e = at.value;
  if (!isObj(e)) return skip(at, 'audit event must be a JSON object', out);
  const verb = str(e.verb);
  const auditID = asId(e.auditID);
  const occurredAt = str(e.stageTimestamp) ?? str(e.requestReceivedTimestamp);
  if (!verb || !auditID || !occurredAt)
    return skip(at, 'audit event needs string verb, auditID and stageTimestamp', out);
  const user = isObj(e.user) ? e.user : {};
  const username = asId(user.username);
  if (!username) return skip(at, 'audit event needs user.username', out);
  const ref = isObj(e.objectRef) ? e.objectRef : undefined;
  const resource = ref ? str(ref.resource) : undefined;
  const sub = ref ? str(ref.subresource) : undefined;
  const action = ['k8s', resource ?? 'nonresource', ...(sub ? [sub] : []), verb]
    .map((s) => segment(s.toLowerCase()))
    .join('.')
    .slice(0, 256);
  const status = isObj(e.responseStatus) ? e.responseStatus : undefined;
  const code = typeof status?.code === 'number' ? status.code : undefined;
  const reason = status ? (str(status.message) ?? str(status.reason)) : undefined;
  const roles = Array.isArray(user.groups)
    ? user.groups
        .map(asId)
        .filter((g): g is string => g !== undefined)
        .slice(0, 64)
    : [];
  const stage = asId(e.stage);
  const ip = Array.isArray(e.sourceIPs) ? str(e.sourceIPs[0]) : undefined;
  const ua = str(e.userAgent);
  const event: EventInput = {
    id: stage ? `${auditID}-${stage}`.slice(0, 256) : auditID,
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action,
    category: categoryOf(verb, resource),
    outcome: code === undefined ? 'unknown' : code >= 400 ? 'failure' : 'success',
    actor: {
      id: username,
      type: actorTypeOf(username),
      ...(roles.length > 0 ? { roles } : {}),
    },
    observer: { service: 'kube-apiserver' },
    correlation: { request_id: auditID },
    occurred_at: occurredAt,
    raw: e,
  };
  if (reason) event.reason = clip(reason);
  if (ip !== undefined || ua !== undefined)
    event.source = { ...(ip ? { ip } : {}), ...(ua ? { user_agent: clip(ua) } : {}) };
  if (ref && resource) {
    const ns = str(ref.namespace);
    const name = str(ref.name);
    const id = asId([ns, name].filter(Boolean).join('/')) ?? asId(resource);
    const type = asId(resource);
    if (id) {
      event.targets = [
        {
          id,
          ...(type ? { type } : {}),
          ...(resource === 'secrets' ? { data_class: ['secret' as const] } : {}),
        },
      ];
    }
  }
  finalise(event, at, out);
}

function actorTypeOf(username: string): ActorType {
  if (username === 'system:anonymous') return 'anonymous';
  if (username.startsWith('system:serviceaccount:')) return 'service';
  if (username.startsWith('system:')) return 'system';
  return 'user';
}

function categoryOf(verb: string, resource: string | undefined): Category {
  if (resource !== undefined && RBAC.has(resource)) return 'access_control';
  if (resource === 'secrets') return 'data';
  if (['get', 'list', 'watch'].includes(verb)) return 'data';
  if (['create', 'update', 'patch', 'delete', 'deletecollection'].includes(verb)) return 'change';
  return 'other';
}
