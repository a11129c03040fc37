/**
 * Okta System Log `LogEvent`s → event schema v1 (docs/sources/okta.md). Accepts the JSON array
 * of `GET /api/v1/logs`, JSONL, or an event hook delivery (`{"data":{"events":[...]}}`).
 * Events are untrusted.
 */
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
type Outcome = NonNullable<EventInput['outcome']>;
type Severity = NonNullable<EventInput['severity']>;
type ActorType = NonNullable<EventInput['actor']['type']>;
type Target = NonNullable<EventInput['targets']>[number];

export function importOkta(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  const { records, skipped } = readRecords(text, 'events');
  out.skipped.push(...skipped);
  for (const at of unwrapHook(records)) mapEvent(at, opts, out);
  return sortSkips(out);
}

/** An event hook delivery holds its LogEvents in `data.events`. */
function unwrapHook(records: Located[]): Located[] {
  const only = records.length === 1 ? records[0] : undefined;
  if (only?.line !== 1 || !isObj(only.value) || !isObj(only.value.data)) return records;
  const list = only.value.data.events;
  if (!Array.isArray(list)) return records;
  return list.map((value: unknown, index) => ({ line: null, index, value }));
}

function mapEvent(at: Located, opts: ImportOptions, out: ImportResult): void {
  const e = at.value;
  if (!isObj(e)) return skip(at, 'log event must be a JSON object', out);
  const eventType = str(e.eventType);
  const published = str(e.published);
  if (!eventType || !published)
    return skip(at, 'log event needs string eventType and published', out);
  const a = isObj(e.actor) ? e.actor : {};
  const actorId = idOf(a);
  if (!actorId) return skip(at, 'log event needs actor.alternateId or actor.id', out);
  const result = isObj(e.outcome) ? str(e.outcome.result) : undefined;
  const reason = (isObj(e.outcome) ? str(e.outcome.reason) : undefined) ?? str(e.displayMessage);
  const auth = isObj(e.authenticationContext) ? e.authenticationContext : {};
  const sessionId = known(asId(auth.externalSessionId));
  const actorType = actorTypeOf(str(a.type));
  const actorName = known(str(a.displayName));
  const severity = severityOf(str(e.severity));
  const event: EventInput = {
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action: ['okta', ...eventType.split('.')].map(segment).join('.').slice(0, 256),
    category: categoryOf(eventType),
    outcome: outcomeOf(result),
    actor: {
      id: actorId,
      ...(actorType ? { type: actorType } : {}),
      ...(actorName ? { name: clip(actorName) } : {}),
      ...(sessionId ? { session_id: sessionId } : {}),
    },
    observer: { service: 'okta' },
    occurred_at: published,
    raw: e,
  };
  const id = asId(e.uuid);
  if (id) event.id = id;
  if (severity) event.severity = severity;
  if (reason) event.reason = clip(reason);
  const source = sourceOf(e);
  if (Object.keys(source).length > 0) event.source = source;
  const targets = targetsOf(e.target);
  if (targets.length > 0) event.targets = targets;
  const transaction = isObj(e.transaction) ? asId(e.transaction.id) : undefined;
  if (transaction) event.correlation = { request_id: transaction };
  const metadata = metadataOf(e);
  if (Object.keys(metadata).length > 0) event.metadata = metadata;
  finalise(event, at, out);
}

/** Okta writes `unknown` where it has no value. */
const known = (s: string | undefined): string | undefined =>
  s === undefined || s.toLowerCase() === 'unknown' ? undefined : s;

/** The login (`alternateId`) people search by, else Okta's own id. */
const idOf = (o: Obj): string | undefined => known(asId(o.alternateId)) ?? asId(o.id);

export function outcomeOf(result: string | undefined): Outcome {
  switch (result) {
    case 'SUCCESS':
    case 'ALLOW':
      return 'success';
    case 'FAILURE':
    case 'DENY':
      return 'failure';
    case 'CHALLENGE':
      return 'pending';
    case undefined:
    default:
      // SKIPPED, UNKNOWN, absent or unexpected values.
      return 'unknown';
  }
}

function severityOf(s: string | undefined): Severity | undefined {
  switch (s) {
    case 'DEBUG':
    case 'INFO':
      return 'info';
    case 'WARN':
      return 'medium';
    case 'ERROR':
      return 'high';
    case undefined:
    default:
      return undefined;
  }
}

function actorTypeOf(type: string | undefined): ActorType | undefined {
  switch (type) {
    case 'User':
      return 'user';
    case 'SystemPrincipal':
      return 'system';
    case 'PublicClientApp':
    case 'PrivateClientApp':
    case 'AppInstance':
    case 'Client':
      return 'service';
    case 'Token':
    case 'ApiToken':
      return 'api_key';
    case undefined:
    default:
      return undefined;
  }
}

/** By eventType family (docs/sources/okta.md); `other` when nothing fits. */
export function categoryOf(eventType: string): Category {
  const t = eventType;
  if (/^policy\.evaluate|^app\.oauth2\.(as\.)?authorize/.test(t)) return 'authorization';
  if (/^user\.(session|authentication)\./.test(t) || /^app\.oauth2\.(as\.)?token\./.test(t))
    return 'authentication';
  if (
    /\.(user_)?membership\./.test(t) ||
    /\.privilege\.(grant|revoke)$/.test(t) ||
    /^(iam\.role|iam\.resourceset|group\.application_assignment|application\.user_membership)\b/.test(
      t,
    )
  )
    return 'access_control';
  if (/^user\.(account|lifecycle|mfa|credential)\./.test(t) || /^group\.lifecycle\./.test(t))
    return 'account';
  if (/^(system|policy|zone|org|security\.authenticator)\./.test(t)) return 'configuration';
  if (/^application\./.test(t)) return 'change';
  return 'other';
}

function sourceOf(e: Obj): NonNullable<EventInput['source']> {
  const source: NonNullable<EventInput['source']> = {};
  const client = isObj(e.client) ? e.client : {};
  const ip = str(client.ipAddress);
  if (ip && isIp(ip)) source.ip = ip;
  const ua = isObj(client.userAgent) ? known(str(client.userAgent.rawUserAgent)) : undefined;
  if (ua) source.user_agent = clip(ua);
  const geo = isObj(client.geographicalContext) ? client.geographicalContext : {};
  // Okta gives country names ("United States"); ids carry no spaces.
  const countryName = str(geo.country);
  const country = countryName ? asId(countryName.trim().replace(/\s+/g, '_')) : undefined;
  const city = str(geo.city);
  if (country || city)
    source.geo = { ...(country ? { country } : {}), ...(city ? { city: clip(city) } : {}) };
  return source;
}

function targetsOf(v: unknown): Target[] {
  if (!Array.isArray(v)) return [];
  const targets: Target[] = [];
  for (const t of v) {
    if (!isObj(t)) continue;
    const id = idOf(t);
    if (!id) continue;
    const type = str(t.type) ? asId(snake(str(t.type)!)) : undefined;
    const name = known(str(t.displayName));
    targets.push({ id, ...(type ? { type } : {}), ...(name ? { name: clip(name) } : {}) });
  }
  return targets.slice(0, 64);
}

function metadataOf(e: Obj): Obj {
  const m: Obj = {};
  const put = (key: string, v: unknown) => {
    const s = str(v);
    if (s) m[key] = clip(s, 256);
  };
  if (isObj(e.transaction)) put('transaction_type', e.transaction.type);
  put('legacy_event_type', e.legacyEventType);
  put('okta_severity', e.severity);
  if (isObj(e.outcome)) put('okta_result', e.outcome.result);
  const auth = isObj(e.authenticationContext) ? e.authenticationContext : {};
  put('authentication_provider', auth.authenticationProvider);
  put('credential_type', auth.credentialType);
  const sec = isObj(e.securityContext) ? e.securityContext : {};
  put('isp', sec.isp);
  put('as_org', sec.asOrg);
  if (typeof sec.isProxy === 'boolean') m.is_proxy = sec.isProxy;
  const debug =
    isObj(e.debugContext) && isObj(e.debugContext.debugData) ? e.debugContext.debugData : {};
  put('request_uri', debug.requestUri);
  put('threat_suspected', debug.threatSuspected);
  return m;
}
