import { describe, expect, it } from 'vitest';
import { importNativeJsonl } from './native-jsonl.js';

const opts = { tenant: 'acme' };
const ev = { action: 'user.login', actor: { id: 'alice' }, occurred_at: '2026-01-01T00:00:00Z' };

describe('native JSONL importer', () => {
  it('passes events through, filling in a missing tenant', () => {
    const r = importNativeJsonl(
      `${JSON.stringify(ev)}\r\n\n${JSON.stringify({ ...ev, tenant: 'other' })}\n`,
      opts,
    );
    expect(r.skipped).toEqual([]);
    expect(r.events).toEqual([
      { ...ev, tenant: 'acme' },
      { ...ev, tenant: 'other' },
    ]);
  });

  it('reports malformed lines with their line number', () => {
    const r = importNativeJsonl(
      [
        '{"action":',
        '[1]',
        JSON.stringify({ actor: { id: 'a' } }),
        JSON.stringify({ ...ev, actor: 5 }),
      ].join('\n'),
      opts,
    );
    expect(r.events).toEqual([]);
    expect(r.skipped).toEqual([
      { line: 1, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
      { line: 2, index: null, reason: 'line must be a JSON object' },
      { line: 3, index: null, reason: 'invalid event: action: is required' },
      { line: 4, index: null, reason: expect.stringMatching(/^invalid event: actor: /) as unknown },
    ]);
  });

  it('skips a 10 MB line without crashing', () => {
    const r = importNativeJsonl(
      JSON.stringify({ ...ev, raw: { blob: 'x'.repeat(10 * 1024 * 1024) } }),
      opts,
    );
    expect(r.events).toEqual([]);
    expect(r.skipped).toEqual([
      {
        line: 1,
        index: null,
        reason: expect.stringContaining('raw limit of 65536 bytes') as unknown,
      },
    ]);
  });
});
