/**
 * RFC 4180 CSV reading, for PostgreSQL csvlog files and the CSV inside pgaudit `AUDIT:`
 * messages. Fields are separated by `,`; a field holding `,`, `"`, CR or LF is quoted and its
 * quotes doubled. Records end at LF or CRLF outside quotes. The text is untrusted: a malformed
 * record is returned as an error naming its first line, and reading goes on at the next line.
 */

export type CsvRow =
  { ok: true; line: number; fields: string[] } | { ok: false; line: number; reason: string };

export interface CsvLimits {
  /** Longest record, in characters (a quoted field may span many lines). */
  maxChars: number;
  maxFields: number;
}

type Step =
  { ok: true; fields: string[]; end: number; lines: number } | { ok: false; reason: string };

/**
 * Reads one record starting at `start`. `end` is the offset after its line break (or the end of
 * the text); `lines` counts the line breaks inside it (quoted newlines plus the final one).
 */
export function readCsvRecord(text: string, start: number, limits: CsvLimits): Step {
  const fields: string[] = [];
  let field = '';
  let i = start;
  let lines = 0;
  for (;;) {
    if (i - start > limits.maxChars)
      return { ok: false, reason: `record is over ${limits.maxChars} characters` };
    if (text.charCodeAt(i) === 34 /* " */) {
      // Quoted field: runs to a quote not followed by another quote.
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1 || q - start > limits.maxChars)
          return {
            ok: false,
            reason:
              q === -1
                ? 'unterminated quoted field'
                : `record is over ${limits.maxChars} characters`,
          };
        const chunk = text.slice(i, q);
        lines += countLf(chunk);
        field += chunk;
        if (text.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const c = text[i];
      if (c !== undefined && c !== ',' && c !== '\n' && !(c === '\r' && text[i + 1] === '\n'))
        return { ok: false, reason: `unexpected character after a closing quote` };
    } else {
      let j = i;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || (c === 13 && text.charCodeAt(j + 1) === 10)) break;
        if (c === 34) return { ok: false, reason: 'quote inside an unquoted field' };
        j++;
      }
      if (j - start > limits.maxChars)
        return { ok: false, reason: `record is over ${limits.maxChars} characters` };
      field = text.slice(i, j);
      i = j;
    }
    fields.push(field);
    field = '';
    if (fields.length > limits.maxFields)
      return { ok: false, reason: `record has over ${limits.maxFields} fields` };
    if (i >= text.length) return { ok: true, fields, end: i, lines };
    if (text[i] === ',') {
      i++;
      if (i >= text.length) {
        fields.push('');
        return { ok: true, fields, end: i, lines };
      }
      continue;
    }
    // LF or CRLF ends the record.
    i += text[i] === '\r' ? 2 : 1;
    return { ok: true, fields, end: i, lines: lines + 1 };
  }
}

const countLf = (s: string): number => {
  let n = 0;
  for (let k = s.indexOf('\n'); k !== -1; k = s.indexOf('\n', k + 1)) n++;
  return n;
};

/** Every record of a CSV text with its 1-based starting line; blank lines are passed over. */
export function* readCsv(text: string, limits: CsvLimits): Generator<CsvRow> {
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    if (text.slice(pos, lineEnd).trim() === '') {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const r = readCsvRecord(text, pos, limits);
    if (r.ok) {
      yield { ok: true, line, fields: r.fields };
      pos = r.end;
      line += r.lines;
    } else {
      // Resynchronise on the next physical line: one bad quote does not swallow the file.
      yield { ok: false, line, reason: r.reason };
      pos = lineEnd + 1;
      line++;
    }
  }
}

/** Formats fields as pgaudit and PostgreSQL do: quoted only when needed. */
export function writeCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
