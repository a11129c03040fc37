/**
 * CSV (RFC 4180): CRLF line ends, fields with a comma, quote, CR or LF are quoted and quotes
 * doubled. Cells hold untrusted event data, and auditors open these files in spreadsheets, so a
 * cell starting with = + - @ (or a tab or CR, which some spreadsheets skip before a formula) is
 * prefixed with ' (OWASP "CSV Injection").
 */

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // Numbers and booleans are ours, not producer text: a negative number stays a number.
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvTable(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const parts = [csvRow(header)];
  for (const r of rows) parts.push(csvRow(r));
  return parts.join('');
}

/** Parses RFC 4180 text (for tests and for tools that read our files back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        cell += c;
        i++;
      }
    } else if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else {
      cell += c;
      i++;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
