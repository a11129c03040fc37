/**
 * The built-in rule pack (rules/builtin, described in rules/builtin/README.md): every file
 * loads without error, every rule carries the metadata the pack promises, and each rule
 * raises exactly the expected matches on a positive event sequence and none on its negative
 * ones. Every sequence runs through the whole pack twice, in the Sigma engine (for the counts
 * and groups of correlations) and in the detector built by `createDetector` (which must agree
 * on the titles), so a sequence meant for one rule also shows that no other rule fires on it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../event/schema.js';
import { eventInputSchema } from '../event/schema.js';
import { loadRules, SigmaEngine } from '../sigma/index.js';
import type { CorrelationRule, SigmaRule } from '../sigma/index.js';
import { createDetector, type Detector } from './index.js';

const DIR = join(import.meta.dirname, '../../../rules/builtin');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const texts = files.map((f) => ({ file: f, text: readFileSync(join(DIR, f), 'utf8') }));
const loaded = texts.map(({ file, text }) => loadRules(text, `builtin/${file}`));
const rules: SigmaRule[] = loaded.flatMap((r) => r.rules);
const correlations: CorrelationRule[] = loaded.flatMap((r) => r.correlations);
/** Documents with a `veritrail.type`: evaluated by the detector, not by the Sigma engine. */
const typed = loaded.flatMap((r) => r.typed);

type Doc = Record<string, unknown>;
const docs: Doc[] = texts.flatMap(({ text }) =>
  parseAllDocuments(text).map((d) => d.toJS() as Doc),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];

describe('the built-in pack loads', () => {
  it('has one file per topic', () => {
    expect(files).toEqual([
      'admin-off-hours.yml',
      'api-key-created.yml',
      'audit-tampering.yml',
      'authentication-failures.yml',
      'mass-deletion.yml',
      'mfa-disabled.yml',
      'new-country.yml',
      'privilege-grant.yml',
      'sensitive-data-access.yml',
    ]);
  });

  it('loads every document with no error', () => {
    expect(loaded.flatMap((r) => r.errors)).toEqual([]);
    expect(loaded.flatMap((r) => r.filters)).toEqual([]);
    expect(rules.length + correlations.length + typed.length).toBe(docs.length);
  });

  it('wires every correlation to its rules without a warning', () => {
    expect(new SigmaEngine(rules, { correlations }).warnings).toEqual([]);
  });

  it('gives every rule a unique UUID, a title, a description, a level, tags and an author', () => {
    const ids = docs.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of docs) {
      const what = String(d.title);
      expect(d.id, what).toMatch(UUID);
      expect(d.author, what).toBe('Veritrail');
      expect(typeof d.description, what).toBe('string');
      expect(LEVELS, what).toContain(d.level);
      expect((d.tags as string[]).length, what).toBeGreaterThan(0);
      expect((d.falsepositives as string[]).length, what).toBeGreaterThan(0);
    }
  });

  it('gives every alerting rule ATT&CK technique tags', () => {
    for (const d of docs.filter((x) => x.level !== 'informational'))
      expect(
        (d.tags as string[]).some((t) => /^attack\.t\d{4}/.test(t)),
        String(d.title),
      ).toBe(true);
  });

  it('describes every alerting rule in the README', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const d of docs.filter((x) => x.level !== 'informational'))
      expect(readme, String(d.title)).toContain(String(d.title));
  });

  it('marks the two Veritrail rule types', () => {
    expect(typed.map((t) => [t.meta.title, t.type])).toEqual([
      ['Administrative action outside business hours', 'off_hours'],
      ['Sign-in from a new country for an account', 'new_terms'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Events

/** Monday 2 November 2026, 10:00 UTC: inside business hours. */
const T0 = Date.parse('2026-11-02T10:00:00Z');
let counter = 0;

type Spec = Partial<Omit<StoredEvent, 'actor'>> & {
  readonly action: string;
  readonly actor: StoredEvent['actor'];
};

/**
 * A stored event `seconds` after T0. The input part is checked against the schema, so every
 * event of these tests is one Veritrail could have stored (the tenant apart: Veritrail writes
 * its own `_system` log, a name producers may not use).
 */
function ev(seconds: number, spec: Spec): StoredEvent {
  const event: StoredEvent = {
    id: `0193a1b2-0000-7000-8000-${String(++counter).padStart(12, '0')}`,
    tenant: 'acme',
    category: 'other',
    outcome: 'success',
    severity: 'info',
    occurred_at: new Date(T0 + seconds * 1000).toISOString(),
    ...spec,
    received_at: new Date(T0 + seconds * 1000 + 250).toISOString(),
  };
  const producerPart: Record<string, unknown> = { ...event };
  delete producerPart.tenant;
  delete producerPart.received_at;
  const parsed = eventInputSchema.safeParse(producerPart);
  if (!parsed.success) throw new Error(`bad test event: ${parsed.error.message}`);
  return event;
}

const user = (id: string, extra: Partial<StoredEvent['actor']> = {}): StoredEvent['actor'] => ({
  id,
  type: 'user',
  ...extra,
});
const ip = (n: number) => `203.0.113.${n}`;

const login = (s: number, who: string, outcome: 'success' | 'failure', from: string) =>
  ev(s, {
    action: 'user.login',
    category: 'authentication',
    outcome,
    actor: user(who),
    source: { ip: from, user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0' },
    ...(outcome === 'failure' ? { reason: 'invalid password' } : {}),
  });

/** What the Sigma engine (the whole pack but its Veritrail rule types) raises per event. */
interface Raised {
  readonly index: number;
  readonly title: string;
  readonly count?: number;
  readonly group?: Readonly<Record<string, unknown>>;
}

function sigmaEngine(): SigmaEngine {
  return new SigmaEngine(rules, { correlations });
}

/** After every event of the tests: the detector's clock (events ahead of it are not learnt). */
const NOW = Date.parse('2026-12-01T00:00:00Z');

function detector(): Detector {
  const r = createDetector({
    files: texts.map(({ file, text }) => ({ name: `builtin/${file}`, text })),
    now: () => NOW,
  });
  expect(r.errors).toEqual([]);
  return r.detector;
}

/** Titles of the findings of the detector, per event in order. */
function detected(events: readonly StoredEvent[]): { index: number; title: string }[] {
  const d = detector();
  return events.flatMap((e, index) => d.evaluate(e).map((f) => ({ index, title: f.rule.title })));
}

function run(events: readonly StoredEvent[]): Raised[] {
  const engine = sigmaEngine();
  const out: Raised[] = [];
  events.forEach((e, index) => {
    for (const m of engine.match(e))
      out.push(
        m.kind === 'correlation'
          ? { index, title: m.rule.title, count: m.count, group: m.group }
          : { index, title: m.rule.title },
      );
  });
  expect(detected(events)).toEqual(out.map(({ index, title }) => ({ index, title })));
  return out;
}
const titles = (events: readonly StoredEvent[]) => run(events).map((r) => r.title);

// ---------------------------------------------------------------------------------------------
// Authentication failures

describe('brute force against an account', () => {
  it('raises once at the 10th failure within 5 minutes', () => {
    // Ten addresses, so neither per-address rule is concerned.
    const events = Array.from({ length: 10 }, (_, i) => login(i * 29, 'alice', 'failure', ip(i)));
    expect(run(events)).toEqual([
      {
        index: 9,
        title: 'Brute force against an account',
        count: 10,
        group: { 'actor.id': 'alice' },
      },
    ]);
  });

  it('does not raise for 10 failures spread over more than 5 minutes', () => {
    const events = Array.from({ length: 12 }, (_, i) => login(i * 40, 'alice', 'failure', ip(i)));
    expect(titles(events)).toEqual([]);
  });

  it('does not raise for 9 failures, nor for failures of different accounts', () => {
    expect(
      titles(Array.from({ length: 9 }, (_, i) => login(i, 'alice', 'failure', ip(i)))),
    ).toEqual([]);
    expect(
      titles(Array.from({ length: 12 }, (_, i) => login(i, `user${i}`, 'failure', ip(i)))),
    ).toEqual([]);
  });

  it('does not count successful sign-ins', () => {
    const events = Array.from({ length: 15 }, (_, i) =>
      login(i, 'alice', i % 2 === 0 ? 'success' : 'failure', ip(i)),
    );
    expect(titles(events)).toEqual([]);
  });
});

describe('brute force from one address', () => {
  const attacker = '198.51.100.23';
  it('raises at the 20th failure from one address within 5 minutes', () => {
    // Four accounts, five failures each: below the per-account and spraying thresholds.
    const events = Array.from({ length: 20 }, (_, i) =>
      login(i * 10, `user${i % 4}`, 'failure', attacker),
    );
    expect(run(events)).toEqual([
      {
        index: 19,
        title: 'Brute force from one address',
        count: 20,
        group: { 'source.ip': attacker },
      },
    ]);
  });

  it('does not raise for 19 failures, nor for failures without an address', () => {
    expect(
      titles(
        Array.from({ length: 19 }, (_, i) => login(i * 10, `user${i % 4}`, 'failure', attacker)),
      ),
    ).toEqual([]);
    const noAddress = Array.from({ length: 30 }, (_, i) =>
      ev(i, {
        action: 'user.login',
        category: 'authentication',
        outcome: 'failure',
        actor: user(`user${i % 5}`),
      }),
    );
    expect(titles(noAddress)).toEqual([]);
  });
});

describe('password spraying from one address', () => {
  const sprayer = '192.0.2.77';
  it('raises when 10 distinct accounts fail from one address within an hour', () => {
    const events = Array.from({ length: 10 }, (_, i) =>
      login(i * 300, `employee${i}`, 'failure', sprayer),
    );
    expect(run(events)).toEqual([
      {
        index: 9,
        title: 'Password spraying from one address',
        count: 10,
        group: { 'source.ip': sprayer },
      },
    ]);
  });

  it('does not raise for 9 accounts, however many failures', () => {
    const events = Array.from({ length: 18 }, (_, i) =>
      login(i * 60, `employee${i % 9}`, 'failure', sprayer),
    );
    expect(titles(events)).toEqual([]);
  });

  it('does not raise for 10 accounts spread over more than an hour', () => {
    const events = Array.from({ length: 10 }, (_, i) =>
      login(i * 420, `employee${i}`, 'failure', sprayer),
    );
    expect(titles(events)).toEqual([]);
  });
});

describe('successful authentication after a brute force', () => {
  const burst = (who: string) =>
    Array.from({ length: 10 }, (_, i) => login(i * 20, who, 'failure', ip(100 + i)));

  it('raises when the account signs in after the brute force', () => {
    const events = [...burst('alice'), login(400, 'alice', 'success', ip(100))];
    expect(run(events)).toEqual([
      {
        index: 9,
        title: 'Brute force against an account',
        count: 10,
        group: { 'actor.id': 'alice' },
      },
      {
        index: 10,
        title: 'Successful authentication after a brute force',
        count: 2,
        group: { 'actor.id': 'alice' },
      },
    ]);
  });

  it('does not raise for another account, a late success, or a success before the failures', () => {
    expect(titles([...burst('alice'), login(400, 'bob', 'success', ip(9))])).toEqual([
      'Brute force against an account',
    ]);
    expect(titles([...burst('alice'), login(180 + 31 * 60, 'alice', 'success', ip(9))])).toEqual([
      'Brute force against an account',
    ]);
    const before = [login(-60, 'alice', 'success', ip(9)), ...burst('alice')];
    expect(titles(before)).toEqual(['Brute force against an account']);
  });
});

// ---------------------------------------------------------------------------------------------
// Privileges

const admin = user('admin@acme.example', { privileged: true, roles: ['org_admin'] });
const grant = (s: number, grantee: string, extra: Partial<Spec> = {}) =>
  ev(s, {
    action: 'role.assign',
    category: 'access_control',
    actor: admin,
    targets: [
      { id: grantee, type: 'user' },
      { id: 'billing_admin', type: 'role' },
    ],
    source: { ip: '10.1.2.3' },
    ...extra,
  });
const privilegedUse = (s: number, who: string) =>
  ev(s, {
    action: 'invoice.refund',
    category: 'change',
    actor: user(who, { roles: ['billing_admin'] }),
    targets: [{ id: 'inv-20931', type: 'invoice', data_class: ['financial'] }],
  });

describe('privilege granted then used', () => {
  it('raises when the grantee acts with the privilege within an hour', () => {
    expect(run([grant(0, 'bob'), privilegedUse(600, 'bob')])).toEqual([
      { index: 1, title: 'Privilege granted then used', count: 2, group: { grantee: 'bob' } },
    ]);
  });

  it('accepts the other grant actions of the convention', () => {
    for (const action of ['role.grant', 'privilege.grant', 'user.role_add', 'okta.group.add_role'])
      expect(titles([grant(0, 'bob', { action }), privilegedUse(60, 'bob')]), action).toEqual([
        'Privilege granted then used',
      ]);
  });

  it('does not raise for another account, an unprivileged action, a late use or a failed grant', () => {
    expect(titles([grant(0, 'bob'), privilegedUse(600, 'carol')])).toEqual([]);
    const plain = ev(600, { action: 'invoice.read', category: 'data', actor: user('bob') });
    expect(titles([grant(0, 'bob'), plain])).toEqual([]);
    expect(titles([grant(0, 'bob'), privilegedUse(2 * 3600, 'bob')])).toEqual([]);
    expect(titles([grant(0, 'bob', { outcome: 'failure' }), privilegedUse(60, 'bob')])).toEqual([]);
    expect(titles([privilegedUse(0, 'bob'), grant(60, 'bob')])).toEqual([]);
  });

  it('does not take a revocation or a grant outside access control for a grant', () => {
    expect(titles([grant(0, 'bob', { action: 'role.revoke' }), privilegedUse(60, 'bob')])).toEqual(
      [],
    );
    expect(titles([grant(0, 'bob', { category: 'change' }), privilegedUse(60, 'bob')])).toEqual([]);
  });
});

describe('multi-factor authentication disabled', () => {
  const mfa = (action: string, extra: Partial<Spec> = {}) =>
    ev(0, {
      action,
      category: 'account',
      actor: user('alice', { mfa: true }),
      targets: [{ id: 'alice', type: 'user' }],
      ...extra,
    });

  it('raises for native and imported actions', () => {
    for (const action of [
      'mfa.disable',
      'user.mfa.disable',
      'user.mfa.factor.deactivate',
      'user.mfa.factor.reset_all',
      'github.org.disable_two_factor_requirement',
    ])
      expect(titles([mfa(action)]), action).toEqual(['Multi-factor authentication disabled']);
    const okta = mfa('okta.user.mfa.factor.deactivate', {
      observer: { service: 'okta' },
      raw: { eventType: 'user.mfa.factor.deactivate', outcome: { result: 'SUCCESS' } },
    });
    expect(titles([okta])).toEqual(['Multi-factor authentication disabled']);
  });

  it('does not raise for enrolment, activation or a failed attempt', () => {
    for (const action of ['mfa.enable', 'user.mfa.factor.activate', 'user.mfa.factor.enroll'])
      expect(titles([mfa(action)]), action).toEqual([]);
    expect(titles([mfa('mfa.disable', { outcome: 'failure' })])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Data

describe('mass deletion by one account', () => {
  const del = (s: number, who: string, extra: Partial<Spec> = {}) =>
    ev(s, {
      action: 'invoice.delete',
      category: 'data',
      actor: user(who),
      targets: [{ id: `inv-${s}`, type: 'invoice' }],
      ...extra,
    });

  it('raises at the 50th deletion within 10 minutes', () => {
    const events = Array.from({ length: 55 }, (_, i) => del(i * 10, 'mallory'));
    expect(run(events)).toEqual([
      {
        index: 49,
        title: 'Mass deletion by one account',
        count: 50,
        group: { 'actor.id': 'mallory' },
      },
    ]);
    const mixed = Array.from({ length: 50 }, (_, i) =>
      del(i * 10, 'mallory', { action: ['user.delete', 'repo.destroy', 'backup.purge'][i % 3]! }),
    );
    expect(titles(mixed)).toEqual(['Mass deletion by one account']);
  });

  it('does not raise for 49 deletions, failed ones, two accounts, or slower ones', () => {
    expect(titles(Array.from({ length: 49 }, (_, i) => del(i, 'mallory')))).toEqual([]);
    expect(
      titles(Array.from({ length: 60 }, (_, i) => del(i, 'mallory', { outcome: 'failure' }))),
    ).toEqual([]);
    expect(
      titles(Array.from({ length: 60 }, (_, i) => del(i, i % 2 === 0 ? 'mallory' : 'trent'))),
    ).toEqual([]);
    expect(titles(Array.from({ length: 60 }, (_, i) => del(i * 13, 'mallory')))).toEqual([]);
    expect(
      titles(Array.from({ length: 60 }, (_, i) => del(i, 'mallory', { action: 'invoice.update' }))),
    ).toEqual([]);
  });
});

describe('mass access to sensitive data by one account', () => {
  const read = (s: number, who: string, dataClass: StoredEvent['targets'] = undefined) =>
    ev(s, {
      action: s % 2 === 0 ? 'customer.read' : 'customer.export',
      category: 'data',
      actor: user(who),
      targets: dataClass ?? [{ id: `cust-${s}`, type: 'customer', data_class: ['pii'] }],
    });

  it('raises at the 100th access to sensitive data within 10 minutes', () => {
    const events = Array.from({ length: 100 }, (_, i) => read(i * 5, 'eve'));
    expect(run(events)).toEqual([
      {
        index: 99,
        title: 'Mass access to sensitive data by one account',
        count: 100,
        group: { 'actor.id': 'eve' },
      },
    ]);
  });

  it('counts every sensitive class, in any target', () => {
    const classes = ['pci', 'phi', 'pii', 'secret', 'financial'] as const;
    const events = Array.from({ length: 100 }, (_, i) =>
      read(i, 'eve', [
        { id: `acct-${i}`, type: 'account' },
        { id: `doc-${i}`, type: 'document', data_class: [classes[i % 5]!] },
      ]),
    );
    expect(titles(events)).toEqual(['Mass access to sensitive data by one account']);
  });

  it('does not raise for data that is not classed, nor for 99 accesses', () => {
    const plain = Array.from({ length: 150 }, (_, i) =>
      read(i, 'eve', [{ id: `page-${i}`, type: 'page' }]),
    );
    expect(titles(plain)).toEqual([]);
    expect(titles(Array.from({ length: 99 }, (_, i) => read(i, 'eve')))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Credentials and audit configuration

describe('API key created', () => {
  const key = (action: string, extra: Partial<Spec> = {}) =>
    ev(0, {
      action,
      category: 'configuration',
      actor: user('dev@acme.example'),
      targets: [{ id: 'key_7f3a', type: 'api_key' }],
      ...extra,
    });

  it('raises for native, imported and Veritrail actions', () => {
    for (const action of [
      'api_key.create',
      'key.create',
      'project.api_key.create',
      'iam.access_key.create',
      'okta.system.api_token.create',
      'user.personal_access_token.create',
    ])
      expect(titles([key(action)]), action).toEqual(['API key created']);
    // Veritrail's own audit record (src/app/audit-trail.ts), in the `_system` log.
    const own = ev(0, {
      tenant: '_system',
      action: 'admin.key_create',
      category: 'admin',
      actor: { id: 'admin', type: 'system' },
      targets: [{ id: 'acme', type: 'log' }],
      observer: { service: 'veritrail' },
      metadata: { key_id: 'k_01', scopes: 'append,read' },
    });
    expect(titles([own])).toEqual(['API key created']);
  });

  it('does not raise for revocation, other creations or a failed attempt', () => {
    for (const action of ['api_key.revoke', 'admin.key_revoke', 'monkey.create', 'user.create'])
      expect(titles([key(action)]), action).toEqual([]);
    expect(titles([key('api_key.create', { outcome: 'failure' })])).toEqual([]);
  });
});

describe('audit logging silenced or reconfigured', () => {
  const own = (action: string, metadata: Record<string, string | boolean> = {}) =>
    ev(0, {
      tenant: '_system',
      action,
      category: 'admin',
      actor: { id: 'key:k_01', type: 'api_key' },
      targets: [{ id: 'acme', type: 'log' }],
      observer: { service: 'veritrail' },
      metadata: { stream_id: 'st_01', ...metadata },
    });
  const app = (action: string, extra: Partial<Spec> = {}) =>
    ev(0, { action, category: 'configuration', actor: admin, ...extra });

  it('raises "silenced" for a deleted or paused stream and disabled audit logging', () => {
    for (const e of [
      own('admin.outbound_delete'),
      own('admin.outbound_update', { enabled: false }),
      app('audit_log.disable'),
      app('settings.audit.stop'),
      app('okta.system.log_stream.lifecycle.deactivate'),
      app('github.audit_log_streaming.destroy'),
    ])
      expect(titles([e]), e.action).toEqual(['Audit logging silenced']);
  });

  it('raises "changed" for a created or changed stream and changed audit settings', () => {
    for (const e of [
      own('admin.outbound_create'),
      own('admin.outbound_update', { q: 'category:authentication' }),
      own('admin.outbound_update', { enabled: true }),
      app('audit.config.update'),
      app('retention.policy.update'),
      app('org.logging.set'),
    ])
      expect(titles([e]), e.action).toEqual(['Audit configuration changed']);
  });

  it("does not raise for Veritrail's audited reads, key revocation or unrelated changes", () => {
    for (const e of [
      own('audit.search'),
      own('audit.export'),
      own('audit.read'),
      own('admin.key_revoke'),
      app('user.update'),
      app('audit_log.disable', { outcome: 'failure' }),
    ])
      expect(titles([e]), e.action).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The Veritrail rule types, through the detector

describe('the pack in the detector', () => {
  it('loads every rule with no error and no warning', () => {
    const r = createDetector({
      files: texts.map(({ file, text }) => ({ name: `builtin/${file}`, text })),
      now: () => NOW,
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.detector.rules.map((x) => x.id).sort()).toEqual(docs.map((d) => d.id).sort());
  });

  it("takes each rule's type, severity and suppression window from the pack", () => {
    const byTitle = new Map(detector().rules.map((x) => [x.title, x]));
    const pick = (title: string) => {
      const x = byTitle.get(title);
      return x && { type: x.type, severity: x.severity, suppressMin: x.suppressMs / 60_000 };
    };
    expect(pick('Brute force against an account')).toEqual({
      type: 'correlation',
      severity: 'medium',
      suppressMin: 30,
    });
    expect(pick('Password spraying from one address')).toEqual({
      type: 'correlation',
      severity: 'high',
      suppressMin: 60,
    });
    expect(pick('Multi-factor authentication disabled')).toEqual({
      type: 'sigma',
      severity: 'high',
      suppressMin: 15,
    });
    expect(pick('Administrative action outside business hours')).toEqual({
      type: 'off_hours',
      severity: 'medium',
      suppressMin: 60,
    });
    expect(pick('Sign-in from a new country for an account')).toEqual({
      type: 'new_terms',
      severity: 'medium',
      suppressMin: 60,
    });
  });
});

describe('administrative action outside business hours', () => {
  /** `at`: an ISO time; Saturday 7 November 2026 is a weekend day. */
  const act = (at: string, actor: StoredEvent['actor'], action = 'settings.update') =>
    ev((Date.parse(at) - T0) / 1000, {
      action,
      category: 'configuration',
      actor,
      targets: [{ id: 'sso', type: 'setting' }],
      source: { ip: '10.1.2.3' },
    });
  const root = user('root@acme.example', { privileged: true });
  const roleAdmin = user('ops@acme.example', { roles: ['member', 'tenant_admin'] });

  it('raises for privileged accounts at night and at weekends', () => {
    const events = [
      act('2026-11-07T03:12:00Z', root),
      act('2026-11-03T22:30:00Z', roleAdmin),
      act('2026-11-04T06:59:00Z', root, 'user.delete'),
    ];
    expect(detected(events)).toEqual([
      { index: 0, title: 'Administrative action outside business hours' },
      { index: 1, title: 'Administrative action outside business hours' },
      { index: 2, title: 'Administrative action outside business hours' },
    ]);
  });

  it('does not raise in business hours, nor for unprivileged accounts', () => {
    const events = [
      act('2026-11-02T10:00:00Z', root),
      act('2026-11-06T19:59:00Z', roleAdmin),
      act('2026-11-07T03:12:00Z', user('alice', { roles: ['member'] })),
      act('2026-11-07T03:12:00Z', user('bob', { privileged: false })),
    ];
    expect(detected(events)).toEqual([]);
  });
});

describe('sign-in from a new country for an account', () => {
  const signIn = (s: number, who: string, country: string, outcome = 'success' as const) =>
    ev(s, {
      action: 'user.login',
      category: 'authentication',
      outcome,
      actor: user(who),
      source: { ip: ip(50), geo: { country, city: 'Somewhere' } },
    });

  it('raises once for a country not seen for the account', () => {
    const day = 86_400;
    const events = [
      signIn(0, 'alice', 'FR'),
      signIn(day, 'alice', 'FR'),
      signIn(2 * day, 'alice', 'BR'),
      signIn(2 * day + 60, 'alice', 'BR'),
      signIn(3 * day, 'alice', 'FR'),
    ];
    expect(detected(events)).toEqual([
      { index: 2, title: 'Sign-in from a new country for an account' },
    ]);
  });

  it('does not raise for the first sign-in, known countries, failures or other accounts', () => {
    const events = [
      signIn(0, 'alice', 'FR'),
      signIn(10, 'bob', 'BR'),
      signIn(20, 'alice', 'FR'),
      ev(30, {
        action: 'user.login',
        category: 'authentication',
        actor: user('alice'),
        source: { ip: ip(51) },
      }),
      ev(40, {
        action: 'user.login',
        category: 'authentication',
        outcome: 'failure',
        actor: user('alice'),
        source: { ip: ip(52), geo: { country: 'RU' } },
      }),
    ];
    expect(detected(events)).toEqual([]);
  });
});
