/** RFC 4180 reader: round trips of generated fields, line numbers, malformed records. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvRecord, writeCsvRecord } from './csv.js';

const LIMITS = { maxChars: 1 << 20, maxFields: 64 };
/** Fields rich in the characters CSV must quote. */
const field = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', '\r\n', '\t', 'é', '😀'),
  maxLength: 12,
});
const record = fc.array(field, { minLength: 1, maxLength: 8 });

describe('readCsv', () => {
  it('reads back any records written by writeCsvRecord, with their starting lines', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.boolean(), (rows, crlf) => {
        // A lone empty field is a blank line, which the reader passes over: keep rows non-blank.
        const kept = rows.filter((r) => writeCsvRecord(r).trim() !== '');
        const text = kept.map(writeCsvRecord).join(crlf ? '\r\n' : '\n');
        const read = [...readCsv(text, LIMITS)];
        expect(read.every((r) => r.ok)).toBe(true);
        expect(read.map((r) => (r.ok ? r.fields : []))).toEqual(kept);
        let line = 1;
        kept.forEach((r, i) => {
          expect(read[i]!.line).toBe(line);
          line += (writeCsvRecord(r).match(/\n/g) ?? []).length + 1;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads one record the same as a prefix of a longer text', () => {
    fc.assert(
      fc.property(record, fc.string(), (r, tail) => {
        const text = writeCsvRecord(r);
        const one = readCsvRecord(`${text}\n${tail}`, 0, LIMITS);
        expect(one).toMatchObject({ ok: true, fields: r, end: text.length + 1 });
      }),
    );
  });

  it('never throws on any text and reports every error with a line', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r') }), (text) => {
        for (const r of readCsv(text, LIMITS)) {
          expect(r.line).toBeGreaterThanOrEqual(1);
          if (!r.ok) expect(r.reason).not.toBe('');
        }
      }),
    );
  });

  it('reports malformed records by their first line and goes on at the next line', () => {
    const rows = [...readCsv('a,b\n"x"y,z\nc,"d\ne",f\n\n1,2\n"open,3\n', LIMITS)];
    expect(rows).toEqual([
      { ok: true, line: 1, fields: ['a', 'b'] },
      { ok: false, line: 2, reason: 'unexpected character after a closing quote' },
      { ok: true, line: 3, fields: ['c', 'd\ne', 'f'] },
      { ok: true, line: 6, fields: ['1', '2'] },
      { ok: false, line: 7, reason: 'unterminated quoted field' },
    ]);
    expect([...readCsv('a"b,c\nd', LIMITS)]).toEqual([
      { ok: false, line: 1, reason: 'quote inside an unquoted field' },
      { ok: true, line: 2, fields: ['d'] },
    ]);
    expect([...readCsv('"never closed\nx,y', LIMITS)]).toEqual([
      { ok: false, line: 1, reason: 'unterminated quoted field' },
      { ok: true, line: 2, fields: ['x', 'y'] },
    ]);
  });

  it('refuses records over the size and field limits', () => {
    const small = { maxChars: 10, maxFields: 3 };
    expect([...readCsv(`${'x'.repeat(50)}\nok`, small)]).toEqual([
      { ok: false, line: 1, reason: 'record is over 10 characters' },
      { ok: true, line: 2, fields: ['ok'] },
    ]);
    expect([...readCsv(`"${'x'.repeat(50)}"`, small)][0]).toEqual({
      ok: false,
      line: 1,
      reason: 'record is over 10 characters',
    });
    expect([...readCsv('a,b,c,d', small)][0]).toEqual({
      ok: false,
      line: 1,
      reason: 'record has over 3 fields',
    });
  });
});
