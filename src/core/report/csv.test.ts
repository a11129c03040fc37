import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvTable, parseCsv } from './csv.js';

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, and ends rows with CRLF', () => {
    expect(
      csvTable(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it.each(['=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\r=1'])(
    'neutralises the formula-like cell %j with a leading quote',
    (v) => {
      expect(csvCell(v).replace(/^"/, '').startsWith("'")).toBe(true);
    },
  );

  it('keeps numbers, including negative ones, as numbers', () => {
    expect(csvCell(-2000)).toBe('-2000');
    expect(csvCell(true)).toBe('true');
  });

  it('reads back every table it writes (formula cells with their quote prefix)', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('=', '"', ',', '\r\n', '', "'@", "'=1"),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 10 }),
        (rows) => {
          const back = parseCsv(csvTable(['h1', 'h2'], rows));
          // What a spreadsheet shows: the cell, with ' before one that could start a formula.
          const shown = (c: string) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c);
          expect(back[0]).toEqual(['h1', 'h2']);
          expect(back.slice(1)).toEqual(rows.map((r) => r.map(shown)));
        },
      ),
    );
  });
});
