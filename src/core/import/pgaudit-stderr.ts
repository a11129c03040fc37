/**
 * pgaudit records in a PostgreSQL stderr log (`log_destination = 'stderr'`, any
 * `log_line_prefix`) or in a psql transcript (`NOTICE:  AUDIT: ...` with no prefix). A record is
 * a line `<prefix><LEVEL>:  AUDIT: <csv>`; a quoted field of the CSV may run over several lines.
 * The text is untrusted (docs/sources/pgaudit.md).
 */
import { AUDIT_PREFIX, MAX_AUDIT_CHARS, pgTime, prefixHost } from './pgaudit-message.js';

export type StderrItem =
  | { kind: 'audit'; line: number; prefix: string; level: string; body: string; text: string }
  | { kind: 'ignored' }
  | { kind: 'error'; line: number; reason: string };

const LEVEL = /(LOG|NOTICE|WARNING|INFO|DEBUG[1-5]?)$/;

/** Where an AUDIT record starts in `line`: the message text starts after `LEVEL:  `. */
function auditStart(line: string): { level: string; at: number; body: number } | undefined {
  // The first `:  ` ends the severity; scanning a bounded window avoids regex backtracking on
  // long lines.
  const j = line.indexOf(':  ');
  if (j === -1) return undefined;
  const lv = LEVEL.exec(line.slice(Math.max(0, j - 8), j));
  if (!lv || !line.startsWith(AUDIT_PREFIX, j + 3)) return undefined;
  return { level: lv[1]!, at: j - lv[1]!.length, body: j + 3 + AUDIT_PREFIX.length };
}

/** Odd number of `"`: the CSV is inside a quoted field (quotes in fields are doubled). */
const quotes = (s: string): number => {
  let n = 0;
  for (let k = s.indexOf('"'); k !== -1; k = s.indexOf('"', k + 1)) n++;
  return n;
};

export function* readStderr(text: string): Generator<StderrItem> {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const start = auditStart(line);
    if (!start) {
      if (line.trim() !== '') yield { kind: 'ignored' };
      i++;
      continue;
    }
    let body = line.slice(start.body);
    let open = quotes(body) % 2 === 1;
    let size = line.length;
    const cont: string[] = [];
    let k = i + 1;
    while (open && k < lines.length && size <= MAX_AUDIT_CHARS) {
      const next = lines[k]!;
      cont.push(next);
      size += next.length + 1;
      if (quotes(next) % 2 === 1) open = false;
      k++;
    }
    if (open || size > MAX_AUDIT_CHARS) {
      yield {
        kind: 'error',
        line: i + 1,
        reason:
          size > MAX_AUDIT_CHARS
            ? `AUDIT record is over ${MAX_AUDIT_CHARS} characters`
            : 'AUDIT message: unterminated quoted field',
      };
      // The lines after it are read again as lines of their own.
      i++;
      continue;
    }
    // The server log puts a tab after each newline of a message (elog.c append_with_tabs); a
    // psql transcript does not. Strip it only when every continuation line has it.
    const tabbed = cont.length > 0 && cont.every((c) => c.startsWith('\t'));
    const rest = tabbed ? cont.map((c) => c.slice(1)) : cont;
    body = [body, ...rest].join('\n');
    yield {
      kind: 'audit',
      line: i + 1,
      prefix: line.slice(0, start.at),
      level: start.level,
      body,
      text: [line, ...cont].join('\n'),
    };
    i = k;
  }
}

export interface PrefixInfo {
  time?: string;
  timeText?: string;
  pid?: string;
  user?: string;
  database?: string;
  application?: string;
  ip?: string;
}

const TIME =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?: [A-Za-z]{1,6}| ?[+-]\d{2}(?::?\d{2})?)?)/;

/**
 * Reads what it can from a prefix whose format is not known: a leading `%m`/`%t` time, `[%p]`,
 * `%u@%d`, `user=`/`db=`/`app=`/`client=` (the pgBadger style), and a `%r`/`%h` address.
 */
export function parsePrefix(prefix: string): PrefixInfo {
  const p = prefix.slice(0, 1024);
  const info: PrefixInfo = {};
  const t = TIME.exec(p);
  if (t) {
    info.timeText = t[1]!;
    const time = pgTime(t[1]!);
    if (time) info.time = time;
  }
  const pid = /\[(\d{1,10})\]/.exec(p);
  if (pid) info.pid = pid[1]!;
  const kv = (key: string) => new RegExp(`(?:^|[\\s,])${key}=([^\\s,]+)`).exec(p)?.[1];
  const at = /(?:^|[\s\]:])([^\s@[\]:,]+)@([^\s@[\]:,]+)/.exec(p);
  const user = kv('user') ?? at?.[1];
  const database = kv('db') ?? at?.[2];
  const application = kv('app');
  if (user && user !== '[unknown]') info.user = user;
  if (database && database !== '[unknown]') info.database = database;
  if (application && application !== '[unknown]') info.application = application;
  const client = kv('client') ?? kv('host') ?? kv('remote');
  const ip = client ? prefixHost(client) : undefined;
  if (ip) info.ip = ip;
  else {
    for (const token of p.split(/\s+/)) {
      const found = prefixHost(token.replace(/^[[(]+|[\],:;]+$/g, ''));
      if (found) {
        info.ip = found;
        break;
      }
    }
  }
  return info;
}
