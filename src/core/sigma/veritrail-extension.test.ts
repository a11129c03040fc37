/**
 * The Veritrail extension of rule documents (docs/detection.md): `veritrail: { suppress }` on
 * Sigma rules and correlations, and documents whose `veritrail` mapping has a `type`, which
 * the loader checks like rules and hands over instead of compiling them as Sigma rules.
 */
import { describe, expect, it } from 'vitest';
import { loadRules } from './load-rules.js';

const RULE = `title: Admin login
id: 5d0c7a36-7b43-4f0e-9a3c-2b1d4e5f6a7b
logsource: { product: veritrail }
detection:
  sel: { actor.id: admin }
  condition: sel
`;

describe('veritrail.suppress', () => {
  it('is read on rules and correlations, in s, m, h or d', () => {
    const r = loadRules(
      `${RULE}veritrail: { suppress: 45m }\n---\ntitle: c\ncorrelation: { type: event_count, rules: [x], timespan: 5m, condition: { gte: 2 } }\nveritrail:\n  suppress: 2d\n`,
      'x.yml',
    );
    expect(r.errors).toEqual([]);
    expect(r.rules[0]?.suppressMs).toBe(45 * 60_000);
    expect(r.correlations[0]?.suppressMs).toBe(2 * 86_400_000);
    expect(loadRules(RULE, 'x.yml').rules[0]).not.toHaveProperty('suppressMs');
  });

  it('refuses bad windows and unknown keys with their line', () => {
    for (const bad of ['1y', '0s', '31d', '10', 'soon'])
      expect(loadRules(`${RULE}veritrail:\n  suppress: ${bad}\n`, 'x.yml').errors).toEqual([
        expect.objectContaining({ code: 'invalid_field', line: 8, path: 'veritrail.suppress' }),
      ]);
    expect(loadRules(`${RULE}veritrail: [1]\n`, 'x.yml').errors[0]?.path).toBe('veritrail');
    expect(loadRules(`${RULE}veritrail:\n  field: x\n`, 'x.yml').errors[0]).toMatchObject({
      line: 8,
      path: 'veritrail.field',
    });
  });
});

describe('Veritrail rule documents', () => {
  it('are handed over with their metadata, compiled detection and a locator', () => {
    const r = loadRules(
      `title: New country
id: new-country
level: medium
logsource: { product: veritrail }
detection: { sel: { outcome: success }, condition: sel }
veritrail:
  type: new_terms
  field: source.geo.country
  suppress: 1h
---
${RULE}`,
      'x.yml',
    );
    expect(r.errors).toEqual([]);
    expect(r.rules.map((x) => x.title)).toEqual(['Admin login']);
    const [t] = r.typed;
    expect(t).toMatchObject({
      kind: 'typed',
      type: 'new_terms',
      meta: { title: 'New country', id: 'new-country', level: 'medium', suppressMs: 3_600_000 },
      logsource: { product: 'veritrail' },
      spec: { type: 'new_terms', field: 'source.geo.country', suppress: '1h' },
    });
    expect(t?.match?.({ outcome: 'success' })).toBe(true);
    expect(t?.match?.({ outcome: 'failure' })).toBe(false);
    expect(t?.locate(['veritrail', 'field'])).toEqual({ line: 8, column: 3 });
  });

  it('need no detection or logsource, and report errors in them like rules', () => {
    const r = loadRules(`title: t\nveritrail: { type: volume_spike }\n`, 'x.yml');
    expect(r.errors).toEqual([]);
    expect(r.typed[0]?.match).toBeUndefined();
    const bad = loadRules(
      `title: t\ndetection: { sel: { a|nope: 1 }, condition: sel }\nveritrail: { type: new_terms }\n`,
      'x.yml',
    );
    expect(bad.typed).toEqual([]);
    expect(bad.errors[0]).toMatchObject({ code: 'invalid_modifier', line: 2 });
  });
});
