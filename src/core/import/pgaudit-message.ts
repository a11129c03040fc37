/**
 * The pgaudit `AUDIT:` message and the PostgreSQL values around it (docs/sources/pgaudit.md).
 * pgaudit writes its fields as one CSV record (pgaudit.c `append_valid_csv`): AUDIT_TYPE,
 * STATEMENT_ID, SUBSTATEMENT_ID, CLASS, COMMAND, OBJECT_TYPE, OBJECT_NAME, STATEMENT,
 * PARAMETER, and ROWS when `pgaudit.log_rows` is on. All of it is untrusted text.
 */
import { readCsvRecord } from './csv.js';
import { isIp } from './types.js';

export interface AuditFields {
  auditType: 'SESSION' | 'OBJECT';
  statementId: string;
  substatementId: string;
  auditClass: string;
  command: string;
  objectType: string;
  objectName: string;
  statement: string;
  parameter: string;
  rows?: string;
}

export const AUDIT_PREFIX = 'AUDIT: ';
/** A pgaudit message is at most one statement: 1 MiB is far above any real one. */
export const MAX_AUDIT_CHARS = 1024 * 1024;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses the text after `AUDIT: `. */
export function parseAuditFields(body: string): Parsed<AuditFields> {
  const r = readCsvRecord(body, 0, { maxChars: MAX_AUDIT_CHARS, maxFields: 16 });
  if (!r.ok) return { ok: false, reason: `AUDIT message: ${r.reason}` };
  if (r.end < body.length) return { ok: false, reason: 'AUDIT message: text after the record' };
  const f = r.fields;
  if (f.length !== 9 && f.length !== 10)
    return { ok: false, reason: `AUDIT message has ${f.length} fields, expected 9 or 10` };
  const [auditType, statementId, substatementId, auditClass, command] = f as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (auditType !== 'SESSION' && auditType !== 'OBJECT')
    return { ok: false, reason: 'AUDIT message: AUDIT_TYPE must be SESSION or OBJECT' };
  if (!/^\d{1,19}$/.test(statementId) || !/^\d{1,19}$/.test(substatementId))
    return { ok: false, reason: 'AUDIT message: STATEMENT_ID and SUBSTATEMENT_ID must be numbers' };
  if (!/^[A-Z_]{1,32}$/.test(auditClass))
    return { ok: false, reason: 'AUDIT message: CLASS must be an upper-case word' };
  if (command === '' || command.length > 256)
    return { ok: false, reason: 'AUDIT message: COMMAND must be 1 to 256 characters' };
  return {
    ok: true,
    value: {
      auditType,
      statementId,
      substatementId,
      auditClass,
      command,
      objectType: f[5] ?? '',
      objectName: f[6] ?? '',
      statement: f[7] ?? '',
      parameter: f[8] ?? '',
      ...(f[9] !== undefined ? { rows: f[9] } : {}),
    },
  };
}

/**
 * A PostgreSQL `%m`/`%t`/csvlog time (`2015-08-12 16:13:43.810 UTC`) as RFC 3339. Only zones
 * that name a fixed offset are converted (UTC, GMT, `+02`, `-05:30`); a zone abbreviation such
 * as `CEST` is ambiguous, so the time is left out (docs: set `log_timezone = 'UTC'`).
 */
export function pgTime(s: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?: ?(\S+))?$/.exec(s);
  if (!m) return undefined;
  const [, date, time, zone] = m;
  if (zone === undefined || /^(UTC|GMT|UCT|Z)$/i.test(zone)) return `${date}T${time}Z`;
  const off = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!off) return undefined;
  return `${date}T${time}${off[1]}${off[2]}:${off[3] ?? '00'}`;
}

/**
 * csvlog `connection_from` → address. PostgreSQL writes `host:port` for TCP clients (so
 * `::1:5432` is `::1` port 5432) and `[local]` for a Unix socket (no address).
 */
export function csvlogHost(conn: string): string | undefined {
  const host = conn.replace(/:\d{1,5}$/, '');
  return isIp(host) ? host : undefined;
}

/** A `%r` (`10.0.0.5(51234)`) or `%h` (`10.0.0.5`) value of a log line prefix → address. */
export function prefixHost(token: string): string | undefined {
  const host = token.replace(/\(\d{1,5}\)$/, '');
  return isIp(host) ? host : undefined;
}

/** `CREATE TABLE AS` → `create_table_as`; `???` (unknown to pgaudit) → `unknown`. */
export const commandSegment = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100) || 'unknown';
