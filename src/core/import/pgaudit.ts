/**
 * pgaudit `AUDIT:` records in PostgreSQL logs → event schema v1 (docs/sources/pgaudit.md).
 * Reads a csvlog or jsonlog file (told by the first line) or else a stderr log / psql
 * transcript. Other log records are not events: they are counted in `ignored`. Everything in
 * the text is untrusted.
 */
import { readCsv } from './csv.js';
import { Occurrences, mapAudit, type Context } from './pgaudit-event.js';
import {
  AUDIT_PREFIX,
  MAX_AUDIT_CHARS,
  csvlogHost,
  parseAuditFields,
  pgTime,
} from './pgaudit-message.js';
import { parsePrefix, readStderr } from './pgaudit-stderr.js';
import {
  asId,
  isIp,
  isObj,
  readLines,
  skip,
  sortSkips,
  str,
  type ImportOptions,
  type ImportResult,
  type Located,
  type Obj,
} from './types.js';

/** csvlog columns (PostgreSQL docs "Using CSV-Format Log Output"): 22 before 9.0, 23 up to 12,
 * 24 in 13 (backend_type), 26 from 14 (leader_pid, query_id). */
export const CSVLOG_COLUMNS = [
  'log_time',
  'user_name',
  'database_name',
  'process_id',
  'connection_from',
  'session_id',
  'session_line_num',
  'command_tag',
  'session_start_time',
  'virtual_transaction_id',
  'transaction_id',
  'error_severity',
  'sql_state_code',
  'message',
  'detail',
  'hint',
  'internal_query',
  'internal_query_pos',
  'context',
  'query',
  'query_pos',
  'location',
  'application_name',
  'backend_type',
  'leader_pid',
  'query_id',
] as const;

/** elog.c write_jsonlog writes `timestamp` first. */
const JSONLOG_FIRST = /^\uFEFF?\{"timestamp":/;
const CSVLOG_FIRST = /^\uFEFF?\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?: [^,\s]{1,16})?,/;

export function importPgaudit(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [], ignored: 0 };
  const first = text.slice(0, 256).replace(/^\s*\n/, '');
  const ids = new Occurrences();
  if (CSVLOG_FIRST.test(first)) readCsvlog(text, opts, out, ids);
  else if (JSONLOG_FIRST.test(first)) readJsonlog(text, opts, out);
  else readStderrLog(text, opts, out, ids);
  return sortSkips(out);
}

function readCsvlog(text: string, opts: ImportOptions, out: ImportResult, ids: Occurrences) {
  const rows = readCsv(text.replace(/^\uFEFF/, ''), {
    maxChars: MAX_AUDIT_CHARS + 64 * 1024,
    maxFields: 32,
  });
  for (const row of rows) {
    const at: Located = { line: row.line, index: null, value: null };
    if (!row.ok) {
      skip(at, `csvlog: ${row.reason}`, out);
      continue;
    }
    const f = row.fields;
    if (f.length < 22 || f.length > CSVLOG_COLUMNS.length) {
      skip(at, `csvlog record has ${f.length} fields, expected 22 to 26`, out);
      continue;
    }
    const col = (name: (typeof CSVLOG_COLUMNS)[number]) => f[CSVLOG_COLUMNS.indexOf(name)] ?? '';
    const message = col('message');
    if (!message.startsWith(AUDIT_PREFIX)) {
      out.ignored = (out.ignored ?? 0) + 1;
      continue;
    }
    const raw: Obj = {};
    f.forEach((v, i) => (raw[CSVLOG_COLUMNS[i]!] = v));
    const session = asId(col('session_id'));
    const lineNum = /^\d{1,19}$/.test(col('session_line_num')) ? col('session_line_num') : '';
    const parsed = parseAuditFields(message.slice(AUDIT_PREFIX.length));
    const ctx: Context = {
      id: session && lineNum ? `pg:${session}:${lineNum}` : ids.id(JSON.stringify(f)),
      user: col('user_name') || undefined,
      database: col('database_name') || undefined,
      time: pgTime(col('log_time')),
      timeText: col('log_time'),
      ip: csvlogHost(col('connection_from')),
      sessionId: session,
      level: col('error_severity'),
      application: col('application_name') || undefined,
      pid: col('process_id') || undefined,
    };
    if (!parsed.ok) {
      skip(at, parsed.reason, out);
      continue;
    }
    if (session) ctx.requestId = `${session}:${parsed.value.statementId}`;
    mapAudit(parsed.value, ctx, raw, at, opts, out);
  }
}

/** jsonlog (PostgreSQL 15+, `log_destination = 'jsonlog'`): one JSON object per line. */
function readJsonlog(text: string, opts: ImportOptions, out: ImportResult) {
  const { records, skipped } = readLines(text.replace(/^\uFEFF/, ''));
  out.skipped.push(...skipped);
  const ids = new Occurrences();
  for (const at of records) {
    const r = at.value;
    if (!isObj(r)) {
      skip(at, 'jsonlog record must be a JSON object', out);
      continue;
    }
    const message = str(r.message);
    if (!message?.startsWith(AUDIT_PREFIX)) {
      out.ignored = (out.ignored ?? 0) + 1;
      continue;
    }
    const parsed = parseAuditFields(message.slice(AUDIT_PREFIX.length));
    if (!parsed.ok) {
      skip(at, parsed.reason, out);
      continue;
    }
    const session = asId(r.session_id);
    const lineNum =
      typeof r.line_num === 'number' && Number.isSafeInteger(r.line_num) ? r.line_num : undefined;
    const host = str(r.remote_host);
    const num = (v: unknown) =>
      typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined;
    const ctx: Context = {
      id: session && lineNum !== undefined ? `pg:${session}:${lineNum}` : ids.id(JSON.stringify(r)),
      user: str(r.user),
      database: str(r.dbname),
      time: pgTime(str(r.timestamp) ?? ''),
      timeText: str(r.timestamp),
      ip: host && isIp(host) ? host : undefined,
      sessionId: session,
      requestId: session ? `${session}:${parsed.value.statementId}` : undefined,
      level: str(r.error_severity) ?? '',
      application: str(r.application_name),
      pid: num(r.pid),
    };
    mapAudit(parsed.value, ctx, r, at, opts, out);
  }
}

function readStderrLog(text: string, opts: ImportOptions, out: ImportResult, ids: Occurrences) {
  for (const item of readStderr(text)) {
    if (item.kind === 'ignored') {
      out.ignored = (out.ignored ?? 0) + 1;
      continue;
    }
    const at: Located = { line: item.line, index: null, value: null };
    if (item.kind === 'error') {
      skip(at, item.reason, out);
      continue;
    }
    const parsed = parseAuditFields(item.body);
    if (!parsed.ok) {
      skip(at, parsed.reason, out);
      continue;
    }
    const p = parsePrefix(item.prefix);
    const ctx: Context = {
      id: ids.id(item.text),
      user: p.user,
      database: p.database,
      time: p.time,
      timeText: p.timeText,
      ip: p.ip,
      level: item.level,
      application: p.application,
      pid: p.pid,
    };
    mapAudit(parsed.value, ctx, { text: item.text }, at, opts, out);
  }
}
