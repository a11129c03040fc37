import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('metricsPublic', () => {
  it('is off by default, on with VERITRAIL_METRICS_PUBLIC=true or 1, and the flag wins', () => {
    expect(loadConfig({}, {}).metricsPublic).toBe(false);
    for (const [v, want] of [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const)
      expect(loadConfig({}, { VERITRAIL_METRICS_PUBLIC: v }).metricsPublic, v).toBe(want);
    expect(
      loadConfig({ metricsPublic: true }, { VERITRAIL_METRICS_PUBLIC: 'false' }),
    ).toMatchObject({ metricsPublic: true });
  });

  it('refuses any other value, naming the setting', () => {
    expect(() => loadConfig({}, { VERITRAIL_METRICS_PUBLIC: 'yes' })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: [expect.objectContaining({ path: 'metricsPublic' })],
      }),
    );
  });
});
