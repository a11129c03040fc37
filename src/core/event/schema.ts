/**
 * Event schema v1 (ARCHITECTURE §2). Everything arriving here is untrusted producer input:
 * objects are strict (unknown keys are errors, so a typo never silently drops data), strings
 * are bounded, and free-form parts (`metadata`, `raw`) are bounded in keys, depth and bytes.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';

export const CATEGORIES = [
  'authentication',
  'authorization',
  'account',
  'access_control',
  'data',
  'configuration',
  'change',
  'audit',
  'admin',
  'other',
] as const;
export const OUTCOMES = ['success', 'failure', 'pending', 'unknown'] as const;
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const ACTOR_TYPES = ['user', 'service', 'system', 'api_key', 'anonymous'] as const;
export const DATA_CLASSES = ['pci', 'phi', 'pii', 'secret', 'financial'] as const;

/** Printable, no whitespace: identifiers end up in URLs, SQL parameters and log lines. */
const ID_PATTERN = /^[\x21-\x7e]+$/;
/** Tenant names become the log origin `<prefix>/<tenant>` and URL path segments. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** `resource.verb`, e.g. `user.login`; dotted namespaces allowed (`aws.iam.create_user`). */
const ACTION_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_:-]+)+$/;
/** RFC 3339 date-time (section 5.6), with a mandatory offset. */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const id = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`)
    .regex(ID_PATTERN, 'must be printable ASCII without spaces');
/**
 * U+0000 is refused in every string (and key): PostgreSQL text cannot hold it, and an audit
 * field has no use for it. One rule for both stores keeps a log portable between them.
 */
const NUL_MESSAGE = 'must not contain U+0000';
const text = () =>
  z
    .string()
    .max(LIMITS.textLength, `must be at most ${LIMITS.textLength} characters`)
    .refine((s) => !s.includes('\0'), NUL_MESSAGE);
const recordKey = () =>
  z
    .string()
    .max(LIMITS.idLength)
    .refine((s) => !s.includes('\0'), `key ${NUL_MESSAGE}`);
const list = <T extends z.ZodType>(item: T) =>
  z.array(item).max(LIMITS.arrayItems, `must have at most ${LIMITS.arrayItems} items`);

export const timestamp = () =>
  z
    .string()
    .max(40)
    .refine(isRfc3339, 'must be an RFC 3339 date-time with offset, e.g. 2026-01-31T12:00:00Z');

export function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  const back = new Date(ms);
  // Reject 2026-02-30 and 25:00 rather than letting Date roll them over. Leap second 60 is refused.
  return (
    back.getUTCFullYear() === Number(y) &&
    back.getUTCMonth() === Number(mo) - 1 &&
    back.getUTCDate() === Number(d) &&
    back.getUTCHours() === Number(h) &&
    back.getUTCMinutes() === Number(mi)
  );
}

/** Milliseconds since the epoch of a valid RFC 3339 timestamp. */
export function timestampMs(s: string): number {
  return Date.parse(s.toUpperCase());
}

/**
 * Any JSON value, bounded in depth and entries. A hand walk rather than `z.json()`: one pass,
 * no union backtracking, on the ingest hot path. Values from the library API may be non-JSON
 * (undefined, NaN, functions, class instances): those are refused here too.
 */
const json = (maxDepth: number) => z.unknown().superRefine((v, ctx) => boundJson(v, maxDepth, ctx));

/** Where a value sits, as a chain to its parent: the array is built only for an issue. */
interface At {
  readonly up: At | undefined;
  readonly key: string | number;
}
function pathOf(at: At | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let a = at; a !== undefined; a = a.up) out.push(a.key);
  return out.reverse();
}

function boundJson(value: unknown, maxDepth: number, ctx: z.RefinementCtx): void {
  const issue = (message: string, at: At | undefined) =>
    ctx.addIssue({ code: 'custom', message, path: pathOf(at) });
  const walk = (v: unknown, depth: number, at: At | undefined): void => {
    if (typeof v === 'string') {
      if (v.includes('\0')) issue(NUL_MESSAGE, at);
      return;
    }
    if (v === null || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) issue('must be a finite number', at);
      return;
    }
    if (
      typeof v !== 'object' ||
      (!Array.isArray(v) &&
        Object.getPrototypeOf(v) !== Object.prototype &&
        Object.getPrototypeOf(v) !== null)
    ) {
      issue('must be a JSON value', at);
      return;
    }
    if (depth > maxDepth) {
      issue(`nesting deeper than ${maxDepth} levels`, at);
      return;
    }
    if (Array.isArray(v)) {
      if (v.length > LIMITS.objectKeys) return issue(`more than ${LIMITS.objectKeys} entries`, at);
      // An index loop visits the holes of a sparse array too (as undefined: not JSON).
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, { up: at, key: i });
      return;
    }
    const keys = Object.keys(v);
    if (keys.length > LIMITS.objectKeys) return issue(`more than ${LIMITS.objectKeys} entries`, at);
    for (const k of keys) {
      if (k.includes('\0')) {
        issue(`key ${NUL_MESSAGE}`, { up: at, key: k });
        continue;
      }
      walk((v as Record<string, unknown>)[k], depth + 1, { up: at, key: k });
    }
  };
  walk(value, 1, undefined);
}

const bytes = (max: number) => (v: unknown) => Buffer.byteLength(JSON.stringify(v)) <= max;

export const actorSchema = z.strictObject({
  id: id(),
  type: z.enum(ACTOR_TYPES).optional(),
  name: text().optional(),
  privileged: z.boolean().optional(),
  roles: list(id()).optional(),
  session_id: id().optional(),
  mfa: z.boolean().optional(),
  on_behalf_of: id().optional(),
});

const changeSchema = z.strictObject({
  field: id(),
  before: json(LIMITS.metadataDepth).optional(),
  after: json(LIMITS.metadataDepth).optional(),
});

export const targetSchema = z.strictObject({
  id: id(),
  type: id().optional(),
  name: text().optional(),
  data_class: list(z.enum(DATA_CLASSES)).optional(),
  changes: list(changeSchema).optional(),
});

export const sourceSchema = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
  user_agent: text().optional(),
  geo: z.strictObject({ country: id().optional(), city: text().optional() }).optional(),
  device_id: id().optional(),
});

export const observerSchema = z.strictObject({
  service: id(),
  version: id().optional(),
  host: id().optional(),
  environment: id().optional(),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});

export const correlationSchema = z.strictObject({
  request_id: id().optional(),
  trace_id: id().optional(),
  change_id: id().optional(),
  approval_ref: id().optional(),
});

/** What a producer sends. `received_at` is the server's and is refused here. */
export const eventInputSchema = z.strictObject({
  id: id().optional(),
  tenant: z.string().regex(TENANT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$').optional(),
  action: z
    .string()
    .max(LIMITS.idLength)
    .regex(ACTION_PATTERN, 'must look like resource.verb, e.g. user.login'),
  category: z.enum(CATEGORIES).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  reason: text().optional(),
  severity: z.enum(SEVERITIES).optional(),
  actor: actorSchema,
  targets: list(targetSchema).optional(),
  source: sourceSchema.optional(),
  observer: observerSchema.optional(),
  correlation: correlationSchema.optional(),
  occurred_at: timestamp().optional(),
  metadata: z
    .record(recordKey(), json(LIMITS.metadataDepth))
    .refine(bytes(LIMITS.metadataBytes), `must serialize to at most ${LIMITS.metadataBytes} bytes`)
    .optional(),
  raw: z
    .record(recordKey(), json(LIMITS.rawDepth))
    .refine(bytes(LIMITS.rawBytes), `must serialize to at most ${LIMITS.rawBytes} bytes`)
    .optional(),
});

export type EventInput = z.input<typeof eventInputSchema>;
type Parsed = z.output<typeof eventInputSchema>;

/** The stored event: exactly what the API returns, never changed after ingest. */
export type StoredEvent = Omit<
  Parsed,
  'id' | 'tenant' | 'category' | 'outcome' | 'severity' | 'occurred_at'
> & {
  id: string;
  tenant: string;
  category: (typeof CATEGORIES)[number];
  outcome: (typeof OUTCOMES)[number];
  severity: (typeof SEVERITIES)[number];
  occurred_at: string;
  received_at: string;
};
