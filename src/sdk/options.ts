/** Client options (docs/sdk.md#options), their defaults and their checks. */
import { LIMITS } from '../core/event/limits.js';
import { TENANT_PATTERN } from '../core/event/schema.js';
import { VeritrailSdkError } from './errors.js';
import type { DeadLetter } from './dead-letter.js';
import type { FsyncMode } from './spool/spool.js';

export interface RetryOptions {
  /** First backoff ceiling (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Largest backoff ceiling (default 30 s). */
  readonly maxDelayMs?: number;
  /** Growth of the ceiling per failed attempt (default 2). */
  readonly multiplier?: number;
}

export interface ClientSpoolOptions {
  readonly dir: string;
  /** Undelivered bytes at most (default 1 GiB); past it `record` waits or rejects. */
  readonly maxBytes?: number;
  /** Segment file size (default 16 MiB). */
  readonly segmentBytes?: number;
  /** Default `batch`. */
  readonly fsync?: FsyncMode;
}

export interface ClientOptions {
  /** Server base URL, e.g. `https://audit.example.com`. */
  readonly url: string;
  /** API key (`vt_…`) with the `ingest` scope, or the admin token. Never logged. */
  readonly token: string;
  /** Set on events that name no tenant. */
  readonly tenant?: string;
  /** Events per request, 1–1000 (default 500). */
  readonly batchSize?: number;
  /** Bytes of event JSON per request at most (default 4 MiB). */
  readonly maxBatchBytes?: number;
  /** Wait this long for more events before sending a partial batch (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** Events held in memory at most, without a spool (default 10,000). */
  readonly maxQueue?: number;
  /** When the queue or spool is full: `block` (default) waits for room, `reject` throws. */
  readonly overflow?: 'block' | 'reject';
  readonly retry?: RetryOptions;
  readonly spool?: ClientSpoolOptions;
  /** Per request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Background errors: failed sends (before their retry), dead letters, damaged records. */
  readonly onError?: (error: Error) => void;
  /** Events the server refused (400); also written to the spool's dead-letter file. */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  readonly fetch?: typeof fetch;
}

export interface Resolved {
  readonly endpoint: string;
  /** Origin and path, for messages (never credentials). */
  readonly where: string;
  readonly token: string;
  readonly tenant: string | undefined;
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly flushIntervalMs: number;
  readonly maxQueue: number;
  readonly overflow: 'block' | 'reject';
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  readonly requestTimeoutMs: number;
}

export function resolveOptions(o: ClientOptions): Resolved {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw bad('url', 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw bad('url', 'must be an absolute http or https URL');
  if (url.username !== '' || url.password !== '')
    throw bad('url', 'must not contain credentials; pass the token as `token`');
  if (typeof o.token !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(o.token))
    throw bad('token', 'must be 1–512 printable ASCII characters');
  if (o.tenant !== undefined && !TENANT_PATTERN.test(o.tenant))
    throw bad('tenant', 'must match ^[a-z0-9][a-z0-9_-]{0,62}$');
  const base = url.href.replace(/\/+$/, '');
  return {
    endpoint: `${base}/v1/events`,
    where: `${url.origin}${url.pathname.replace(/\/+$/, '')}/v1/events`,
    token: o.token,
    tenant: o.tenant,
    batchSize: int('batchSize', o.batchSize, 500, 1, LIMITS.batchSize),
    maxBatchBytes: int('maxBatchBytes', o.maxBatchBytes, 4 * 2 ** 20, 1024, 2 ** 30),
    flushIntervalMs: int('flushIntervalMs', o.flushIntervalMs, 200, 0, 3_600_000),
    maxQueue: int('maxQueue', o.maxQueue, 10_000, 1, 10_000_000),
    overflow: oneOf('overflow', o.overflow, ['block', 'reject'] as const, 'block'),
    initialDelayMs: int('retry.initialDelayMs', o.retry?.initialDelayMs, 100, 1, 3_600_000),
    maxDelayMs: int('retry.maxDelayMs', o.retry?.maxDelayMs, 30_000, 1, 3_600_000),
    multiplier: num('retry.multiplier', o.retry?.multiplier, 2, 1, 100),
    requestTimeoutMs: int('requestTimeoutMs', o.requestTimeoutMs, 30_000, 1, 3_600_000),
  };
}

export function resolveSpool(s: ClientSpoolOptions): Required<ClientSpoolOptions> {
  if (typeof s.dir !== 'string' || s.dir === '') throw bad('spool.dir', 'must be a directory');
  return {
    dir: s.dir,
    maxBytes: int('spool.maxBytes', s.maxBytes, 2 ** 30, 2 ** 20, Number.MAX_SAFE_INTEGER),
    segmentBytes: int('spool.segmentBytes', s.segmentBytes, 16 * 2 ** 20, 1024, 2 ** 30),
    fsync: oneOf('spool.fsync', s.fsync, ['always', 'batch', 'never'] as const, 'batch'),
  };
}

function bad(path: string, message: string): VeritrailSdkError {
  return new VeritrailSdkError('invalid_options', `${path} ${message}`, [{ path, message }]);
}

function num(path: string, v: number | undefined, def: number, min: number, max: number): number {
  return check(path, v, def, min, max, 'a number');
}

function int(path: string, v: number | undefined, def: number, min: number, max: number): number {
  return check(path, v, def, min, max, 'an integer');
}

function check(
  path: string,
  v: number | undefined,
  def: number,
  min: number,
  max: number,
  kind: 'a number' | 'an integer',
): number {
  if (v === undefined) return def;
  const okKind = kind === 'an integer' ? Number.isSafeInteger(v) : Number.isFinite(v);
  if (typeof v !== 'number' || !okKind || v < min || v > max)
    throw bad(path, `must be ${kind} from ${min} to ${max}`);
  return v;
}

function oneOf<T extends string>(path: string, v: T | undefined, all: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!all.includes(v)) throw bad(path, `must be one of ${all.join(', ')}`);
  return v;
}
