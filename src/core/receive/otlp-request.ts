/**
 * An OTLP logs export request (opentelemetry-proto `ExportLogsServiceRequest`) in one
 * normalised shape, whichever encoding it arrived in (docs/sources/opentelemetry.md).
 *
 * `normaliseOtlpLogs` reads the OTLP/JSON mapping (OTLP spec, "JSON Protobuf Encoding":
 * lowerCamelCase keys, trace and span ids as hex, 64-bit integers as strings or numbers, enums
 * as integers, unknown fields ignored) and also the object form protobufjs decodes the binary
 * encoding to (bytes as Uint8Array, 64-bit integers as decimal strings), so both encodings are
 * checked by one piece of code. Everything in the request is untrusted: a value of the wrong
 * type is an issue naming its path, never a crash; nesting and record counts are bounded.
 */
import { err, ok, type Issue, type Result } from '../errors.js';

/** An AnyValue as plain JSON: kvlists become objects, bytes base64, big ints decimal strings. */
export type OtlpValue = string | number | boolean | null | OtlpValue[] | OtlpAttributes;
export interface OtlpAttributes {
  [key: string]: OtlpValue;
}

export interface OtlpLogRecord {
  /** Nanoseconds since the Unix epoch as a decimal string; absent when unset (0). */
  readonly timeUnixNano?: string;
  readonly observedTimeUnixNano?: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly eventName?: string;
  readonly body?: OtlpValue;
  readonly attributes: OtlpAttributes;
  readonly droppedAttributesCount?: number;
  readonly flags?: number;
  /** Lower-case hex, 32 digits; absent when unset (empty or all zero). */
  readonly traceId?: string;
  /** Lower-case hex, 16 digits; absent when unset. */
  readonly spanId?: string;
}

export interface OtlpScope {
  readonly name?: string;
  readonly version?: string;
  readonly attributes: OtlpAttributes;
}

export interface OtlpScopeLogs {
  readonly scope: OtlpScope;
  readonly logRecords: readonly OtlpLogRecord[];
}

export interface OtlpResourceLogs {
  /** The resource's attributes (`service.name`, `host.name`, ...). */
  readonly resource: OtlpAttributes;
  readonly scopeLogs: readonly OtlpScopeLogs[];
}

export interface OtlpLogsRequest {
  readonly resourceLogs: readonly OtlpResourceLogs[];
}

/** Log records in one request: past this the request is refused (413), not held in memory. */
export const MAX_LOG_RECORDS = 50_000;
/** AnyValue nesting (arrays and kvlists inside each other). */
export const MAX_VALUE_DEPTH = 64;

export interface OtlpDecodeError {
  readonly code: 'validation_failed' | 'payload_too_large';
  readonly message: string;
  readonly issues: readonly Issue[];
}

/** The number of log records in a normalised request. */
export const countLogRecords = (req: OtlpLogsRequest): number =>
  req.resourceLogs.reduce(
    (n, r) => n + r.scopeLogs.reduce((m, s) => m + s.logRecords.length, 0),
    0,
  );

class Invalid extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Validates and normalises an OTLP/JSON document (or protobufjs's decoded object form). */
export function normaliseOtlpLogs(value: unknown): Result<OtlpLogsRequest, OtlpDecodeError> {
  try {
    const root = object(value, '(body)');
    const resourceLogs = list(root.resourceLogs, 'resourceLogs', resourceLogsOf);
    const req = { resourceLogs };
    const n = countLogRecords(req);
    if (n > MAX_LOG_RECORDS) {
      return err({
        code: 'payload_too_large',
        message: `the request holds ${n} log records; at most ${MAX_LOG_RECORDS} per request`,
        issues: [{ path: 'resourceLogs', message: `at most ${MAX_LOG_RECORDS} log records` }],
      });
    }
    return ok(req);
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return err({
      code: 'validation_failed',
      message: `the request is not a valid ExportLogsServiceRequest: ${e.message}`,
      issues: [{ path: e.path, message: e.reason }],
    });
  }
}

function resourceLogsOf(v: unknown, path: string): OtlpResourceLogs {
  const o = object(v, path);
  const res =
    o.resource === undefined || o.resource === null ? {} : object(o.resource, `${path}.resource`);
  return {
    resource: attributes(res.attributes, `${path}.resource.attributes`),
    scopeLogs: list(o.scopeLogs, `${path}.scopeLogs`, scopeLogsOf),
  };
}

function scopeLogsOf(v: unknown, path: string): OtlpScopeLogs {
  const o = object(v, path);
  const s = o.scope === undefined || o.scope === null ? {} : object(o.scope, `${path}.scope`);
  const name = string(s.name, `${path}.scope.name`);
  const version = string(s.version, `${path}.scope.version`);
  return {
    scope: {
      ...(name ? { name } : {}),
      ...(version ? { version } : {}),
      attributes: attributes(s.attributes, `${path}.scope.attributes`),
    },
    logRecords: list(o.logRecords, `${path}.logRecords`, logRecordOf),
  };
}

function logRecordOf(v: unknown, path: string): OtlpLogRecord {
  const o = object(v, path);
  const time = uint64(o.timeUnixNano, `${path}.timeUnixNano`);
  const observed = uint64(o.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
  const severityNumber = uint32(o.severityNumber, `${path}.severityNumber`);
  const severityText = string(o.severityText, `${path}.severityText`);
  const eventName = string(o.eventName, `${path}.eventName`);
  const dropped = uint32(o.droppedAttributesCount, `${path}.droppedAttributesCount`);
  const flags = uint32(o.flags, `${path}.flags`);
  const traceId = id(o.traceId, 16, `${path}.traceId`);
  const spanId = id(o.spanId, 8, `${path}.spanId`);
  const body =
    o.body === undefined || o.body === null ? undefined : anyValue(o.body, `${path}.body`, 1);
  return {
    ...(time ? { timeUnixNano: time } : {}),
    ...(observed ? { observedTimeUnixNano: observed } : {}),
    ...(severityNumber ? { severityNumber } : {}),
    ...(severityText ? { severityText } : {}),
    ...(eventName ? { eventName } : {}),
    ...(body !== undefined ? { body } : {}),
    attributes: attributes(o.attributes, `${path}.attributes`),
    ...(dropped ? { droppedAttributesCount: dropped } : {}),
    ...(flags ? { flags } : {}),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
  };
}

/** Repeated KeyValue → a plain object (a repeated key keeps its last value). */
function attributes(v: unknown, path: string, depth = 0): OtlpAttributes {
  // Object.fromEntries defines own properties: a `__proto__` key is data, not a prototype.
  return Object.fromEntries<OtlpValue>(
    list(v, path, (kv, p) => {
      const o = object(kv, p);
      if (typeof o.key !== 'string') throw new Invalid(`${p}.key`, 'must be a string');
      const value =
        o.value === undefined || o.value === null
          ? null
          : anyValue(o.value, `${p}.value`, depth + 1);
      return [o.key, value] as const;
    }),
  );
}

function anyValue(v: unknown, path: string, depth: number): OtlpValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new Invalid(path, `nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const o = object(v, path);
  if (o.stringValue !== undefined && o.stringValue !== null) {
    return string(o.stringValue, `${path}.stringValue`) ?? '';
  }
  if (o.boolValue !== undefined && o.boolValue !== null) {
    if (typeof o.boolValue !== 'boolean')
      throw new Invalid(`${path}.boolValue`, 'must be a boolean');
    return o.boolValue;
  }
  if (o.intValue !== undefined && o.intValue !== null) {
    const n = integer(o.intValue, `${path}.intValue`, INT64_MIN, INT64_MAX);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : n.toString();
  }
  if (o.doubleValue !== undefined && o.doubleValue !== null)
    return double(o.doubleValue, `${path}.doubleValue`);
  if (o.arrayValue !== undefined && o.arrayValue !== null) {
    const a = object(o.arrayValue, `${path}.arrayValue`);
    return list(a.values, `${path}.arrayValue.values`, (x, p) => anyValue(x, p, depth + 1));
  }
  if (o.kvlistValue !== undefined && o.kvlistValue !== null) {
    const kv = object(o.kvlistValue, `${path}.kvlistValue`);
    return attributes(kv.values, `${path}.kvlistValue.values`, depth);
  }
  if (o.bytesValue !== undefined && o.bytesValue !== null) {
    if (o.bytesValue instanceof Uint8Array) return Buffer.from(o.bytesValue).toString('base64');
    if (typeof o.bytesValue === 'string' && BASE64.test(o.bytesValue)) return o.bytesValue;
    throw new Invalid(`${path}.bytesValue`, 'must be a base64 string');
  }
  // An AnyValue with no value set is the empty value (proto3: all fields default).
  return null;
}

function object(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new Invalid(path, 'must be an object');
  return v;
}

function list<T>(v: unknown, path: string, each: (x: unknown, path: string) => T): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Invalid(path, 'must be an array');
  return v.map((x, i) => each(x, `${path}.${i}`));
}

function string(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Invalid(path, 'must be a string');
  return v === '' ? undefined : v;
}

/** int64/uint64 in OTLP/JSON: a decimal string or a JSON integer. */
function integer(v: unknown, path: string, min: bigint, max: bigint): bigint {
  let n: bigint | undefined;
  if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
  if (n === undefined) throw new Invalid(path, 'must be an integer (a number or a decimal string)');
  if (n < min || n > max) throw new Invalid(path, `must be between ${min} and ${max}`);
  return n;
}

function uint64(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  const n = integer(v, path, 0n, UINT64_MAX);
  return n === 0n ? undefined : n.toString();
}

function uint32(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  return Number(integer(v, path, 0n, 0xffffffffn));
}

/** Non-finite doubles stay as their proto3 JSON names: JSON has no NaN or Infinity. */
function double(v: unknown, path: string): number | string {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new Invalid(path, 'must be a number');
}

/** Trace and span ids: hex in OTLP/JSON, bytes in protobuf; empty or all-zero means unset. */
function id(v: unknown, bytes: number, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  let hex: string;
  if (v instanceof Uint8Array) hex = Buffer.from(v).toString('hex');
  else if (typeof v === 'string' && HEX.test(v)) hex = v.toLowerCase();
  else throw new Invalid(path, `must be ${bytes * 2} hex digits`);
  if (hex === '') return undefined;
  if (hex.length !== bytes * 2)
    throw new Invalid(path, `must be ${bytes * 2} hex digits (${bytes} bytes)`);
  return /^0+$/.test(hex) ? undefined : hex;
}
