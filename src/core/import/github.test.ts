/**
 * GitHub audit log importer against test/fixtures/import/github (entries written from GitHub's
 * audit log documentation: see test/fixtures/import/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseEvent } from '../event/validate.js';
import { categoryOf, importGitHub, isFailure } from './github.js';

const DIR = new URL('../../../test/fixtures/import/github/', import.meta.url);
const fixture = (f: string) => readFileSync(new URL(f, DIR), 'utf8');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };
const exportText = fixture('audit-log-export.json');
const entries = JSON.parse(exportText) as Record<string, unknown>[];
const one = entries[0]!;

describe('GitHub importer on the fixtures', () => {
  it('imports every entry of the export and the stream, with no skips, all valid', () => {
    const a = importGitHub(exportText, opts);
    const b = importGitHub(fixture('audit-log-stream.jsonl'), opts);
    expect(a.skipped).toEqual([]);
    expect(b.skipped).toEqual([]);
    expect(a.events).toHaveLength(7);
    expect(b.events).toHaveLength(3);
    for (const e of [...a.events, ...b.events]) expect(normaliseEvent(e, CTX).ok).toBe(true);
    expect(a.events.map((e) => e.action)).toEqual([
      'github.repo.create',
      'github.org.add_member',
      'github.protected_branch.destroy',
      'github.oauth_application.create',
      'github.git.clone',
      'github.team.add_member',
      'github.org.remove_member',
    ]);
  });

  it('maps an organisation member added from the web (org.add_member)', () => {
    const e = importGitHub(exportText, opts).events[1]!;
    expect(e.id).toBe('Q2vUq3l0xg8P6_yrWl3a2w');
    expect(e.tenant).toBe('acme');
    expect(e.category).toBe('access_control');
    expect(e.outcome).toBe('success');
    expect(e.occurred_at).toBe('2024-11-26T10:03:30.877Z');
    expect(e.actor).toEqual({ id: 'octo-admin', type: 'user' });
    expect(e.targets).toEqual([
      { id: 'jdoe-acme', type: 'user' },
      { id: 'acme-corp', type: 'organization' },
    ]);
    expect(e.source).toMatchObject({ ip: '198.51.100.23', geo: { country: 'US' } });
    expect(e.correlation).toEqual({ request_id: 'A6D5:2B83:1E0D3F0:3C2F6E1:6745A1F3' });
    expect(e.observer).toEqual({ service: 'github' });
    expect(e.raw).toEqual(entries[1]);
  });

  it('maps a bot clone (git.clone) and a token removing a member (org.remove_member)', () => {
    const r = importGitHub(exportText, opts).events;
    const clone = r[4]!;
    expect(clone.actor).toEqual({ id: 'dependabot[bot]', type: 'service' });
    expect(clone.category).toBe('data');
    expect(clone.occurred_at).toBe('2024-11-26T10:21:40.318Z');
    expect(clone.targets).toEqual([
      { id: 'acme-corp/payments-api', type: 'repository' },
      { id: 'acme-corp', type: 'organization' },
    ]);
    expect(clone.source).toBeUndefined();
    expect(clone.correlation).toBeUndefined();
    expect(clone.metadata).toMatchObject({
      programmatic_access_type: 'GitHub App server-to-server token',
    });
    const removal = r[6]!;
    expect(removal.actor).toEqual({ id: 'ci-admin-token', type: 'user' });
    expect(removal.targets?.[0]).toEqual({ id: 'former-contractor', type: 'user' });
    expect(removal.source).toEqual({
      ip: '192.0.2.14',
      user_agent: 'GitHub-CLI/2.62.0 (linux; amd64)',
      geo: { country: 'DE' },
    });
    expect(removal.metadata).toMatchObject({
      hashed_token: 'k5Q0vD1kzC6aGmRk9j4qZ2oOKRzq7cE+u1X4dQpT7nM=',
      operation_type: 'remove',
    });
    const oauth = r[3]!;
    expect(oauth.targets).toContainEqual({
      id: '2290011',
      type: 'oauth_application',
      name: 'Acme Deploy Bot',
    });
    expect(r[2]!.category).toBe('configuration');
  });

  it('maps failed attempts (user.failed_login, pre_receive_hook.rejected_push)', () => {
    const [login, push, perm] = importGitHub(fixture('audit-log-stream.jsonl'), opts).events;
    expect(login!.action).toBe('github.user.failed_login');
    expect(login!.outcome).toBe('failure');
    expect(login!.category).toBe('authentication');
    expect(login!.source).toMatchObject({ ip: '203.0.113.190', geo: { country: 'BR' } });
    expect(push!.outcome).toBe('failure');
    expect(push!.actor).toEqual({ id: 'mallory-dev', type: 'user' });
    expect(perm!.outcome).toBe('success');
    expect(perm!.category).toBe('access_control');
    expect(perm!.source?.ip).toBe('2001:db8:4f::23');
    expect(perm!.occurred_at).toBe('2024-11-26T10:52:13.501Z');
  });
});

describe('GitHub importer mapping rules', () => {
  it('tells failures by the action verb only', () => {
    expect(isFailure('user.failed_login')).toBe(true);
    expect(isFailure('pre_receive_hook.rejected_push')).toBe(true);
    expect(isFailure('personal_access_token.request_denied')).toBe(false);
    expect(isFailure('failed_thing.create')).toBe(false);
    expect(isFailure('repo.create')).toBe(false);
  });

  it('categorises by action family and operation_type', () => {
    expect(categoryOf('org.update_member', 'modify')).toBe('access_control');
    expect(categoryOf('team.add_repository', 'modify')).toBe('access_control');
    expect(categoryOf('role.create', 'create')).toBe('access_control');
    expect(categoryOf('oauth_authorization.create', 'create')).toBe('authentication');
    expect(categoryOf('org.sso_response', undefined)).toBe('authentication');
    expect(categoryOf('repository_ruleset.update', 'modify')).toBe('configuration');
    expect(categoryOf('repo.download_zip', 'access')).toBe('data');
    expect(categoryOf('repo.transfer', 'transfer')).toBe('change');
    expect(categoryOf('repo.destroy', undefined)).toBe('change');
    expect(categoryOf('copilot.cfb_seat_added', undefined)).toBe('other');
  });

  it('uses created_at or an RFC 3339 @timestamp, actor_id without a login, anonymous otherwise', () => {
    const rest: Record<string, unknown> = { ...one };
    delete rest['@timestamp'];
    delete rest.actor;
    const r = importGitHub(
      [
        { ...rest, actor_id: 42 },
        { ...one, '@timestamp': '2024-11-26T10:00:00Z', actor: undefined, actor_id: undefined },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
      opts,
    );
    expect(r.skipped).toEqual([]);
    expect(r.events[0]!.occurred_at).toBe('2024-11-26T10:02:25.123Z');
    expect(r.events[0]!.actor).toEqual({ id: 'github-id:42', type: 'user' });
    expect(r.events[1]!.occurred_at).toBe('2024-11-26T10:00:00Z');
    expect(r.events[1]!.actor).toEqual({ id: 'anonymous', type: 'anonymous' });
  });

  it('keeps an address that is not an IP out of source.ip', () => {
    const e = importGitHub(JSON.stringify([{ ...one, actor_ip: '10.0.0.256' }]), opts).events[0]!;
    expect(e.source).not.toHaveProperty('ip');
    expect(e.metadata).toMatchObject({ source_address: '10.0.0.256' });
  });
});

describe('GitHub importer bad input', () => {
  it('reports bad lines with their line number and keeps the rest', () => {
    const r = importGitHub(
      [
        JSON.stringify(one),
        JSON.stringify(one).slice(0, 60),
        JSON.stringify({ ...one, action: 7 }),
        JSON.stringify({ ...one, '@timestamp': 'yesterday', created_at: -5 }),
        '"just a string"',
        JSON.stringify({ ...one, action: 'repo create!' }),
        '\u0000\u00ff\u0001garbage',
      ].join('\n'),
      opts,
    );
    expect(r.events.map((e) => e.action)).toEqual(['github.repo.create', 'github.repo_create_']);
    expect(r.skipped).toEqual([
      { line: 2, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
      { line: 3, index: null, reason: 'audit log entry needs a string action' },
      {
        line: 4,
        index: null,
        reason: 'audit log entry needs @timestamp or created_at in epoch milliseconds',
      },
      { line: 5, index: null, reason: 'audit log entry must be a JSON object' },
      { line: 7, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
    ]);
  });

  it('reports a truncated export and positions in an array', () => {
    const t = importGitHub(exportText.slice(0, exportText.length / 2), opts);
    expect(t.events).toEqual([]);
    expect(t.skipped).toEqual([
      { line: null, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
    ]);
    const arr = importGitHub(
      JSON.stringify([one, 5, { ...one, '@timestamp': 1e20, created_at: 1.5 }]),
      opts,
    );
    expect(arr.events).toHaveLength(1);
    expect(arr.skipped.map((s) => [s.index, s.reason])).toEqual([
      [1, 'audit log entry must be a JSON object'],
      [2, 'audit log entry needs @timestamp or created_at in epoch milliseconds'],
    ]);
  });

  it('skips an over-long entry naming the raw limit', () => {
    const big = { ...one, data: { blob: 'x'.repeat(200_000) } };
    const r = importGitHub(`${JSON.stringify(big)}\n${JSON.stringify(one)}`, opts);
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toEqual([
      {
        line: 1,
        index: null,
        reason: expect.stringContaining('over the raw limit of 65536 bytes') as unknown,
      },
    ]);
  });
});
