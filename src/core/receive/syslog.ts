/**
 * Syslog message parsing (docs/sources/syslog.md): RFC 5424 and the BSD format of RFC 3164
 * with the lenient variants seen in the wild. Pure: the bytes and the receive time come from
 * the caller. Every byte is untrusted: parsing never throws, anything it does not understand
 * ends up in `msg`, invalid UTF-8 becomes U+FFFD and U+0000 becomes U+FFFD (the event schema
 * refuses U+0000).
 */

export interface SdElement {
  readonly id: string;
  /** In message order; RFC 5424 §6.3.3 allows a PARAM-NAME more than once. */
  readonly params: readonly (readonly [string, string])[];
}

export interface SyslogMessage {
  readonly format: 'rfc5424' | 'rfc3164';
  /** Whether the message started with a valid PRI. */
  readonly hasPri: boolean;
  /** RFC 5424 §6.2.1: PRI = facility × 8 + severity; no PRI means 13 (user.notice, RFC 3164 §4.3.3). */
  readonly facility: number;
  readonly severity: number;
  readonly version: number | null;
  /** The TIMESTAMP as sent (null: NILVALUE or none). */
  readonly timestamp: string | null;
  /** The TIMESTAMP as an RFC 3339 date-time, when it is a valid one (RFC 3164: year inferred). */
  readonly occurredAt: string | null;
  readonly hostname: string | null;
  /** APP-NAME (RFC 5424) or TAG (RFC 3164). */
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  /** Null: NILVALUE, RFC 3164, or structured data that does not parse (then it is part of msg). */
  readonly structuredData: readonly SdElement[] | null;
  readonly msg: string;
}

export const DEFAULT_PRI = 13;
/** Header fields longer than this are clipped (RFC 5424 allows at most 255, for HOSTNAME). */
const HEADER_MAX = 255;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;

/** UTF-8 with U+FFFD for invalid sequences (WHATWG decoding), U+0000 replaced too. */
export function decodeSyslog(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('utf8')
    .replace(/\0/g, '\uFFFD');
}

/**
 * One message (no framing) → its parts. RFC 5424 when a PRI is followed by a VERSION, else
 * RFC 3164 read leniently. `receivedAt` supplies the year of RFC 3164 timestamps. Never throws.
 */
export function parseSyslog(input: Uint8Array | string, receivedAt: Date): SyslogMessage {
  // A trailing newline or NUL is framing, not message. (A loop: a regex anchored at the end
  // is quadratic on a long run of them that does not end the message.)
  let end = input.length;
  const at = (i: number) => (typeof input === 'string' ? input.charCodeAt(i) : input[i]);
  for (let c = at(end - 1); c === 0x0a || c === 0x0d || c === 0; c = at(end - 1)) end--;
  const s =
    typeof input === 'string'
      ? input.slice(0, end).replace(/\0/g, '\uFFFD')
      : decodeSyslog(input.subarray(0, end));
  const pri = /^<(\d{1,3})>/.exec(s);
  const prival = pri ? Number(pri[1]) : NaN;
  const hasPri = pri !== null && prival <= 191;
  const rest = hasPri ? s.slice(pri[0].length) : s;
  const p = hasPri ? prival : DEFAULT_PRI;
  const head = { hasPri, facility: Math.floor(p / 8), severity: p % 8 };
  if (hasPri && /^[1-9]\d{0,2}(?: |$)/.test(rest)) return parse5424(rest, head);
  return parse3164(rest, head, receivedAt);
}

interface Head {
  readonly hasPri: boolean;
  readonly facility: number;
  readonly severity: number;
}

/** C0 controls other than tab, CR and LF, DEL, and U+FFFD (bytes that were not UTF-8). */
const BINARY = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\uFFFD]/;

/**
 * Why a parsed message is not taken as syslog, or undefined. Lenient parsing takes a line
 * without PRI as an RFC 3164 message; one that is not even text is noise (a port scan, a
 * client speaking another protocol), not a log record.
 */
export function notSyslog(m: SyslogMessage): string | undefined {
  if (m.hasPri) return undefined;
  const text = [m.hostname, m.appName, m.procId, m.msg].join(' ');
  if (m.msg.trim() === '' && m.appName === null) return 'an empty message';
  return BINARY.test(text) ? 'no PRI and not text: not a syslog message' : undefined;
}

const nil = (v: string | undefined): string | null =>
  v === undefined || v === '' || v === '-' ? null : v.slice(0, HEADER_MAX);

/** RFC 5424 §6: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]. */
function parse5424(s: string, head: Head): SyslogMessage {
  let at = 0;
  const token = (): string | undefined => {
    if (at > s.length) return undefined;
    const sp = s.indexOf(' ', at);
    const end = sp < 0 ? s.length : sp;
    const t = s.slice(at, end);
    at = end + 1;
    return t;
  };
  const version = Number(token());
  const timestamp = nil(token());
  const hostname = nil(token());
  const appName = nil(token());
  const procId = nil(token());
  const msgId = nil(token());
  let structuredData: SdElement[] | null = null;
  let msg = '';
  if (at <= s.length) {
    if (s[at] === '-' && (at + 1 === s.length || s[at + 1] === ' ')) {
      msg = s.slice(at + 2);
    } else if (s[at] === '[') {
      const sd = parseStructuredData(s, at);
      if (sd) {
        structuredData = sd.elements;
        msg = s.slice(s[sd.end] === ' ' ? sd.end + 1 : sd.end);
      } else msg = s.slice(at);
    } else msg = s.slice(at);
  }
  return {
    format: 'rfc5424',
    ...head,
    version,
    timestamp,
    occurredAt: timestamp !== null && isRfc3339Text(timestamp) ? timestamp : null,
    hostname,
    appName,
    procId,
    msgId,
    structuredData,
    // §6.4: a UTF-8 MSG starts with the BOM.
    msg: msg.startsWith('\uFEFF') ? msg.slice(1) : msg,
  };
}

/**
 * §6.3: 1*SD-ELEMENT, each `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]`, in PARAM-VALUE `\"`, `\\`
 * and `\]` are escapes and any other backslash is kept (§6.3.3). Lenient: names longer than 32
 * characters and extra spaces are accepted. Null when it does not parse.
 */
export function parseStructuredData(
  s: string,
  start: number,
): { elements: SdElement[]; end: number } | null {
  const elements: SdElement[] = [];
  let i = start;
  const name = (): string | null => {
    const m = /[^ =\]"]+/y;
    m.lastIndex = i;
    const r = m.exec(s);
    if (!r) return null;
    i += r[0].length;
    return r[0];
  };
  while (s[i] === '[') {
    i++;
    const id = name();
    if (id === null) return null;
    const params: [string, string][] = [];
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === ']') break;
      const key = name();
      if (key === null || s[i] !== '=' || s[i + 1] !== '"') return null;
      i += 2;
      let value = '';
      let from = i;
      for (;;) {
        const c = s[i];
        if (c === undefined) return null;
        if (c === '"') break;
        if (c === '\\') {
          const next = s[i + 1];
          if (next === '"' || next === '\\' || next === ']') {
            value += s.slice(from, i) + next;
            i += 2;
            from = i;
            continue;
          }
        }
        i++;
      }
      value += s.slice(from, i);
      i++;
      params.push([key, value]);
    }
    i++;
    elements.push({ id, params });
  }
  return { elements, end: i };
}

/**
 * RFC 3164 §4.1: `TIMESTAMP HOSTNAME TAG[PID]: MSG`, leniently: no timestamp, a timestamp with
 * a year or fractions, an RFC 3339 timestamp (rsyslog's forwarding format), a missing host.
 */
function parse3164(s: string, head: Head, receivedAt: Date): SyslogMessage {
  let rest = s;
  let timestamp: string | null = null;
  let occurredAt: string | null = null;
  const bsd =
    /^([A-Za-z]{3}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: |$)/.exec(
      rest,
    );
  const iso =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))(?: |$)/i.exec(rest);
  if (bsd) {
    const month = MONTHS.indexOf(bsd[1]!.toLowerCase());
    if (month >= 0) {
      timestamp = bsd[0].trimEnd();
      occurredAt = inferDate(
        {
          month,
          day: Number(bsd[2]),
          ...(bsd[3] === undefined ? {} : { year: Number(bsd[3]) }),
          h: Number(bsd[4]),
          m: Number(bsd[5]),
          sec: Number(bsd[6]),
          ms: bsd[7] === undefined ? 0 : Math.floor(Number(`0.${bsd[7]}`) * 1000),
        },
        receivedAt,
      );
      rest = rest.slice(bsd[0].length);
    }
  } else if (iso) {
    timestamp = iso[1]!;
    occurredAt = isRfc3339Text(timestamp) ? timestamp : null;
    rest = rest.slice(iso[0].length);
  }
  let hostname: string | null = null;
  // Without a timestamp there is no header (§4.3.2): the host is not guessed from the text.
  if (timestamp !== null) {
    const host = /^([^ ]+)(?: |$)/.exec(rest);
    // A token longer than a hostname can be (RFC 1035: 255) is text, not a host.
    if (host && host[1]!.length <= HEADER_MAX && !TAG.test(rest)) {
      hostname = host[1]!;
      rest = rest.slice(host[0].length);
    }
  }
  let appName: string | null = null;
  let procId: string | null = null;
  const tag = TAG.exec(rest);
  if (tag) {
    appName = tag[1]!;
    procId = nil(tag[2]);
    rest = rest.slice(tag[0].length);
  }
  return {
    format: 'rfc3164',
    ...head,
    version: null,
    timestamp,
    occurredAt,
    hostname,
    appName,
    procId,
    msgId: null,
    structuredData: null,
    msg: rest.startsWith('\uFEFF') ? rest.slice(1) : rest,
  };
}

/** `tag:`, `tag[pid]:` or `tag[pid]` (e.g. `sshd[811]:`, `postfix/smtpd[9]:`, `kernel:`). */
const TAG = /^([^ [\]:]{1,128})(?:\[([^\] ]{0,128})\]:?|:)(?: |$)/;

interface BsdTime {
  month: number;
  day: number;
  year?: number;
  h: number;
  m: number;
  sec: number;
  ms: number;
}

/**
 * RFC 3164 timestamps have no year and no zone: the time is taken as UTC, and the year is the
 * latest one (from the year after the receive time down) that puts the time no more than a day
 * after the receive time. A December message received in January lands in the old year; one
 * a few seconds early of New Year (a clock ahead) lands in the new one.
 */
function inferDate(t: BsdTime, receivedAt: Date): string | null {
  if (t.h > 23 || t.m > 59 || t.sec > 59) return null;
  const now = receivedAt.getTime();
  const years =
    t.year === undefined
      ? [1, 0, -1, -2, -3, -4].map((d) => receivedAt.getUTCFullYear() + d)
      : [t.year];
  for (const year of years) {
    const ms = Date.UTC(year, t.month, t.day, t.h, t.m, t.sec, t.ms);
    const d = new Date(ms);
    // 30 Feb, 29 Feb of a common year; Date.UTC reads years below 100 as 19xx.
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== t.month || d.getUTCDate() !== t.day)
      continue;
    if (t.year === undefined && ms > now + DAY_MS) continue;
    return d.toISOString();
  }
  return null;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 §5.6 date-time with offset, a real calendar instant (no 30 Feb, no leap second). */
export function isRfc3339Text(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, se, , , oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  const back = new Date(ms);
  return (
    back.getUTCFullYear() === Number(y) &&
    back.getUTCMonth() === Number(mo) - 1 &&
    back.getUTCDate() === Number(d) &&
    back.getUTCHours() === Number(h) &&
    back.getUTCMinutes() === Number(mi) &&
    back.getUTCSeconds() === Number(se) &&
    (oh === undefined || (Number(oh) <= 23 && Number(om) <= 59))
  );
}
