/** Properties shared by every importer: untrusted text never throws, every event validates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseEvent } from '../event/validate.js';
import { IMPORT_FORMATS, importRecords } from './index.js';

const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };
/** Formats read from text logs rather than JSON. */
const LINE_FORMATS = new Set<string>(['pgaudit']);

describe('importRecords', () => {
  it('never throws on any string and every produced event validates', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc.array(fc.json()).map((l) => l.join('\n')),
      fc.jsonValue().map((v) => JSON.stringify({ Records: [v], items: [v] })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...IMPORT_FORMATS), text, (format, t) => {
        const r = importRecords(format, t, opts);
        for (const e of r.events) expect(normaliseEvent(e, CTX).ok).toBe(true);
        for (const s of r.skipped) expect(s.reason).not.toBe('');
      }),
      { numRuns: 500 },
    );
  });

  it('gives clear skips for binary garbage (random bytes decoded as latin1)', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    for (const format of IMPORT_FORMATS) {
      const r = importRecords(format, `{${bytes.toString('latin1')}`, opts);
      expect(r.events).toEqual([]);
      if (LINE_FORMATS.has(format)) {
        // Line-oriented logs: lines that are not audit records are counted, not skipped.
        expect(r.ignored).toBeGreaterThan(0);
        continue;
      }
      if (format === 'auditd') {
        // Every line that is not an audit record is skipped with its line number.
        expect(r.skipped.length).toBeGreaterThan(0);
        for (const s of r.skipped) expect(s.reason).toMatch(/^not an audit record[\x20-\x7e]*$/);
        continue;
      }
      expect(r.skipped.length).toBeGreaterThan(0);
      for (const s of r.skipped) {
        expect(s.reason).toMatch(/^not valid JSON/);
        expect(s.reason).toMatch(/^[\x20-\x7e]*$/);
      }
    }
  });

  it('returns nothing for an empty file', () => {
    for (const format of IMPORT_FORMATS)
      expect(importRecords(format, '', opts)).toEqual({
        events: [],
        skipped: [],
        ...(LINE_FORMATS.has(format) ? { ignored: 0 } : {}),
      });
  });
});
