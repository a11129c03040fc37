/**
 * Loading rule files: validation with file, line and reason; multi-document files (rule
 * collections, filters, correlations); one bad document never stops the others.
 */
import { describe, expect, it } from 'vitest';
import { loadRules } from './load-rules.js';

const RULE = (extra = '', id = '929a690e-bef0-4204-a928-ef5e620d6fcc') => `title: Root login
id: ${id}
status: stable
description: A root console login
author: Jane Doe
references:
  - https://example.com
tags:
  - attack.t1078.004
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: ConsoleLogin
    userIdentity.type: Root
  condition: selection
fields:
  - sourceIPAddress
falsepositives:
  - Break-glass procedures
level: high
${extra}`;

describe('loadRules', () => {
  it('keeps the metadata of a rule', () => {
    const r = loadRules(RULE(), 'rules/root.yml');
    expect(r.errors).toEqual([]);
    const rule = r.rules[0];
    expect(rule).toMatchObject({
      kind: 'rule',
      title: 'Root login',
      id: '929a690e-bef0-4204-a928-ef5e620d6fcc',
      status: 'stable',
      level: 'high',
      author: 'Jane Doe',
      description: 'A root console login',
      tags: ['attack.t1078.004'],
      references: ['https://example.com'],
      falsepositives: ['Break-glass procedures'],
      fields: ['sourceIPAddress'],
      logsource: { product: 'aws', service: 'cloudtrail' },
      file: 'rules/root.yml',
      line: 1,
    });
    expect(rule?.match({ eventName: 'ConsoleLogin', userIdentity: { type: 'Root' } })).toBe(true);
  });

  const INVALID: readonly [string, string, string, number, RegExp][] = [
    [
      'no title',
      RULE().replace('title: Root login\n', ''),
      'missing_field',
      1,
      /'title' is required/,
    ],
    ['bad id', RULE('', 'not-a-uuid'), 'invalid_field', 2, /'id' must be a UUID/],
    [
      'bad status',
      RULE().replace('status: stable', 'status: great'),
      'invalid_field',
      3,
      /'status' must be one of/,
    ],
    [
      'bad level',
      RULE().replace('level: high', 'level: severe'),
      'invalid_field',
      22,
      /'level' must be one of/,
    ],
    [
      'bad tag',
      RULE().replace('attack.t1078.004', 'Attack T1078'),
      'invalid_field',
      9,
      /tag 'Attack T1078'/,
    ],
    [
      'tags not a list',
      RULE().replace('tags:\n  - attack.t1078.004', 'tags: {a: 1}'),
      'invalid_field',
      8,
      /'tags' must be a list/,
    ],
    [
      'no logsource',
      RULE().replace('logsource:\n  product: aws\n  service: cloudtrail\n', ''),
      'missing_field',
      1,
      /'logsource' is required/,
    ],
    [
      'empty logsource',
      RULE().replace('  product: aws\n  service: cloudtrail\n', '  definition: x\n'),
      'invalid_field',
      10,
      /needs a category, product or service/,
    ],
    ['bad date', RULE('date: yesterday'), 'invalid_field', 23, /'date' must be a date/],
    [
      'detection not a map',
      RULE().replace(/detection:[\s\S]*?condition: selection\n/, 'detection: 3\n'),
      'invalid_detection',
      13,
      /must be a map/,
    ],
    [
      'bad related',
      RULE('related:\n  - id: x\n    type: cousin'),
      'invalid_field',
      24,
      /'related' entries/,
    ],
    [
      'title too long',
      RULE().replace('Root login', 'x'.repeat(300)),
      'invalid_field',
      1,
      /longer than 256/,
    ],
  ];
  for (const [name, text, code, line, message] of INVALID) {
    it(`reports ${name} with its line`, () => {
      const r = loadRules(text, 'bad.yml');
      expect(r.rules).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ code, file: 'bad.yml', line });
      expect(r.errors[0]?.message).toMatch(message);
    });
  }

  it('reports YAML syntax errors with their line and keeps the other documents', () => {
    const text = `${RULE()}---\ntitle: broken\ndetection: [unclosed\n---\n${RULE('', '0e95725d-7320-415d-80f7-004da920fc11')}`;
    const r = loadRules(text, 'multi.yml');
    expect(r.rules.map((x) => x.id)).toEqual([
      '929a690e-bef0-4204-a928-ef5e620d6fcc',
      '0e95725d-7320-415d-80f7-004da920fc11',
    ]);
    expect(r.errors.length).toBeGreaterThanOrEqual(1);
    expect(r.errors[0]).toMatchObject({ code: 'yaml_syntax', file: 'multi.yml' });
    expect(r.errors[0]?.line).toBeGreaterThanOrEqual(24);
    expect(r.errors[0]?.line).toBeLessThanOrEqual(27);
  });

  it('rejects duplicate keys', () => {
    const r = loadRules(RULE('level: low'), 'dup.yml');
    expect(r.errors[0]).toMatchObject({ code: 'yaml_syntax', line: 23 });
  });

  it('rejects documents that are not rules', () => {
    const r = loadRules('title: just a title\n', 'x.yml');
    expect(r.errors[0]).toMatchObject({ code: 'invalid_document', line: 1 });
    expect(loadRules('- a\n- b\n', 'x.yml').errors[0]?.code).toBe('invalid_document');
    expect(loadRules('', 'x.yml')).toEqual({
      rules: [],
      filters: [],
      correlations: [],
      typed: [],
      errors: [],
    });
  });

  it('refuses oversized files and alias bombs', () => {
    expect(loadRules('#'.repeat(1_048_577), 'big.yml').errors[0]?.code).toBe('too_large');
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    const r = loadRules(bomb, 'bomb.yml');
    expect(r.errors[0]?.code).toBe('yaml_syntax');
  });

  it('applies action: global to the following documents, reset and repeat', () => {
    const text = `action: global
title: Collection
logsource:
  product: aws
  service: cloudtrail
detection:
  condition: selection
level: medium
---
detection:
  selection:
    eventName: A
---
action: repeat
detection:
  selection:
    eventName: B
level: high
---
action: reset
---
title: Standalone
logsource:
  product: okta
  service: okta
detection:
  selection:
    eventType: x
  condition: selection
`;
    const r = loadRules(text, 'collection.yml');
    expect(r.errors).toEqual([]);
    expect(r.rules.map((x) => [x.title, x.level, x.logsource.product])).toEqual([
      ['Collection', 'medium', 'aws'],
      ['Collection', 'high', 'aws'],
      ['Standalone', undefined, 'okta'],
    ]);
    expect(r.rules[0]?.match({ eventName: 'A' })).toBe(true);
    expect(r.rules[1]?.match({ eventName: 'B' })).toBe(true);
    expect(r.rules[1]?.match({ eventName: 'A' })).toBe(false);
  });

  it('keeps __proto__ keys as plain keys when merging documents', () => {
    const text = `action: global\ntitle: g\nlogsource:\n  product: aws\ndetection:\n  condition: __proto__\n---\ndetection:\n  __proto__:\n    polluted: yes\n`;
    const r = loadRules(text, 'proto.yml');
    expect(r.errors).toEqual([]);
    expect(r.rules[0]?.match({ polluted: 'yes' })).toBe(true);
    expect(r.rules[0]?.match({ polluted: 'no' })).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('loads meta filters', () => {
    const text = `title: Ignore the deploy robot
logsource:
  product: aws
  service: cloudtrail
filter:
  rules:
    - 929a690e-bef0-4204-a928-ef5e620d6fcc
  selection:
    userIdentity.arn|endswith: ':user/deploy'
  condition: selection
`;
    const r = loadRules(text, 'mf_deploy.yml');
    expect(r.errors).toEqual([]);
    expect(r.filters[0]).toMatchObject({
      kind: 'filter',
      rules: ['929a690e-bef0-4204-a928-ef5e620d6fcc'],
    });
    expect(r.filters[0]?.match({ userIdentity: { arn: 'arn:aws:iam::1:user/deploy' } })).toBe(true);
    const bad = loadRules(text.replace(/  rules:\n.*\n/, ''), 'mf.yml');
    expect(bad.errors[0]).toMatchObject({ code: 'invalid_filter' });
  });

  it('loads correlation rules and checks them', () => {
    const text = `title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
level: high
correlation:
  type: event_count
  rules:
    - failed_login
  group-by:
    - user
  timespan: 1h
  condition:
    gte: 100
`;
    const r = loadRules(text, 'mr.yml');
    expect(r.errors).toEqual([]);
    expect(r.correlations[0]).toMatchObject({
      kind: 'correlation',
      type: 'event_count',
      rules: ['failed_login'],
      groupBy: ['user'],
      timespanMs: 3_600_000,
      condition: { gte: 100 },
      generate: false,
      level: 'high',
    });
    const errs: readonly [string, string, RegExp, number][] = [
      ['type: event_count', 'type: sum', /'type' must be one of/, 5],
      ['timespan: 1h', 'timespan: 1 hour', /'timespan'/, 10],
      ['timespan: 1h', 'timespan: 400d', /between 1s and 31d/, 10],
      ['    gte: 100', '    above: 100', /unknown condition operator 'above'/, 12],
      ['    gte: 100', '    gte: many', /'gte' must be a number/, 12],
      ['type: event_count', 'type: value_count', /needs 'field'/, 11],
      ['    - failed_login', '    - 3', /'rules' must be/, 6],
    ];
    for (const [from, to, message, line] of errs) {
      const bad = loadRules(text.replace(from, to), 'mr.yml');
      expect(bad.errors, to).toHaveLength(1);
      expect(bad.errors[0]?.code).toBe('invalid_correlation');
      expect(bad.errors[0]?.message).toMatch(message);
      expect(bad.errors[0]?.line, to).toBe(line);
    }
    const metric = loadRules(text.replace('type: event_count', 'type: value_avg'), 'mr.yml');
    expect(metric.errors).toHaveLength(1);
    expect(metric.errors[0]).toMatchObject({ code: 'unsupported', line: 5 });
    expect(metric.errors[0]?.message).toMatch(/metric correlation/);
  });

  it('rejects a second rule with the same id in one file', () => {
    const r = loadRules(`${RULE()}---\n${RULE()}`, 'dup.yml');
    expect(r.rules).toHaveLength(1);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'duplicate_rule', line: 25 })]);
  });

  it('bounds the length of regular expressions', () => {
    const r = loadRules(
      RULE().replace('eventName: ConsoleLogin', `eventName|re: '${'a'.repeat(5000)}'`),
      'x.yml',
    );
    expect(r.errors[0]).toMatchObject({ code: 'invalid_regex', line: 15 });
  });

  it('names the detection item that is wrong', () => {
    const text = RULE().replace(
      '    userIdentity.type: Root',
      '    userIdentity.type|startwith: Root',
    );
    const r = loadRules(text, 'x.yml');
    expect(r.errors).toEqual([
      {
        code: 'invalid_modifier',
        file: 'x.yml',
        line: 16,
        column: 5,
        path: 'detection.selection.userIdentity.type|startwith',
        message: "unknown value modifier 'startwith'",
      },
    ]);
  });
});
