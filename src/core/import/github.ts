/**
 * GitHub organisation / enterprise audit log entries → event schema v1
 * (docs/sources/github.md). Accepts the JSON array of the web export and of
 * `GET /orgs/{org}/audit-log`, or JSONL (audit log streaming). Entries are untrusted.
 */
import type { EventInput } from '../event/schema.js';
import { isRfc3339 } from '../event/schema.js';
import {
  asId,
  clip,
  finalise,
  isIp,
  isObj,
  readRecords,
  segment,
  skip,
  sortSkips,
  str,
  type ImportOptions,
  type ImportResult,
  type Located,
  type Obj,
} from './types.js';

type Category = NonNullable<EventInput['category']>;
type Target = NonNullable<EventInput['targets']>[number];

export function importGitHub(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  // GitHub has no wrapper object; `audit_log` is never a key of an entry.
  const { records, skipped } = readRecords(text, 'audit_log');
  out.skipped.push(...skipped);
  for (const at of records) mapEntry(at, opts, out);
  return sortSkips(out);
}

/** Years 1970-9999 in milliseconds: `new Date(ms).toISOString()` cannot throw inside. */
const MAX_MS = 253402300799999;

/** `@timestamp` / `created_at`: milliseconds since the epoch, or an RFC 3339 string. */
export function timeOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_MS)
    return new Date(v).toISOString();
  if (typeof v === 'string' && isRfc3339(v)) return v;
  return undefined;
}

function mapEntry(at: Located, opts: ImportOptions, out: ImportResult): void {
  const r = at.value;
  if (!isObj(r)) return skip(at, 'audit log entry must be a JSON object', out);
  const action = str(r.action);
  if (!action) return skip(at, 'audit log entry needs a string action', out);
  const occurredAt = timeOf(r['@timestamp']) ?? timeOf(r.created_at);
  if (!occurredAt)
    return skip(at, 'audit log entry needs @timestamp or created_at in epoch milliseconds', out);
  const login = asId(r.actor);
  const actorId = login ?? (typeof r.actor_id === 'number' ? `github-id:${r.actor_id}` : undefined);
  const bot = r.actor_is_bot === true || (login?.endsWith('[bot]') ?? false);
  const ip = str(r.actor_ip);
  const ua = str(r.user_agent);
  const location = isObj(r.actor_location) ? r.actor_location : {};
  const country = asId(location.country_code);
  const source: NonNullable<EventInput['source']> = {};
  if (ip && isIp(ip)) source.ip = ip;
  if (ua) source.user_agent = clip(ua);
  if (country) source.geo = { country };
  const op = str(r.operation_type);
  const event: EventInput = {
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action: ['github', ...action.split('.')].map(segment).join('.').slice(0, 256),
    category: categoryOf(action, op),
    outcome: isFailure(action) ? 'failure' : 'success',
    actor: actorId
      ? { id: actorId, type: bot ? 'service' : 'user' }
      : { id: 'anonymous', type: 'anonymous' },
    observer: { service: 'github' },
    occurred_at: occurredAt,
    raw: r,
  };
  const id = asId(r._document_id);
  if (id) event.id = id;
  if (Object.keys(source).length > 0) event.source = source;
  const targets = targetsOf(r);
  if (targets.length > 0) event.targets = targets;
  const requestId = asId(r.request_id);
  if (requestId) event.correlation = { request_id: requestId };
  const metadata = metadataOf(r, op, ip);
  if (Object.keys(metadata).length > 0) event.metadata = metadata;
  finalise(event, at, out);
}

/**
 * GitHub records actions that happened, so entries are successes, except the few actions
 * whose name says the attempt failed or was refused (`user.failed_login`,
 * `pre_receive_hook.rejected_push`, ...).
 */
export function isFailure(action: string): boolean {
  const verb = action.slice(action.lastIndexOf('.') + 1);
  return /(^|_)(fail|failed|failure|rejected)(_|$)/.test(verb);
}

/** Action families that change security settings rather than content. */
const CONFIGURATION = new Set([
  'protected_branch',
  'repository_ruleset',
  'hook',
  'ip_allow_list',
  'ip_allow_list_entry',
  'secret_scanning',
  'secret_scanning_push_protection',
  'repository_secret_scanning',
  'dependabot_security_updates',
  'dependabot_alerts',
  'environment',
  'required_status_check',
  'audit_log_streaming',
]);
/** Membership, role and permission changes. */
const ACCESS =
  /(^|_)(member|members|admin|owner|billing_manager|collaborator|outside_collaborator|maintainer|role|permission|permissions)(_|$)|^(promote|demote)/;

export function categoryOf(action: string, op: string | undefined): Category {
  const dot = action.indexOf('.');
  const family = dot < 0 ? action : action.slice(0, dot);
  const verb = dot < 0 ? '' : action.slice(action.lastIndexOf('.') + 1);
  if (
    op === 'authentication' ||
    /^(oauth_authorization|two_factor_authentication|personal_access_token_request)$/.test(
      family,
    ) ||
    /(^|_)(login|logout|sso_response)$/.test(verb)
  )
    return 'authentication';
  if (family === 'role') return 'access_control';
  if (family === 'team' || family === 'org' || family === 'business') {
    if (ACCESS.test(verb) || (family === 'team' && /_repository$/.test(verb)))
      return 'access_control';
  } else if (family === 'repo' && ACCESS.test(verb)) return 'access_control';
  if (CONFIGURATION.has(family)) return 'configuration';
  switch (op) {
    case 'access':
      return 'data';
    case 'create':
    case 'modify':
    case 'remove':
    case 'restore':
    case 'transfer':
      return 'change';
    case undefined:
    default:
      return /^(create|destroy|update|delete|remove|add|rename|transfer|archived|unarchived|access)/.test(
        verb,
      )
        ? 'change'
        : 'other';
  }
}

function names(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map(asId).filter((s): s is string => s !== undefined);
}

/** The objects acted on: repository, user, team, organisation, in that order. */
function targetsOf(r: Obj): Target[] {
  const targets: Target[] = [];
  const add = (ids: string[], type: string) => {
    for (const id of ids)
      if (!targets.some((t) => t.id === id && t.type === type)) targets.push({ id, type });
  };
  add(names(r.repo ?? r.repository), 'repository');
  add(names(r.user), 'user');
  add(names(r.team), 'team');
  add(names(r.org), 'organization');
  if (typeof r.oauth_application_id === 'number') {
    const name = str(r.oauth_application);
    targets.push({
      id: String(r.oauth_application_id),
      type: 'oauth_application',
      ...(name ? { name: clip(name) } : {}),
    });
  }
  return targets.slice(0, 64);
}

function metadataOf(r: Obj, op: string | undefined, ip: string | undefined): Obj {
  const m: Obj = {};
  if (op) m.operation_type = clip(op, 256);
  const business = asId(r.business);
  if (business) m.business = business;
  if (typeof r.actor_id === 'number') m.actor_id = r.actor_id;
  const access = str(r.programmatic_access_type);
  if (access) m.programmatic_access_type = clip(access, 256);
  const scopes = str(r.token_scopes);
  if (scopes) m.token_scopes = clip(scopes);
  // A SHA-256 of the token, shown by GitHub to trace a token's use; not the token itself.
  const hashed = asId(r.hashed_token);
  if (hashed) m.hashed_token = hashed;
  if (ip && !isIp(ip)) m.source_address = clip(ip, 256);
  return m;
}
