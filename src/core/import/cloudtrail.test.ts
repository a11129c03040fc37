/**
 * CloudTrail importer against real records: ../shared/samples/cloudtrail (DataDog/stratus-red-team
 * detonation logs, commit 7c9a7a5a, Apache-2.0).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { pathToFileURL } from 'node:url';
import { normaliseEvent } from '../event/validate.js';
import { importCloudTrail } from './cloudtrail.js';
import type { ImportResult } from './types.js';

const DATA = sharedData('samples/cloudtrail');
const DIR = pathToFileURL(`${DATA.path}/`);
// Without ../shared the suites are skipped; what they read while being collected is empty.
const sample = (f: string) => (DATA.present ? readFileSync(new URL(f, DIR), 'utf8') : '{}');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };

function expectAllValid(r: ImportResult): void {
  for (const [i, e] of r.events.entries()) {
    const n = normaliseEvent(e, CTX);
    expect(n.ok, `event ${i}: ${JSON.stringify(n.ok ? '' : n.error)}`).toBe(true);
  }
}

describe.skipIf(!DATA.present)(DATA.title('CloudTrail importer on the real samples'), () => {
  const files = (DATA.present ? readdirSync(DIR) : []).filter((f) => f.endsWith('.json'));

  it('imports every record of every sample file, with no skips', () => {
    expect(files.length).toBe(18);
    let total = 0;
    for (const f of files) {
      const text = sample(f);
      const r = importCloudTrail(text, opts);
      expect(r.skipped, f).toEqual([]);
      expect(r.events.length, f).toBe((JSON.parse(text) as unknown[]).length);
      expectAllValid(r);
      total += r.events.length;
    }
    expect(total).toBe(142);
  });

  it('maps a failed assumed-role call (ec2-get-password-data, record 0)', () => {
    const e = importCloudTrail(sample('aws.credential-access.ec2-get-password-data.json'), opts)
      .events[0]!;
    expect(e.id).toBe('450230d4-b39e-4a18-a6a0-d07a6e2105cb');
    expect(e.tenant).toBe('acme');
    expect(e.action).toBe('aws.ec2.get_password_data');
    expect(e.category).toBe('data');
    expect(e.outcome).toBe('failure');
    expect(e.reason).toMatch(/^You are not authorized to perform this operation\./);
    expect(e.occurred_at).toBe('2024-07-30T21:31:21Z');
    expect(e.actor).toEqual({
      id: 'arn:aws:sts::457448411975:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000',
      type: 'user',
      name: 'stratus-red-team-ec2-get-password-data-role',
    });
    expect(e.source).toEqual({
      ip: '200.249.253.51',
      user_agent: 'stratus-red-team_5c59eb79-6dac-405c-a4c4-e19aec03c666',
    });
    expect(e.targets).toEqual([{ id: 'i-i2jnm5swa59p4fxg', type: 'instance' }]);
    expect(e.observer).toEqual({ service: 'ec2.amazonaws.com' });
    expect(e.correlation).toEqual({ request_id: 'b20c2df5-71d5-441e-84c8-b424f1c78ffb' });
    expect((e.raw as { eventID: string }).eventID).toBe('450230d4-b39e-4a18-a6a0-d07a6e2105cb');
  });

  it('maps an IAM user changing a trust policy (iam-backdoor-role)', () => {
    const text = sample('aws.persistence.iam-backdoor-role.json');
    const e = importCloudTrail(text, opts).events[0]!;
    expect(e.id).toBe('62e290e2-ee95-4a7c-a9f8-db4ef462b12d');
    expect(e.action).toBe('aws.iam.update_assume_role_policy');
    expect(e.category).toBe('access_control');
    expect(e.outcome).toBe('success');
    expect(e.reason).toBeUndefined();
    expect(e.occurred_at).toBe('2024-08-01T13:29:57Z');
    expect(e.actor).toEqual({
      id: 'arn:aws:iam::751203476945:user/christophe',
      type: 'user',
      name: 'christophe',
    });
    expect(e.targets).toEqual([{ id: 'stratus-red-team-backdoor-r-role', type: 'role' }]);
    // The sample's anonymised address "225.178.039.250" has a leading zero, which is not a
    // valid IPv4 address: it is kept in metadata, not source.ip.
    expect(e.source).toEqual({
      user_agent: 'stratus-red-team_180e078f-4ad3-40c5-9ec3-efff37e17b25',
    });
    expect(e.metadata).toMatchObject({ source_address: '225.178.039.250' });
    expect(e.raw).toEqual((JSON.parse(text) as unknown[])[0]);
  });
});

describe.skipIf(!DATA.present)(DATA.title('CloudTrail importer input shapes and bad input'), () => {
  const rec = JSON.parse(sample('aws.persistence.iam-backdoor-role.json')) as Record<
    string,
    unknown
  >[];
  const one = rec[0]!;

  it('reads {"Records":[...]}, a JSON array and JSONL alike', () => {
    const a = importCloudTrail(JSON.stringify({ Records: [one, one] }), opts);
    const b = importCloudTrail(JSON.stringify([one, one]), opts);
    const c = importCloudTrail(`${JSON.stringify(one)}\n\n${JSON.stringify(one)}\n`, opts);
    for (const r of [a, b, c]) {
      expect(r.skipped).toEqual([]);
      expect(r.events).toHaveLength(2);
    }
    expect(a.events).toEqual(b.events);
    expect(b.events).toEqual(c.events);
  });

  it('reports bad records with their position, never throws', () => {
    expect(importCloudTrail('{"Records": "x"}', opts)).toEqual({
      events: [],
      skipped: [{ line: null, index: null, reason: '"Records" must be an array' }],
    });
    expect(importCloudTrail('', opts)).toEqual({ events: [], skipped: [] });
    expect(importCloudTrail('  \n ', opts)).toEqual({ events: [], skipped: [] });
    const trunc = importCloudTrail(JSON.stringify([one]).slice(0, 100), opts);
    expect(trunc.events).toEqual([]);
    expect(trunc.skipped[0]).toMatchObject({
      line: null,
      reason: expect.stringMatching(/^not valid JSON/) as unknown,
    });
    const mixed = importCloudTrail(
      [
        JSON.stringify(one),
        JSON.stringify(one).slice(0, 50),
        JSON.stringify({ ...one, eventTime: 12 }),
        JSON.stringify({ ...one, eventTime: 'yesterday' }),
        '42',
        JSON.stringify({ ...one, userIdentity: {} }),
      ].join('\n'),
      opts,
    );
    expect(mixed.events).toHaveLength(1);
    expect(mixed.skipped).toEqual([
      { line: 2, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
      { line: 3, index: null, reason: 'record needs string eventName, eventSource and eventTime' },
      {
        line: 4,
        index: null,
        reason: expect.stringMatching(
          /^invalid event: occurred_at: must be an RFC 3339/,
        ) as unknown,
      },
      { line: 5, index: null, reason: 'record must be a JSON object' },
      {
        line: 6,
        index: null,
        reason: 'userIdentity has no arn, principalId, accountId or invokedBy',
      },
    ]);
  });

  it('skips a record over the raw limit, naming the limit (a 10 MB line)', () => {
    const big = { ...one, requestParameters: { blob: 'a'.repeat(10 * 1024 * 1024) } };
    const r = importCloudTrail(`${JSON.stringify(big)}\n${JSON.stringify(one)}`, opts);
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toEqual([
      {
        line: 1,
        index: null,
        reason: expect.stringContaining('over the raw limit of 65536 bytes') as unknown,
      },
    ]);
    const garbage = importCloudTrail(`{${'x'.repeat(10 * 1024 * 1024)}`, opts);
    expect(garbage.events).toEqual([]);
    expect(garbage.skipped).toHaveLength(1);
  });

  it('normalises actions to the schema pattern and keeps service names out of source.ip', () => {
    const r = importCloudTrail(
      JSON.stringify([
        {
          ...one,
          eventSource: 'Weird Service.amazonaws.com',
          eventName: 'Do.This Now!',
          sourceIPAddress: 'ec2.amazonaws.com',
        },
      ]),
      opts,
    );
    expect(r.skipped).toEqual([]);
    expect(r.events[0]!.action).toBe('aws.weird_service.do_this_now_');
    expect(r.events[0]!.source).not.toHaveProperty('ip');
    expect(r.events[0]!.metadata).toMatchObject({ source_address: 'ec2.amazonaws.com' });
  });
});
