/**
 * Linux audit logs (`/var/log/audit/audit.log`, `ausearch --raw`) → event schema v1
 * (docs/sources/auditd.md). The records of one event share `msg=audit(TIME:SERIAL)` and may be
 * interleaved with other events' records; they are grouped into one event. Lines are untrusted.
 */
import { LIMITS } from '../event/limits.js';
import { parseLine, type AuditLine } from './auditd-fields.js';
import { mapAuditEvent } from './auditd-event.js';
import { finalise, skip, sortSkips, type ImportOptions, type ImportResult } from './types.js';

export interface AuditRecord {
  line: number;
  text: string;
  rec: AuditLine;
}
export interface AuditGroup {
  node: string | undefined;
  time: string;
  seconds: number;
  fraction: string;
  serial: string;
  records: AuditRecord[];
  /** Line of the EOE record that ended the event. */
  end: number | undefined;
  /** Line of the first record: where a problem with the whole event is reported. */
  first: number;
  /** Each record line read, to its line number. */
  seen: Map<string, number>;
}

/** Records that occur at most once in an event (PATH: once per `item`). */
const ONCE = new Set([
  'SYSCALL',
  'EXECVE',
  'CWD',
  'PROCTITLE',
  'SOCKADDR',
  'PATH',
  'USER_LOGIN',
  'USER_LOGOUT',
  'USER_AUTH',
  'USER_ACCT',
  'USER_CMD',
  'USER_START',
  'USER_END',
  'USER_ERR',
  'USER_CHAUTHTOK',
  'CRED_ACQ',
  'CRED_DISP',
  'CRED_REFR',
  'ADD_USER',
  'DEL_USER',
  'ADD_GROUP',
  'DEL_GROUP',
  'USER_MGMT',
  'GRP_MGMT',
  'LOGIN',
  'CONFIG_CHANGE',
]);

/** Longest line read; auditd itself writes at most about 9 KB per record. */
export const MAX_LINE = LIMITS.rawBytes;
/** Records in one event; far above what the kernel emits, it bounds the work per event. */
export const MAX_RECORDS = 512;

export function importAuditd(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  const groups = new Map<string, AuditGroup>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // `----` separates events in ausearch output.
    if (line.trim() === '' || line === '----') return;
    const at = { line: i + 1, index: null, value: null };
    if (line.length > MAX_LINE)
      return skip(at, `line is ${line.length} characters, over the limit of ${MAX_LINE}`, out);
    const p = parseLine(line);
    if (!p.ok) return skip(at, p.reason, out);
    const r = p.value;
    const key = `${r.node ?? ''} ${r.time}:${r.serial}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        node: r.node,
        time: r.time,
        seconds: r.seconds,
        fraction: r.fraction,
        serial: r.serial,
        records: [],
        end: undefined,
        first: i + 1,
        seen: new Map(),
      };
      groups.set(key, g);
    }
    addRecord(g, { line: i + 1, text: line, rec: r }, out);
  });
  // A Map iterates in insertion order: events come out in the order they began.
  for (const g of groups.values()) {
    const at = { line: g.first, index: null, value: null };
    const event = mapAuditEvent(g, opts);
    if (typeof event === 'string') skip(at, event, out);
    else finalise(event, at, out);
  }
  return sortSkips(out);
}

/**
 * Adds one record to its event. A repeated line (overlapping log files) and a record that
 * contradicts one already read (a second SYSCALL for the same serial, a record after the
 * event's EOE) are skipped with the line they clash with; the event keeps the first.
 */
function addRecord(g: AuditGroup, r: AuditRecord, out: ImportResult): void {
  const at = { line: r.line, index: null, value: null };
  const id = `audit(${g.time}:${g.serial})`;
  const same = g.seen.get(r.text);
  if (same !== undefined) return skip(at, `duplicate of line ${same}`, out);
  if (g.seen.size >= MAX_RECORDS)
    return skip(at, `${id} has more than ${MAX_RECORDS} records`, out);
  g.seen.set(r.text, r.line);
  if (g.end !== undefined)
    return skip(at, `${r.rec.type} record of ${id} after its end (EOE on line ${g.end})`, out);
  if (r.rec.type === 'EOE') {
    g.end = r.line;
    return;
  }
  if (ONCE.has(r.rec.type)) {
    const item = r.rec.fields.item;
    const clash = g.records.find((x) => x.rec.type === r.rec.type && x.rec.fields.item === item);
    if (clash)
      return skip(
        at,
        `conflicts with line ${clash.line}: a second ${r.rec.type}${item === undefined ? '' : ` item=${item}`} record for ${id}`,
        out,
      );
  }
  g.records.push(r);
}
