/**
 * Importers map foreign audit records to event schema v1 input (docs/import.md). Pure: the
 * text comes from the caller. Everything in it is untrusted: importers never throw on bad
 * input, they report it in `skipped`.
 */
import { z } from 'zod';
import { eventInputSchema, type EventInput } from '../event/schema.js';
import { issuesFromZod } from '../event/validate.js';
import { LIMITS } from '../event/limits.js';

export interface Skip {
  /** 1-based line of a JSONL input, else null. */
  line: number | null;
  /** 0-based position in a JSON array (or wrapper list), else null. */
  index: number | null;
  reason: string;
}
export interface ImportResult {
  events: EventInput[];
  skipped: Skip[];
  /** Input lines that are not audit records and are not meant to be (e.g. other log lines). */
  ignored?: number;
}
export interface ImportOptions {
  /** Tenant set on every event; absent: the server uses the API key's tenant. */
  tenant?: string;
}
export type Importer = (text: string, opts: ImportOptions) => ImportResult;

export interface Located {
  line: number | null;
  index: number | null;
  value: unknown;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const ID = /^[\x21-\x7e]{1,256}$/;
/** A string usable as a schema id (printable ASCII, no spaces, at most 256), else undefined. */
export const asId = (v: unknown): string | undefined =>
  typeof v === 'string' && ID.test(v) ? v : undefined;
export const clip = (s: string, n: number = LIMITS.textLength): string =>
  s.length > n ? s.slice(0, n) : s;

const ip = z.union([z.ipv4(), z.ipv6()]);
export const isIp = (v: string): boolean => ip.safeParse(v).success;

/** One action segment: the schema's ACTION pattern minus the dot. */
export const segment = (s: string): string => s.replace(/[^A-Za-z0-9_:-]/g, '_') || '_';
/** `CreateAccessKey` → `create_access_key`. */
export const snake = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

function parse(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return {
      ok: false,
      reason: `not valid JSON: ${printable((e as Error).message).slice(0, 160)}`,
    };
  }
}

/** JSONL: one record per non-blank line, 1-based line numbers. */
export function readLines(text: string): { records: Located[]; skipped: Skip[] } {
  const records: Located[] = [];
  const skipped: Skip[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const p = parse(line);
    if (p.ok) records.push({ line: i + 1, index: null, value: p.value });
    else skipped.push({ line: i + 1, index: null, reason: p.reason });
  });
  return { records, skipped };
}

/**
 * A whole-document array, a wrapper object holding the list under `listKey`, a single record,
 * or JSONL, told apart by the first non-space character and whether the whole text parses.
 */
export function readRecords(
  text: string,
  listKey: string,
): { records: Located[]; skipped: Skip[] } {
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return { records: [], skipped: [] };
  if (first === '[' || first === '{') {
    const p = parse(text);
    if (!p.ok) {
      // A `{` document that does not parse as a whole is JSONL.
      if (first === '{') return readLines(text);
      return { records: [], skipped: [{ line: null, index: null, reason: p.reason }] };
    }
    const list: unknown = Array.isArray(p.value)
      ? p.value
      : isObj(p.value) && listKey in p.value
        ? p.value[listKey]
        : undefined;
    if (list === undefined)
      return { records: [{ line: 1, index: null, value: p.value }], skipped: [] };
    if (!Array.isArray(list))
      return {
        records: [],
        skipped: [{ line: null, index: null, reason: `"${listKey}" must be an array` }],
      };
    return {
      records: (list as unknown[]).map((value, index) => ({ line: null, index, value })),
      skipped: [],
    };
  }
  return readLines(text);
}

/**
 * Checks a mapped event against the schema, so every event an importer returns is one the
 * server accepts; a record too large or too deep for `raw` is skipped naming the limit.
 */
export function finalise(event: EventInput, at: Located, out: ImportResult): void {
  const rawBytes = event.raw === undefined ? 0 : Buffer.byteLength(JSON.stringify(event.raw));
  if (rawBytes > LIMITS.rawBytes) {
    out.skipped.push({
      line: at.line,
      index: at.index,
      reason: `record is ${rawBytes} bytes, over the raw limit of ${LIMITS.rawBytes} bytes (LIMITS.rawBytes)`,
    });
    return;
  }
  const r = eventInputSchema.safeParse(event);
  if (r.success) {
    out.events.push(event);
    return;
  }
  const issues = issuesFromZod(r.error);
  out.skipped.push({
    line: at.line,
    index: at.index,
    reason: `invalid event: ${issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}${issues.length > 3 ? ` (+${issues.length - 3} more)` : ''}`,
  });
}

export const skip = (at: Located, reason: string, out: ImportResult): void => {
  out.skipped.push({ line: at.line, index: at.index, reason });
};

/** Skips in input order (parse failures are found before mapping failures). */
export const sortSkips = (out: ImportResult): ImportResult => {
  out.skipped.sort((a, b) => (a.line ?? a.index ?? -1) - (b.line ?? b.index ?? -1));
  return out;
};
