import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, VeritrailError } from '../core/errors.js';
import { errorBody, statusOf } from './errors.js';

describe('error catalogue', () => {
  it('docs/errors.md lists every code with the status the code maps it to', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    expect([...rows.keys()].sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(rows.get(code), code).toBe(statusOf(code));
  });

  it('every status is a 4xx or 5xx and the body has the documented shape', () => {
    for (const code of ERROR_CODES) {
      expect(statusOf(code)).toBeGreaterThanOrEqual(400);
      const body = errorBody(new VeritrailError(code, 'm', [{ path: 'p', message: 'x' }]));
      expect(body).toEqual({
        error: { code, message: 'm', details: [{ path: 'p', message: 'x' }] },
      });
    }
    expect(errorBody(new VeritrailError('internal', 'm'))).toEqual({
      error: { code: 'internal', message: 'm' },
    });
  });
});
