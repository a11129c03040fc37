/**
 * Okta System Log importer against test/fixtures/import/okta (LogEvents written from Okta's
 * System Log API documentation: see test/fixtures/import/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseEvent } from '../event/validate.js';
import { categoryOf, importOkta, outcomeOf } from './okta.js';

const DIR = new URL('../../../test/fixtures/import/okta/', import.meta.url);
const fixture = (f: string) => readFileSync(new URL(f, DIR), 'utf8');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };
const logText = fixture('system-log.json');
const logs = JSON.parse(logText) as Record<string, unknown>[];
const one = logs[0]!;

describe('Okta importer on the fixtures', () => {
  it('imports the API array, JSONL and an event hook delivery, with no skips, all valid', () => {
    const counts: Record<string, number> = {
      'system-log.json': 8,
      'system-log.jsonl': 3,
      'event-hook.json': 2,
    };
    for (const [f, n] of Object.entries(counts)) {
      const r = importOkta(fixture(f), opts);
      expect(r.skipped, f).toEqual([]);
      expect(r.events, f).toHaveLength(n);
      for (const e of r.events) expect(normaliseEvent(e, CTX).ok, f).toBe(true);
    }
  });

  it('maps a successful sign-in (user.session.start)', () => {
    const e = importOkta(logText, opts).events[0]!;
    expect(e.id).toBe('a9f3e4c2-7b1d-11ef-9d3a-6b2f1c0e8a11');
    expect(e.tenant).toBe('acme');
    expect(e.action).toBe('okta.user.session.start');
    expect(e.category).toBe('authentication');
    expect(e.outcome).toBe('success');
    expect(e.severity).toBe('info');
    expect(e.reason).toBe('User login to Okta');
    expect(e.occurred_at).toBe('2024-11-26T09:58:02.381Z');
    expect(e.actor).toEqual({
      id: 'alice@acme.example',
      type: 'user',
      name: 'Alice Martin',
      session_id: '102Ab3cD4eF5gH6iJ7kL8mN9o',
    });
    expect(e.source).toEqual({
      ip: '198.51.100.41',
      user_agent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      geo: { country: 'United_States', city: 'Seattle' },
    });
    expect(e.targets).toBeUndefined();
    expect(e.correlation).toEqual({ request_id: 'Z0VnWj1r8mJkTq0sPpXvAAAAE4' });
    expect(e.observer).toEqual({ service: 'okta' });
    expect(e.raw).toEqual(one);
  });

  it('maps a failed sign-in by an unknown actor id and an admin granting an app', () => {
    const r = importOkta(logText, opts).events;
    const failed = r[1]!;
    expect(failed.outcome).toBe('failure');
    expect(failed.reason).toBe('INVALID_CREDENTIALS');
    expect(failed.severity).toBe('medium');
    expect(failed.actor).toEqual({ id: 'alice@acme.example', type: 'user' });
    expect(failed.source).toMatchObject({
      ip: '203.0.113.66',
      geo: { country: 'Romania', city: 'Bucharest' },
    });
    expect(failed.occurred_at).toBe('2024-11-26T10:03:47.902Z');
    const grant = r[4]!;
    expect(grant.action).toBe('okta.application.user_membership.add');
    expect(grant.category).toBe('access_control');
    expect(grant.actor.id).toBe('it-admin@acme.example');
    expect(grant.targets).toEqual([
      { id: 'alice@acme.example', type: 'app_user', name: 'Alice Martin' },
      { id: 'Salesforce.com', type: 'app_instance', name: 'Salesforce.com' },
      { id: 'alice@acme.example', type: 'user', name: 'Alice Martin' },
    ]);
    expect(grant.source?.ip).toBe('192.0.2.10');
    expect(r.map((e) => e.category)).toEqual([
      'authentication',
      'authentication',
      'account',
      'authentication',
      'access_control',
      'configuration',
      'configuration',
      'account',
    ]);
    // A target whose alternateId is "unknown" keeps Okta's id.
    expect(r[5]!.targets).toEqual([
      { id: '00T9x8w7v6U5t4S3r697', type: 'token', name: 'terraform-prod' },
    ]);
  });

  it('maps policy decisions and the system actor (JSONL)', () => {
    const [deny, challenge, group] = importOkta(fixture('system-log.jsonl'), opts).events;
    expect(deny!.outcome).toBe('failure');
    expect(deny!.category).toBe('authorization');
    expect(deny!.source?.ip).toBe('2001:db8:9c::5');
    expect(challenge!.outcome).toBe('pending');
    expect(group!.actor).toEqual({ id: 'system@okta.com', type: 'system', name: 'Okta System' });
    expect(group!.source).toBeUndefined();
  });
});

describe('Okta importer mapping rules', () => {
  it('maps every outcome result', () => {
    expect(
      ['SUCCESS', 'ALLOW', 'FAILURE', 'DENY', 'CHALLENGE', 'SKIPPED', 'UNKNOWN', undefined].map(
        outcomeOf,
      ),
    ).toEqual([
      'success',
      'success',
      'failure',
      'failure',
      'pending',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('categorises event types', () => {
    expect(categoryOf('user.authentication.sso')).toBe('authentication');
    expect(categoryOf('user.account.privilege.grant')).toBe('access_control');
    expect(categoryOf('group.user_membership.remove')).toBe('access_control');
    expect(categoryOf('iam.role.create')).toBe('access_control');
    expect(categoryOf('user.lifecycle.create')).toBe('account');
    expect(categoryOf('zone.update')).toBe('configuration');
    expect(categoryOf('application.lifecycle.update')).toBe('change');
    expect(categoryOf('security.threat.detected')).toBe('other');
  });

  it('uses actor.id when alternateId is missing or unknown; skips without either', () => {
    const r = importOkta(
      [
        { ...one, actor: { id: '00uABC', alternateId: 'unknown', type: 'User' } },
        { ...one, actor: { type: 'User' } },
        { ...one, actor: { id: 'has space', alternateId: 'also space' } },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
      opts,
    );
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.actor.id).toBe('00uABC');
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'log event needs actor.alternateId or actor.id'],
      [3, 'log event needs actor.alternateId or actor.id'],
    ]);
  });
});

describe('Okta importer bad input', () => {
  it('reports bad lines with their line number and keeps the rest', () => {
    const r = importOkta(
      [
        JSON.stringify(one),
        JSON.stringify(one).slice(0, 120),
        JSON.stringify({ ...one, eventType: ['user.session.start'] }),
        JSON.stringify({ ...one, published: 'Tue Nov 26 2024' }),
        'null',
        JSON.stringify({ ...one, client: { ipAddress: 'not-an-ip' } }),
        Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]).toString('latin1'),
      ].join('\n'),
      opts,
    );
    expect(r.events).toHaveLength(2);
    expect(r.events[1]!.source).toBeUndefined();
    expect(r.skipped).toEqual([
      { line: 2, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
      { line: 3, index: null, reason: 'log event needs string eventType and published' },
      {
        line: 4,
        index: null,
        reason: expect.stringMatching(
          /^invalid event: occurred_at: must be an RFC 3339/,
        ) as unknown,
      },
      { line: 5, index: null, reason: 'log event must be a JSON object' },
      { line: 7, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
    ]);
  });

  it('reports truncated JSON and skips an over-long event naming the limit', () => {
    const t = importOkta(logText.slice(0, 500), opts);
    expect(t.events).toEqual([]);
    expect(t.skipped).toHaveLength(1);
    expect(t.skipped[0]!.reason).toMatch(/^not valid JSON/);
    const big = { ...one, debugContext: { debugData: { blob: 'y'.repeat(1_000_000) } } };
    const r = importOkta(JSON.stringify([big, one]), opts);
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toEqual([
      {
        line: null,
        index: 0,
        reason: expect.stringContaining('over the raw limit of 65536 bytes') as unknown,
      },
    ]);
  });
});
