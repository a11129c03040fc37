import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter } from './backoff.js';

const policy = { initialDelayMs: 100, maxDelayMs: 30_000, multiplier: 2 };

describe('backoffDelay', () => {
  it('stays below a ceiling that doubles per attempt up to maxDelayMs', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(policy, attempt, 0, () => r);
        const ceiling = Math.min(30_000, 100 * 2 ** attempt);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }),
    );
  });

  it('is full jitter: spans the whole range', () => {
    expect(backoffDelay(policy, 3, 0, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, 0, () => 0.5)).toBe(400);
  });

  it('waits at least what the server asked for', () => {
    expect(backoffDelay(policy, 0, 5000, () => 0.5)).toBe(5000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('42')).toBe(42_000);
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is absent or malformed and bounds what is huge', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter('999999999')).toBe(MAX_RETRY_AFTER_MS);
  });
});
