/**
 * The Linux audit record line format (docs/sources/auditd.md): an optional `node=NAME`, then
 * `type=TYPE msg=audit(SECONDS.MILLIS:SERIAL):` and `key=value` fields. A value is
 * `"quoted"`, unquoted, or, for a field that may hold user-controlled text, unquoted
 * upper-case hex of its bytes (auditd encodes such a value when it holds a space, a double
 * quote, a control or non-ASCII character). User-space records nest their own fields in
 * `msg='...'`. With `log_format = ENRICHED`, auditd appends translations such as
 * `AUID="alice"` after a GS (0x1d) separator. Every line is untrusted.
 */

/** A field map; keys are the record's own, so it is built with `Object.fromEntries`. */
export type Fields = Record<string, string>;

export interface AuditLine {
  node: string | undefined;
  type: string;
  /** `SECONDS.MILLIS`, as written. */
  time: string;
  seconds: number;
  fraction: string;
  serial: string;
  fields: Fields;
  /** Words outside `key=value` pairs, as in `avc:  denied  { read } for`. */
  words: string;
}

export type LineResult = { ok: true; value: AuditLine } | { ok: false; reason: string };

const HEADER =
  /^(?:node=(\S{1,255}) )?type=([A-Za-z0-9_[\]-]{1,64}) msg=audit\((\d{1,12})\.(\d{1,9}):(\d{1,20})\):(.*)$/s;

/** Fields whose unquoted value is hex (auparse's escaped fields); EXECVE arguments too. */
const ESCAPED = new Set([
  'comm',
  'exe',
  'proctitle',
  'name',
  'cwd',
  'path',
  'acct',
  'cmd',
  'key',
  'data',
  'ocomm',
  'grp',
  'new_group',
]);
const EXECVE_ARG = /^a\d{1,6}(\[\d{1,6}\])?$/;
const HEX = /^(?:[0-9A-F]{2})+$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.[\]-]{0,63}$/;

export const isEscaped = (type: string, key: string): boolean =>
  ESCAPED.has(key) || (type === 'EXECVE' && EXECVE_ARG.test(key));

/** Hex of the value's UTF-8 bytes; NUL (argv separators in `proctitle`) reads as a space. */
export const decodeHex = (hex: string): string =>
  Buffer.from(hex, 'hex').toString('utf8').replace(/\0/g, ' ');

/** How auditd writes a user-controlled value: quoted when safe, else hex. */
export function encodeValue(value: string): string {
  if (/^[\x21-\x7e]*$/.test(value) && !value.includes('"')) return `"${value}"`;
  return Buffer.from(value, 'utf8').toString('hex').toUpperCase();
}

export function parseLine(line: string): LineResult {
  const m = HEADER.exec(line);
  if (!m)
    return {
      ok: false,
      reason:
        'not an audit record: expected [node=NAME ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL):',
    };
  const [, node, type = '', seconds = '', fraction = '', serial = '', body = ''] = m;
  const f = parseFields(body, type);
  if (!f.ok) return f;
  return {
    ok: true,
    value: {
      node,
      type,
      time: `${seconds}.${fraction}`,
      seconds: Number(seconds),
      fraction,
      serial,
      fields: f.fields,
      words: f.words,
    },
  };
}

const isSep = (c: string | undefined) => c === ' ' || c === '\x1d' || c === '\t';

export type FieldsResult =
  { ok: true; fields: Fields; words: string } | { ok: false; reason: string };

/** `key=value` pairs; the first of a repeated key wins. Never throws. */
export function parseFields(body: string, type: string, depth = 0): FieldsResult {
  const fields = new Map<string, string>();
  const words: string[] = [];
  // A bare word after an unquoted value continues it: `op=adding user`.
  let open: string | undefined;
  const n = body.length;
  let i = 0;
  while (i < n) {
    if (isSep(body[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && body[j] !== '=' && !isSep(body[j])) j++;
    const key = body.slice(i, j);
    if (body[j] !== '=' || !KEY.test(key)) {
      while (j < n && !isSep(body[j])) j++;
      const word = body.slice(i, j);
      const prev = open === undefined ? undefined : fields.get(open);
      if (open !== undefined && prev !== undefined) fields.set(open, `${prev} ${word}`);
      else words.push(word);
      i = j;
      continue;
    }
    const q = body[j + 1];
    if (q === '"' || q === "'") {
      const end = body.indexOf(q, j + 2);
      if (end < 0) return { ok: false, reason: `unterminated quoted value of field ${key}` };
      const value = body.slice(j + 2, end);
      i = end + 1;
      open = undefined;
      if (q === "'" && depth === 0) {
        const inner = parseFields(value, type, 1);
        if (!inner.ok) return { ok: false, reason: `in ${key}='...': ${inner.reason}` };
        for (const [k, v] of Object.entries(inner.fields))
          if (!fields.has(k)) fields.set(k, v);
          else if (!fields.has(`${key}.${k}`)) fields.set(`${key}.${k}`, v);
        if (inner.words !== '') words.push(inner.words);
      } else if (!fields.has(key)) fields.set(key, value);
      continue;
    }
    let k = j + 1;
    while (k < n && !isSep(body[k])) k++;
    const raw = body.slice(j + 1, k);
    i = k;
    if (fields.has(key)) {
      open = undefined;
      continue;
    }
    fields.set(key, isEscaped(type, key) && HEX.test(raw) ? decodeHex(raw) : raw);
    open = key;
  }
  return { ok: true, fields: Object.fromEntries(fields), words: words.join(' ') };
}
