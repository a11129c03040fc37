import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { createDetector, DEFAULT_SUPPRESS_MS, findingTenant } from './create-detector.js';
import { detectorOf, ev, typedRule } from './test-support/events.js';

const T0 = Date.UTC(2026, 0, 5, 9);

const FAILED = `title: Failed login
id: 0b4c8a1e-4b7a-4e8c-9a1d-2f3e4d5c6b7a
name: failed_login
level: informational
logsource: { product: veritrail, category: authentication }
detection:
  sel: { outcome: failure }
  condition: sel
`;
const BRUTE = `title: Brute force
id: brute-force
level: high
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [actor.id]
  timespan: 5m
  condition: { gte: 3 }
veritrail:
  suppress: 2h
`;
const failure = (t: number, extra: Parameters<typeof ev>[0] = { time: t }) =>
  ev({ ...extra, time: t, extra: { outcome: 'failure', ...extra.extra } });

const ROOT_RULE = `title: Root console login
level: critical
description: The root account signed in.
author: Someone
tags: [attack.t1078]
logsource: { product: veritrail }
detection:
  sel: { actor.id: root }
  condition: sel
`;

describe('createDetector with Sigma rules', () => {
  it('turns a detection match into a finding grouped by the actor', () => {
    const d = detectorOf(ROOT_RULE);
    expect(d.rules).toHaveLength(1);
    const info = d.rules[0];
    expect(info).toMatchObject({
      title: 'Root console login',
      type: 'sigma',
      severity: 'critical',
      description: 'The root account signed in.',
      author: 'Someone',
      tags: ['attack.t1078'],
      file: 'test.yml',
      line: 1,
      suppressMs: DEFAULT_SUPPRESS_MS,
    });
    // No id: a stable hash of file and title.
    expect(info?.id).toMatch(/^h-[0-9a-f]{24}$/);
    const again = createDetector({ files: [{ name: 'test.yml', text: ROOT_RULE }] });
    expect(again.detector.rules[0]?.id).toBe(info?.id);
    const moved = createDetector({ files: [{ name: 'other.yml', text: ROOT_RULE }] });
    expect(moved.detector.rules[0]?.id).not.toBe(info?.id);
    expect(d.evaluate(ev({ time: T0, actor: 'alice' }))).toEqual([]);
    const [f] = d.evaluate(ev({ time: T0, actor: 'root', id: 'r1' }));
    expect(f).toMatchObject({
      rule: info,
      tenant: 'acme',
      groupKey: 'actor.id=root',
      eventIds: ['r1'],
      firstTime: T0,
      lastTime: T0,
      count: 1,
      summary: 'Root console login: user.login by root',
    });
  });

  it("groups by the rule's fields when it lists them", () => {
    const d = detectorOf(`title: Login from an address
id: 9d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f
level: informational
fields: [source.ip, source.user_agent]
logsource: { product: veritrail }
detection: { sel: { action: user.login }, condition: sel }
`);
    const [f] = d.evaluate(ev({ time: T0, ip: '10.0.0.7' }));
    expect(f).toMatchObject({ groupKey: 'source.ip=10.0.0.7, source.user_agent=null' });
    expect(f?.rule.severity).toBe('info');
    // None of the fields present: the actor.
    expect(d.evaluate(ev({ time: T0 }))[0]?.groupKey).toBe('actor.id=alice');
  });

  it('turns a correlation into one finding per group, with its own suppression', () => {
    const d = detectorOf(`${FAILED}---\n${BRUTE}`);
    expect(d.rules.map((r) => [r.id, r.type, r.suppressMs])).toEqual([
      ['0b4c8a1e-4b7a-4e8c-9a1d-2f3e4d5c6b7a', 'sigma', DEFAULT_SUPPRESS_MS],
      ['brute-force', 'correlation', 2 * 3_600_000],
    ]);
    expect(d.evaluate(failure(T0, { time: 0, id: 'f1' }))).toEqual([]);
    expect(d.evaluate(failure(T0 + 1000, { time: 0, id: 'f2', actor: 'bob' }))).toEqual([]);
    expect(d.evaluate(failure(T0 + 2000, { time: 0, id: 'f3' }))).toEqual([]);
    const [f] = d.evaluate(failure(T0 + 3000, { time: 0, id: 'f4' }));
    expect(f).toMatchObject({
      groupKey: 'actor.id=alice',
      eventIds: ['f1', 'f3', 'f4'],
      count: 3,
      firstTime: T0,
      lastTime: T0 + 3000,
      summary: 'Brute force: 3 events matching failed_login for actor.id=alice within 5m',
    });
    expect(f?.rule.severity).toBe('high');
    expect(d.stateSize().entries).toBeGreaterThan(0);
  });

  it('never correlates events of two tenants', () => {
    const d = detectorOf(`${FAILED}---\n${BRUTE}`);
    const found = [
      failure(T0, { time: 0, tenant: 'acme' }),
      failure(T0 + 1, { time: 0, tenant: 'globex' }),
      failure(T0 + 2, { time: 0, tenant: 'acme' }),
      failure(T0 + 3, { time: 0, tenant: 'globex' }),
    ].flatMap((e) => d.evaluate(e));
    expect(found).toEqual([]);
    expect(d.evaluate(failure(T0 + 4, { time: 0, tenant: 'globex' }))[0]?.tenant).toBe('globex');
  });

  it('gives findings on the _system log to the tenant acted upon', () => {
    const sys = (target: string) =>
      ev({
        time: T0,
        tenant: '_system',
        action: 'admin.key_create',
        extra: { targets: [{ id: target, type: 'log' }] },
      });
    expect(findingTenant(sys('acme'))).toBe('acme');
    expect(findingTenant(sys('Not A Tenant'))).toBe('_system');
    expect(findingTenant(ev({ time: T0, tenant: 'globex' }))).toBe('globex');
    const d = detectorOf(
      `title: Key created\nlogsource: { product: veritrail }\ndetection: { sel: { action: admin.key_create }, condition: sel }\n`,
    );
    expect(d.evaluate(sys('acme'))[0]?.tenant).toBe('acme');
  });

  it('runs Veritrail rules on the raw record of an imported source', () => {
    const d = detectorOf(
      typedRule(
        `type: new_terms\nfield: source.ip`,
        'detection: { sel: { eventName: ConsoleLogin }, condition: sel }\n',
      ).replace('product: veritrail', 'product: aws'),
    );
    const aws = (ip: string, eventName: string) =>
      ev({ time: T0, ip, action: 'aws.signin.console_login', extra: { raw: { eventName } } });
    expect(d.evaluate(aws('10.0.0.1', 'ConsoleLogin'))).toEqual([]);
    expect(d.evaluate(aws('10.0.0.2', 'GetObject'))).toEqual([]);
    expect(d.evaluate(ev({ time: T0, ip: '10.0.0.3' }))).toEqual([]); // native: not aws
    expect(d.evaluate(aws('10.0.0.4', 'ConsoleLogin'))).toHaveLength(1);
  });

  it('does not feed the Veritrail rules events dated in the future', () => {
    const d = detectorOf(typedRule(`type: new_terms\nfield: source.geo.country`), {
      now: () => T0,
    });
    d.evaluate(ev({ time: T0 - 1000, country: 'FR' }));
    expect(d.evaluate(ev({ time: T0 + 3_600_000, country: 'BR' }))).toEqual([]);
    expect(d.evaluate(ev({ time: T0 + 60_000, country: 'BR' }))).toHaveLength(1);
  });
});

describe('load errors', () => {
  const load = (text: string) => createDetector({ files: [{ name: 'rules/x.yml', text }] });

  it('name the file, the line and the key; other rules still load', () => {
    const text = `${typedRule(`type: new_terms\nfield: source.geo.country\nlookback: 30 days`)}---\n${FAILED}---\n${typedRule('type: new_words')}---\n${typedRule('type: new_terms')}`;
    const { detector, errors } = load(text);
    expect(errors).toEqual([
      {
        code: 'invalid_parameter',
        file: 'rules/x.yml',
        line: 9,
        column: 3,
        path: 'veritrail.lookback',
        message:
          "'veritrail.lookback' must be a number and a unit s, m, h, d or w, like 30d (got '30 days')",
      },
      expect.objectContaining({
        code: 'unknown_type',
        line: 26,
        path: 'veritrail.type',
      }),
      expect.objectContaining({ code: 'invalid_parameter', line: 33, path: 'veritrail.field' }),
    ]);
    expect(errors[1]?.message).toContain("unknown rule type 'new_words'");
    expect(detector.rules.map((r) => r.title)).toEqual(['Failed login']);
  });

  it('refuse unknown parameters, bad values and bad suppression windows', () => {
    const msg = (body: string) =>
      load(typedRule(body)).errors.map((e) => `${e.path}: ${e.message}`);
    expect(msg('type: new_terms\nfield: a.b\nlookbak: 3d')).toEqual([
      "veritrail.lookbak: 'veritrail.lookbak' is not a known parameter here",
    ]);
    expect(msg('type: volume_spike\nthreshold: -1')[0]).toContain('must be between 0.1 and 1000');
    expect(msg('type: volume_spike\nbucket: 30m\nseasonality: hour_of_week')[0]).toContain(
      'must be 1h with seasonality hour_of_week',
    );
    expect(msg('type: volume_spike\nmin_count: 2.5')[0]).toContain('must be an integer');
    expect(msg('type: impossible_travel\nentity: [actor id]')[0]).toContain(
      "'veritrail.entity[0]' must be a dotted field path",
    );
    expect(msg('type: impossible_travel\nmax_speed_kmh: fast')[0]).toContain('must be a number');
    expect(msg('type: new_terms\nfield: a\nsuppress: 1y')[0]).toContain(
      "veritrail.suppress: 'veritrail.suppress' must be a number and a unit s, m, h or d",
    );
    expect(msg('type: 3')[0]).toContain("'veritrail.type' must be a string");
    const sigma = load(`${FAILED}veritrail: { suppress: 10m, tipe: new_terms }\n`).errors;
    expect(sigma[0]).toMatchObject({ path: 'veritrail.tipe', line: 9 });
  });

  it('refuse a logsource that no source provides', () => {
    const { errors } = load(
      typedRule('type: new_terms\nfield: a').replace('product: veritrail', 'product: windows'),
    );
    expect(errors[0]).toMatchObject({ code: 'invalid_field', path: 'logsource', line: 4 });
  });

  it('survive garbage without throwing', () => {
    for (const text of [
      'veritrail: { type: new_terms }',
      '{',
      'veritrail: 3\ntitle: x',
      '- 1',
      '\u0000',
    ])
      expect(() => load(text)).not.toThrow();
  });
});

const SIGMA = sharedData('sigma');

describe.skipIf(!SIGMA.present)(SIGMA.title('the SigmaHQ rules in ../shared/sigma'), () => {
  const ROOT = SIGMA.path;
  const yml = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? yml(p) : p.endsWith('.yml') ? [p] : [];
    });

  it('all load into one detector with no error and no warning', () => {
    const files = yml(ROOT).map((p) => ({
      name: relative(ROOT, p),
      text: readFileSync(p, 'utf8'),
    }));
    const { detector, errors, warnings } = createDetector({ files });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(detector.rules.length).toBe(files.length);
    expect(new Set(detector.rules.map((r) => r.id)).size).toBe(files.length);
  });
});
