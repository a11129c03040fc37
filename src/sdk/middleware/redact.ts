/**
 * Redaction and bounding of request data copied into an event's `metadata` (docs/middleware.md
 * "Redaction"). Everything here is untrusted request input: header values, query strings,
 * parameters and bodies may be arbitrarily large, deep, cyclic or not JSON at all. The result
 * is always a JSON value the event schema accepts (ARCHITECTURE §2, LIMITS), with the value of
 * every key that names a secret replaced by `[REDACTED]`.
 */
import { LIMITS } from '../../core/event/limits.js';

export const REDACTED = '[REDACTED]';

/**
 * Keys redacted by default. A key matches an entry when the entry's words appear, in order, in
 * the key's words: `x-api-key`, `apiKey` and `API_KEY` all match `api_key`; `access_token`
 * matches `token`; `tokens_count` does not.
 */
export const DEFAULT_REDACT: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'secret',
  'api_key',
  'apikey',
];

/**
 * Extra keys to redact (added to the defaults), or a function deciding per key: `true` redacts,
 * `false` keeps the value even when a default would redact it, `undefined` leaves the decision
 * to the defaults. `path` holds the keys above this one, e.g. `['query', 'filter']`.
 */
export type RedactOption =
  readonly string[] | ((key: string, path: readonly string[]) => boolean | undefined);

export type KeyMatcher = (key: string, path: readonly string[]) => boolean;

/** `X-Api-Key` → `['x', 'api', 'key']`, `accessToken` → `['access', 'token']`. */
export const words = (key: string): string[] =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');

const containsRun = (hay: readonly string[], needle: readonly string[]): boolean => {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    if (needle.every((w, j) => hay[i + j] === w)) return true;
  }
  return false;
};

export function keyMatcher(option: RedactOption | undefined): KeyMatcher {
  const listed = (list: readonly string[]) => {
    const entries = list.map(words);
    return (key: string) => {
      const w = words(key);
      return entries.some((e) => containsRun(w, e));
    };
  };
  const defaults = listed(DEFAULT_REDACT);
  if (option === undefined) return defaults;
  if (typeof option === 'function') {
    return (key, path) => option(key, path) ?? defaults(key);
  }
  const extra = listed(option);
  return (key) => defaults(key) || extra(key);
}

/** Longest string kept in metadata; longer ones are cut (metadata is bounded in bytes too). */
export const MAX_STRING = 1024;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Cuts `s` to `max` characters and makes it storable: no U+0000 (refused by the schema) and no
 * lone surrogate (refused by canonical JSON), each replaced by U+FFFD.
 */
export function cleanText(s: string, max: number): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  return cut.replace(/\0/g, '\ufffd').replace(LONE_SURROGATE, '\ufffd');
}

/** A Map key as an object key; `String()` throws on a null-prototype object. */
const mapKey = (k: unknown): string =>
  typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || typeof k === 'bigint'
    ? String(k)
    : `[${k === null ? 'null' : typeof k}]`;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A bounded, redacted JSON copy of `value`, which sits at `depth` inside `metadata` (the
 * metadata object itself is depth 1). Objects deeper than the schema allows become
 * `[TRUNCATED]`; objects and arrays keep their first `LIMITS.objectKeys` entries; functions
 * and symbols are left out; other objects (null-prototype records, class instances) give their
 * own enumerable properties, or their `toJSON()` when they have one. Never throws
 * on odd input except where a getter itself throws (the caller catches that).
 */
export function toJson(
  value: unknown,
  redact: KeyMatcher,
  path: readonly string[],
  depth: number,
): Json {
  switch (typeof value) {
    case 'string':
      return cleanText(value, MAX_STRING);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
    case 'object':
      return value === null ? null : toJsonObject(value, redact, path, depth);
  }
}

function toJsonObject(value: object, redact: KeyMatcher, path: readonly string[], depth: number) {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return `[binary ${value.byteLength} bytes]`;
  if (depth > LIMITS.metadataDepth) return '[TRUNCATED]';
  if (Array.isArray(value)) {
    // Array.from, not map: a hole of a sparse array becomes null instead of staying a hole.
    return Array.from(value.slice(0, LIMITS.objectKeys), (v: unknown) =>
      toJson(v, redact, path, depth + 1),
    );
  }
  // Like JSON.stringify: a value's own `toJSON` speaks for it (ids, decimals, URLs).
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function' && !(value instanceof Map)) {
    return toJson((toJSON as () => unknown).call(value), redact, path, depth + 1);
  }
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value.entries()].map(([k, v]) => [mapKey(k), v])
      : Object.entries(value);
  // A null prototype: a `__proto__` key from the request is stored as data, not a prototype.
  const out = Object.create(null) as Record<string, Json>;
  for (const [rawKey, v] of entries.slice(0, LIMITS.objectKeys)) {
    const key = cleanText(rawKey, LIMITS.idLength);
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out[key] = redact(rawKey, path) ? REDACTED : toJson(v, redact, [...path, rawKey], depth + 1);
  }
  return out;
}
