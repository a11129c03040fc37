/**
 * AWS CloudTrail records → event schema v1 (docs/import.md#cloudtrail). Accepts the
 * `{"Records":[...]}` delivery file, a JSON array of records, or JSONL. Records are untrusted.
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
  sortSkips,
  snake,
  str,
  type ImportOptions,
  type ImportResult,
  type Located,
  type Obj,
} from './types.js';

type Category = NonNullable<EventInput['category']>;
type ActorType = NonNullable<EventInput['actor']['type']>;

export function importCloudTrail(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  const { records, skipped } = readRecords(text, 'Records');
  out.skipped.push(...skipped);
  for (const at of records) mapRecord(at, opts, out);
  return sortSkips(out);
}

function mapRecord(at: Located, opts: ImportOptions, out: ImportResult): void {
  const r = at.value;
  if (!isObj(r)) return skip(at, 'record must be a JSON object', out);
  const eventName = str(r.eventName);
  const eventSource = str(r.eventSource);
  const eventTime = str(r.eventTime);
  if (!eventName || !eventSource || !eventTime)
    return skip(at, 'record needs string eventName, eventSource and eventTime', out);
  const ui = isObj(r.userIdentity) ? r.userIdentity : {};
  const actorId = asId(ui.arn) ?? asId(ui.principalId) ?? asId(ui.accountId) ?? asId(ui.invokedBy);
  if (!actorId)
    return skip(at, 'userIdentity has no arn, principalId, accountId or invokedBy', out);
  const service = eventSource.replace(/\.amazonaws\.com$/, '');
  const action = `aws.${segment(service.toLowerCase())}.${segment(snake(eventName))}`.slice(0, 256);
  const issuer =
    isObj(ui.sessionContext) && isObj(ui.sessionContext.sessionIssuer)
      ? str(ui.sessionContext.sessionIssuer.userName)
      : undefined;
  const name = str(ui.userName) ?? issuer;
  const actorType = actorTypeOf(str(ui.type), ui);
  const errorCode = str(r.errorCode);
  const reason = str(r.errorMessage) ?? errorCode;
  const srcAddr = str(r.sourceIPAddress);
  const ua = str(r.userAgent);
  const metadata: Obj = {};
  if (str(r.awsRegion)) metadata.aws_region = r.awsRegion;
  if (str(r.eventType)) metadata.event_type = r.eventType;
  if (str(r.recipientAccountId)) metadata.recipient_account_id = r.recipientAccountId;
  if (srcAddr && !isIp(srcAddr)) metadata.source_address = clip(srcAddr, 256);
  const source: NonNullable<EventInput['source']> = {};
  if (srcAddr && isIp(srcAddr)) source.ip = srcAddr;
  if (ua) source.user_agent = clip(ua);
  const targets = targetsOf(r);
  const event: EventInput = {
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action,
    category: categoryOf(service, eventName),
    outcome: errorCode ? 'failure' : 'success',
    actor: {
      id: actorId,
      ...(actorType ? { type: actorType } : {}),
      ...(name ? { name: clip(name) } : {}),
    },
    observer: { service: asId(eventSource) ?? 'cloudtrail' },
    occurred_at: eventTime,
    raw: r,
  };
  const id = asId(r.eventID);
  if (id) event.id = id;
  if (reason) event.reason = clip(reason);
  if (Object.keys(source).length > 0) event.source = source;
  if (targets.length > 0) event.targets = targets;
  const requestId = asId(r.requestID);
  if (requestId) event.correlation = { request_id: requestId };
  if (Object.keys(metadata).length > 0) event.metadata = metadata;
  finalise(event, at, out);
}

function actorTypeOf(type: string | undefined, ui: Obj): ActorType | undefined {
  switch (type) {
    case 'IAMUser':
    case 'Root':
    case 'FederatedUser':
    case 'SAMLUser':
    case 'WebIdentityUser':
    case 'IdentityCenterUser':
      return 'user';
    case 'AWSService':
    case 'AWSAccount':
      return 'service';
    case 'AssumedRole':
    case 'Role':
      return str(ui.invokedBy) ? 'service' : 'user';
    case undefined:
    default:
      return undefined;
  }
}

/** Heuristics on the API name (docs/import.md); `other` when nothing fits. */
export function categoryOf(service: string, eventName: string): Category {
  if (/^(ConsoleLogin|AssumeRole|GetSessionToken|GetFederationToken|CheckMfa)/.test(eventName))
    return 'authentication';
  if (
    service === 'iam' &&
    /^(Attach|Detach|Put|Delete)\w*Policy$|^(Create|Delete)Policy|^UpdateAssumeRolePolicy$/.test(
      eventName,
    )
  )
    return 'access_control';
  if (/^(Get|List|Describe|BatchGet|Lookup|Search|Head|Select)/.test(eventName)) return 'data';
  if (
    /^(Create|Delete|Put|Update|Modify|Attach|Detach|Add|Remove|Set|Run|Start|Stop|Terminate|Authorize|Revoke|Enable|Disable|Tag|Untag|Publish|Send|Invoke)/.test(
      eventName,
    )
  )
    return 'change';
  return 'other';
}

/** Request parameters whose value names the object acted on, with the target type. */
const PARAM_TARGETS: readonly (readonly [string, string])[] = [
  ['userName', 'user'],
  ['roleName', 'role'],
  ['groupName', 'group'],
  ['policyArn', 'policy'],
  ['bucketName', 'bucket'],
  ['functionName', 'function'],
  ['layerName', 'layer'],
  ['instanceId', 'instance'],
  ['snapshotId', 'snapshot'],
  ['groupId', 'security_group'],
  ['secretId', 'secret'],
  ['trailName', 'trail'],
  ['name', 'resource'],
];

function targetsOf(r: Obj): NonNullable<EventInput['targets']> {
  const targets: NonNullable<EventInput['targets']> = [];
  if (Array.isArray(r.resources)) {
    for (const res of r.resources) {
      if (!isObj(res)) continue;
      const id = asId(res.ARN) ?? asId(res.arn);
      if (!id) continue;
      const type = asId(res.type);
      targets.push(type ? { id, type } : { id });
    }
  }
  if (targets.length === 0 && isObj(r.requestParameters)) {
    const p = r.requestParameters;
    for (const [key, type] of PARAM_TARGETS) {
      const id = asId(p[key]);
      if (id) targets.push({ id, type });
    }
  }
  return targets.slice(0, 64);
}
