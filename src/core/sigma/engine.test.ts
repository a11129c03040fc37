/**
 * The engine: logsource routing (raw records vs the native schema), meta filters, and
 * correlation rules with bounded state on event time.
 */
import { describe, expect, it } from 'vitest';
import { SigmaEngine, type CorrelationMatch, type SigmaMatch } from './engine.js';
import { loadRules } from './load-rules.js';
import { logsourceOf, routeOf } from './logsource.js';

const doc = (title: string, logsource: string, detection: string, extra = '') => `title: ${title}
${extra}logsource:
${logsource
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
detection:
${detection
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;

function load(...docs: string[]) {
  const r = loadRules(docs.join('---\n'), 'rules.yml');
  expect(r.errors).toEqual([]);
  return r;
}
const titles = (ms: readonly SigmaMatch[]) => ms.map((m) => m.rule.title);

const ct = (raw: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'e1',
  action: 'aws.iam.create_user',
  category: 'account',
  occurred_at: '2024-01-01T00:00:00Z',
  raw,
  ...extra,
});

describe('logsource routing', () => {
  it('maps action prefixes to sources', () => {
    expect(logsourceOf({ action: 'aws.iam.create_user' })?.key).toBe('aws/cloudtrail');
    expect(logsourceOf({ action: 'okta.user.session.start' })?.key).toBe('okta/okta');
    expect(logsourceOf({ action: 'github.repo.create' })?.key).toBe('github/audit');
    expect(logsourceOf({ action: 'k8s.pods.create' })?.key).toBe('kubernetes/audit');
    expect(logsourceOf({ action: 'gcp.iam.set_iam_policy' })?.key).toBe('gcp/gcp.audit');
    expect(logsourceOf({ action: 'auditd.execve' })?.key).toBe('linux/auditd');
    expect(logsourceOf({ action: 'user.login' })).toBeNull();
    expect(logsourceOf({ action: 'constructor.x' })).toBeNull();
    expect(logsourceOf({})).toBeNull();
  });

  it('routes logsources', () => {
    expect(routeOf({ product: 'aws' })).toEqual({ kind: 'raw', keys: ['aws/cloudtrail'] });
    expect(routeOf({ product: 'kubernetes', service: 'audit', category: 'application' })).toEqual({
      kind: 'raw',
      keys: ['kubernetes/audit'],
    });
    expect(routeOf({ service: 'audit' })).toEqual({
      kind: 'raw',
      keys: ['github/audit', 'kubernetes/audit'],
    });
    expect(routeOf({ product: 'veritrail' })).toEqual({ kind: 'native' });
    expect(routeOf({ product: 'veritrail', category: 'authentication' })).toEqual({
      kind: 'native',
      category: 'authentication',
    });
    expect(routeOf({ category: 'audit' })).toEqual({ kind: 'native', category: 'audit' });
    expect(routeOf({ product: 'windows', category: 'process_creation' })).toEqual({ kind: 'none' });
  });

  const r = load(
    doc(
      'aws rule',
      'product: aws\nservice: cloudtrail',
      'sel:\n  eventName: CreateUser\ncondition: sel',
    ),
    doc(
      'okta rule',
      'product: okta\nservice: okta',
      'sel:\n  eventName: CreateUser\ncondition: sel',
    ),
    doc(
      'native rule',
      'product: veritrail',
      'sel:\n  actor.id: alice\n  targets.type: user\ncondition: sel',
    ),
    doc('native account rule', 'category: account', 'sel:\n  outcome: failure\ncondition: sel'),
    doc('windows rule', 'product: windows', 'sel:\n  eventName: CreateUser\ncondition: sel'),
  );
  const engine = new SigmaEngine(r.rules);

  it('matches raw-source rules on raw, only for events of that source', () => {
    expect(titles(engine.match(ct({ eventName: 'CreateUser' })))).toEqual(['aws rule']);
    expect(
      titles(engine.match(ct({ eventName: 'CreateUser' }, { action: 'okta.user.create' }))),
    ).toEqual(['okta rule']);
    expect(
      titles(engine.match(ct({ eventName: 'CreateUser' }, { action: 'user.create' }))),
    ).toEqual([]);
    // The event's own fields are not seen by raw-source rules.
    expect(titles(engine.match(ct({}, { eventName: 'CreateUser' })))).toEqual([]);
    expect(titles(engine.match({ action: 'aws.iam.x', raw: 'not an object' }))).toEqual([]);
  });

  it('matches native rules on the event schema, including arrays of targets', () => {
    const e = ct(
      {},
      {
        actor: { id: 'alice' },
        targets: [
          { id: 't1', type: 'group' },
          { id: 't2', type: 'user' },
        ],
        outcome: 'failure',
      },
    );
    const ms = engine.match(e);
    expect(titles(ms)).toEqual(['native rule', 'native account rule']);
    expect(ms.every((m) => m.kind === 'rule' && m.target === 'native')).toBe(true);
    expect(titles(engine.match({ ...e, category: 'data' }))).toEqual(['native rule']);
  });

  it('native rules with a service match only events of that observer.service', () => {
    const svc = load(
      doc(
        'billing',
        'product: veritrail\nservice: Billing',
        'sel:\n  action: invoice.delete\ncondition: sel',
      ),
    );
    expect(routeOf({ product: 'veritrail', service: 'billing' })).toEqual({
      kind: 'native',
      service: 'billing',
    });
    const e = new SigmaEngine(svc.rules);
    const ev = { action: 'invoice.delete', observer: { service: 'billing' } };
    expect(titles(e.match(ev))).toEqual(['billing']);
    expect(titles(e.match({ ...ev, observer: { service: 'shop' } }))).toEqual([]);
    expect(titles(e.match({ action: 'invoice.delete' }))).toEqual([]);
  });

  it('warns about reused ids across files', () => {
    const id = 'id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n';
    const a = loadRules(doc('a', 'product: aws', 'sel:\n  x: 1\ncondition: sel', id), 'a.yml');
    const b = loadRules(doc('b', 'product: aws', 'sel:\n  x: 1\ncondition: sel', id), 'b.yml');
    expect(new SigmaEngine([...a.rules, ...b.rules]).warnings).toEqual([
      expect.stringMatching(/^b\.yml:1: rule 'b' reuses the id .* of a\.yml:1/),
    ]);
  });

  it('matches auditd rules record by record', () => {
    const audit = load(
      doc(
        'execve',
        'product: linux\nservice: auditd',
        'sel:\n  type: EXECVE\n  a0: truncate\nkeywords:\n  - "-s"\ncondition: sel and keywords',
      ),
      doc(
        'path',
        'product: linux\nservice: auditd',
        'sel:\n  type: PATH\n  name: /etc/shadow\ncondition: sel',
      ),
      doc(
        'mixed',
        'product: linux\nservice: auditd',
        'sel:\n  type: SYSCALL\n  a0: truncate\ncondition: sel',
      ),
    );
    const e = new SigmaEngine(audit.rules);
    const event = {
      action: 'auditd.execve',
      raw: {
        SYSCALL: { syscall: 'execve', exe: '/usr/bin/truncate' },
        EXECVE: { argc: '3', a0: 'truncate', a1: '-s', a2: '0' },
        PATH: [{ name: '/usr/bin/truncate' }, { name: '/etc/shadow' }],
      },
    };
    expect(titles(e.match(event))).toEqual(['execve', 'path']);
    // A flat record with its type works as well.
    expect(
      titles(e.match({ action: 'auditd.x', raw: { type: 'PATH', name: '/etc/shadow' } })),
    ).toEqual(['path']);
  });

  it('warns about rules no source provides', () => {
    expect(engine.warnings).toHaveLength(1);
    expect(engine.warnings[0]).toMatch(/windows rule.*never matches/);
  });

  it('returns the values of the rule fields', () => {
    const withFields = load(
      doc(
        'f',
        'product: aws',
        'sel:\n  eventName: X\ncondition: sel',
        'fields:\n  - sourceIPAddress\n  - userIdentity.arn\n  - missing\n',
      ),
    );
    const [m] = new SigmaEngine(withFields.rules).match(
      ct({ eventName: 'X', sourceIPAddress: '1.2.3.4', userIdentity: { arn: 'arn:x' } }),
    );
    expect(m).toMatchObject({
      kind: 'rule',
      target: 'raw',
      fields: { sourceIPAddress: '1.2.3.4', 'userIdentity.arn': 'arn:x', missing: null },
    });
  });

  it('tries GCP taxonomy names and data-wrapped records', () => {
    const gcp = load(
      doc(
        'gcp',
        'product: gcp\nservice: gcp.audit',
        'sel:\n  gcp.audit.method_name: v1.compute.instances.delete\ncondition: sel',
      ),
      doc(
        'gcp data',
        'product: gcp\nservice: gcp.audit',
        'sel:\n  data.protoPayload.serviceName: iam.googleapis.com\ncondition: sel',
      ),
    );
    const e = {
      action: 'gcp.compute.delete',
      raw: {
        protoPayload: {
          methodName: 'v1.compute.instances.delete',
          serviceName: 'iam.googleapis.com',
        },
      },
    };
    expect(titles(new SigmaEngine(gcp.rules).match(e))).toEqual(['gcp', 'gcp data']);
  });
});

describe('meta filters', () => {
  it('suppress the matches of the rules they name', () => {
    const rules = load(
      doc(
        'r',
        'product: aws',
        'sel:\n  eventName: CreateUser\ncondition: sel',
        'id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n',
      ),
    );
    const filters = loadRules(
      `title: f\nlogsource:\n  product: aws\nfilter:\n  rules:\n    - 929a690e-bef0-4204-a928-ef5e620d6fcc\n    - unknown-rule\n  selection:\n    userIdentity.arn|endswith: /deploy\n  condition: selection\n`,
      'mf.yml',
    );
    const engine = new SigmaEngine(rules.rules, { filters: filters.filters });
    expect(
      titles(engine.match(ct({ eventName: 'CreateUser', userIdentity: { arn: 'a/deploy' } }))),
    ).toEqual([]);
    expect(
      titles(engine.match(ct({ eventName: 'CreateUser', userIdentity: { arn: 'a/alice' } }))),
    ).toEqual(['r']);
    expect(engine.warnings).toEqual([expect.stringMatching(/unknown rule 'unknown-rule'/)]);
  });

  it("with 'rules: any' apply to every rule of their logsource", () => {
    const rules = load(
      doc('aws', 'product: aws', 'sel:\n  eventName: CreateUser\ncondition: sel'),
      doc('okta', 'product: okta', 'sel:\n  eventName: CreateUser\ncondition: sel'),
    );
    const filters = loadRules(
      `title: f\nlogsource:\n  product: aws\nfilter:\n  rules: any\n  selection:\n    user: robot\n  condition: selection\n`,
      'mf.yml',
    );
    expect(filters.errors).toEqual([]);
    const engine = new SigmaEngine(rules.rules, { filters: filters.filters });
    expect(titles(engine.match(ct({ eventName: 'CreateUser', user: 'robot' })))).toEqual([]);
    expect(
      titles(engine.match(ct({ eventName: 'CreateUser', user: 'robot' }, { action: 'okta.x' }))),
    ).toEqual(['okta']);
  });
});

describe('correlation rules', () => {
  const base = [
    doc(
      'failed login',
      'product: okta',
      'sel:\n  outcome.result: FAILURE\ncondition: sel',
      'name: failed_login\n',
    ),
    doc(
      'success login',
      'product: okta',
      'sel:\n  outcome.result: SUCCESS\ncondition: sel',
      'name: success_login\n',
    ),
  ];
  const at = (sec: number) => new Date(Date.UTC(2024, 0, 1) + sec * 1000).toISOString();
  let n = 0;
  const okta = (result: string, user: string, sec: number, ip = '1.1.1.1') => ({
    id: `e${++n}`,
    action: 'okta.user.session.start',
    occurred_at: at(sec),
    raw: { outcome: { result }, actor: { alternateId: user }, client: { ipAddress: ip } },
  });
  const corr = (body: string, extra = '') =>
    `title: corr\nid: c1\n${extra}correlation:\n${body
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`;
  const engineFor = (c: string, limits = {}) => {
    const r = load(...base, c);
    return new SigmaEngine(r.rules, { correlations: r.correlations, limits });
  };
  const corrs = (ms: readonly SigmaMatch[]) =>
    ms.filter((m): m is CorrelationMatch => m.kind === 'correlation');

  it('event_count per group within the timespan, by event time', () => {
    const e = engineFor(
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m\ncondition:\n  gte: 3',
      ),
    );
    expect(corrs(e.match(okta('FAILURE', 'bob', 0)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'alice', 1)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'bob', 30)))).toEqual([]);
    // 70 s after the first: that one left the window.
    expect(corrs(e.match(okta('FAILURE', 'bob', 70)))).toEqual([]);
    const hit = corrs(e.match(okta('FAILURE', 'bob', 71)));
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({
      count: 3,
      group: { 'actor.alternateId': 'bob' },
      firstTime: Date.parse(at(30)),
      lastTime: Date.parse(at(71)),
    });
    expect(hit[0]?.eventIds).toHaveLength(3);
    // The group is cleared after a match.
    expect(corrs(e.match(okta('FAILURE', 'bob', 72)))).toEqual([]);
  });

  it('the correlated rules do not raise matches of their own unless generate is true', () => {
    const quiet = engineFor(
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - x\ntimespan: 1m\ncondition:\n  gte: 99',
      ),
    );
    expect(titles(quiet.match(okta('FAILURE', 'bob', 0)))).toEqual([]);
    expect(titles(quiet.match(okta('SUCCESS', 'bob', 0)))).toEqual(['success login']);
    const loud = engineFor(
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - x\ntimespan: 1m\ngenerate: true\ncondition:\n  gte: 99',
      ),
    );
    expect(titles(loud.match(okta('FAILURE', 'bob', 0)))).toEqual(['failed login']);
  });

  it('accepts late events inside the window and drops those outside', () => {
    const e = engineFor(
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m\ncondition:\n  gte: 3',
      ),
    );
    e.match(okta('FAILURE', 'bob', 100));
    e.match(okta('FAILURE', 'bob', 30)); // 70 s late: outside the window, ignored
    expect(corrs(e.match(okta('FAILURE', 'bob', 50)))).toEqual([]); // 50 s late: counted
    expect(corrs(e.match(okta('FAILURE', 'bob', 90)))).toHaveLength(1);
  });

  it('event_count with a range condition', () => {
    const e = engineFor(
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1h\ncondition:\n  gt: 1\n  lte: 2',
      ),
    );
    expect(corrs(e.match(okta('FAILURE', 'bob', 0)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'bob', 1)))).toHaveLength(1);
  });

  it('value_count counts distinct values', () => {
    const e = engineFor(
      corr(
        'type: value_count\nrules:\n  - failed_login\ngroup-by:\n  - client.ipAddress\ntimespan: 5m\ncondition:\n  field: actor.alternateId\n  gte: 3',
      ),
    );
    expect(corrs(e.match(okta('FAILURE', 'a', 0)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'a', 1)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'b', 2)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'c', 3, '2.2.2.2')))).toEqual([]);
    const hit = corrs(e.match(okta('FAILURE', 'c', 4)));
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ count: 3, group: { 'client.ipAddress': '1.1.1.1' } });
  });

  it('temporal: all rules in the window, any order', () => {
    const e = engineFor(
      corr(
        'type: temporal\nrules:\n  - failed_login\n  - success_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m',
      ),
    );
    expect(corrs(e.match(okta('SUCCESS', 'bob', 0)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'alice', 1)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'bob', 2)))).toHaveLength(1);
  });

  it('temporal_ordered: the rules in the given order', () => {
    const e = engineFor(
      corr(
        'type: temporal_ordered\nrules:\n  - failed_login\n  - success_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m',
      ),
    );
    expect(corrs(e.match(okta('SUCCESS', 'bob', 0)))).toEqual([]);
    expect(corrs(e.match(okta('FAILURE', 'bob', 1)))).toEqual([]);
    expect(corrs(e.match(okta('SUCCESS', 'bob', 2)))).toHaveLength(1);
    // Too far apart.
    expect(corrs(e.match(okta('FAILURE', 'amy', 10)))).toEqual([]);
    expect(corrs(e.match(okta('SUCCESS', 'amy', 100)))).toEqual([]);
  });

  it('aliases read a different field per rule', () => {
    const e = engineFor(
      corr(
        'type: temporal\nrules:\n  - failed_login\n  - success_login\ngroup-by:\n  - who\ntimespan: 1m\naliases:\n  who:\n    failed_login: actor.alternateId\n    success_login: client.ipAddress',
      ),
    );
    expect(corrs(e.match(okta('FAILURE', 'x', 0)))).toEqual([]);
    const hit = corrs(e.match(okta('SUCCESS', 'bob', 1, 'x')));
    expect(hit[0]).toMatchObject({ group: { who: 'x' } });
  });

  it('chains correlations', () => {
    const r = load(
      ...base,
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m\ncondition:\n  gte: 2',
        'name: many_failed\n',
      ),
      `title: brute force then success\ncorrelation:\n  type: temporal_ordered\n  rules:\n    - many_failed\n    - success_login\n  group-by:\n    - actor.alternateId\n  timespan: 5m\n`,
    );
    const e = new SigmaEngine(r.rules, { correlations: r.correlations });
    e.match(okta('FAILURE', 'bob', 0));
    expect(corrs(e.match(okta('FAILURE', 'bob', 1))).map((m) => m.rule.title)).toEqual(['corr']);
    expect(corrs(e.match(okta('SUCCESS', 'bob', 2))).map((m) => m.rule.title)).toEqual([
      'brute force then success',
    ]);
  });

  it('keeps its state bounded and reports its size', () => {
    const e = engineFor(
      corr(
        'type: event_count\nrules:\n  - failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1h\ncondition:\n  gte: 1000000',
      ),
      { maxGroups: 50, maxEntries: 10 },
    );
    for (let i = 0; i < 500; i++) e.match(okta('FAILURE', `user${i % 100}`, i));
    const size = e.stateSize();
    expect(size.groups).toBe(50);
    expect(size.entries).toBeLessThanOrEqual(50 * 10 * 2);
    expect(size.byRule).toEqual([{ id: 'c1', groups: 50, entries: size.entries }]);
    for (let i = 0; i < 100; i++) e.match(okta('FAILURE', 'one', 1000 + i));
    expect(e.stateSize().groups).toBe(50);
  });

  it('warns about unknown rule references', () => {
    const r = load(corr('type: temporal\nrules:\n  - nowhere\ngroup-by:\n  - x\ntimespan: 1m'));
    expect(new SigmaEngine(r.rules, { correlations: r.correlations }).warnings).toEqual([
      expect.stringMatching(/unknown rule 'nowhere'/),
    ]);
  });
});
