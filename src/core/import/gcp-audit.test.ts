/**
 * Google Cloud audit log importer against real entries: ../shared/samples/gcp-audit
 * (googleapis/google-cloudevents testdata, commit 6fda292, Apache-2.0).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { pathToFileURL } from 'node:url';
import { normaliseEvent } from '../event/validate.js';
import { auditLogKind, importGcpAudit, methodPath, shortService } from './gcp-audit.js';
import type { ImportResult } from './types.js';

const DATA = sharedData('samples/gcp-audit');
const DIR = pathToFileURL(`${DATA.path}/`);
// Without ../shared the suites are skipped; what they read while being collected is empty.
const sample = (f: string) => (DATA.present ? readFileSync(new URL(f, DIR), 'utf8') : '{}');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };
type Entry = Record<string, unknown> & { protoPayload: Record<string, unknown> };
const entry = (f: string) => JSON.parse(sample(f)) as Entry;
const PUBSUB = 'LogEntryData-pubsubCreateTopic.json';
const BIGQUERY = 'LogEntryData-bigqueryjobcompleted.json';
const MONITORING = 'LogEntryData-monitoringCreateTimeSeries.json';

function expectAllValid(r: ImportResult): void {
  for (const [i, e] of r.events.entries()) {
    const n = normaliseEvent(e, CTX);
    expect(n.ok, `event ${i}: ${JSON.stringify(n.ok ? '' : n.error)}`).toBe(true);
  }
}

describe.skipIf(!DATA.present)(DATA.title('GCP audit importer on the real samples'), () => {
  it('imports every sample file with no skips, all valid', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual([BIGQUERY, MONITORING, PUBSUB]);
    for (const f of files) {
      const r = importGcpAudit(sample(f), opts);
      expect(r.skipped, f).toEqual([]);
      expect(r.events, f).toHaveLength(1);
      expectAllValid(r);
      expect(r.events[0]!.raw).toEqual(entry(f));
    }
  });

  it('maps an Admin Activity entry (pubsub CreateTopic)', () => {
    const e = importGcpAudit(sample(PUBSUB), opts).events[0]!;
    expect(e.id).toMatch(/^9frck8cf9j-[0-9a-f]{12}$/);
    expect(e.tenant).toBe('acme');
    expect(e.action).toBe('gcp.pubsub.create_topic');
    expect(e.category).toBe('change');
    expect(e.outcome).toBe('success');
    expect(e.occurred_at).toBe('2020-06-30T16:14:47.593398572Z');
    expect(e.actor).toEqual({ id: 'robot@test-project.iam.gserviceaccount.com', type: 'service' });
    expect(e.source).toEqual({ ip: '192.168.0.1', user_agent: 'google-cloud-sdk' });
    expect(e.targets).toEqual([
      { id: 'projects/test-project/topics/test-auditlogs-source', type: 'pubsub_topic' },
    ]);
    expect(e.observer).toEqual({ service: 'pubsub.googleapis.com' });
    expect(e.metadata).toMatchObject({
      audit_log: 'activity',
      project_id: 'test-project',
      severity: 'NOTICE',
    });
  });

  it('maps Data Access entries (BigQuery job completed, monitoring CreateTimeSeries)', () => {
    const bq = importGcpAudit(sample(BIGQUERY), opts).events[0]!;
    expect(bq.action).toBe('gcp.bigquery.jobservice.jobcompleted');
    expect(bq.category).toBe('data');
    expect(bq.outcome).toBe('success');
    expect(bq.occurred_at).toBe('2021-11-25T21:56:00.276607Z');
    expect(bq.actor).toEqual({ id: 'robot@test-project.iam.gserviceaccount.com', type: 'service' });
    expect(bq.source).toEqual({
      ip: '2620:15c:0:200:1a75:e914:115b:e970',
      user_agent: 'google-cloud-sdk357.0.0 (gzip),gzip(gfe)',
    });
    expect(bq.targets).toEqual([
      {
        id: 'projects/test-project/jobs/bqjob_r3ac45813612fa2d6_0000017d591922c9_1',
        type: 'bigquery_resource',
      },
    ]);
    const mon = importGcpAudit(sample(MONITORING), opts).events[0]!;
    expect(mon.action).toBe('gcp.monitoring.create_time_series');
    expect(mon.category).toBe('data');
    expect(mon.targets).toEqual([{ id: 'projects/test-project', type: 'audited_resource' }]);
    expect(mon.observer).toEqual({ service: 'monitoring.googleapis.com' });
  });
});

describe.skipIf(!DATA.present)(DATA.title('GCP audit importer input shapes'), () => {
  const all = [PUBSUB, BIGQUERY, MONITORING].map(entry);
  const one = importGcpAudit(sample(PUBSUB), opts).events[0];

  it('reads a JSON array, an entries.list response, JSONL and a CloudEvent alike', () => {
    const shapes = [
      JSON.stringify(all),
      JSON.stringify({ entries: all, nextPageToken: 'x' }),
      all.map((e) => JSON.stringify(e)).join('\r\n') + '\n',
    ];
    for (const text of shapes) {
      const r = importGcpAudit(text, opts);
      expect(r.skipped).toEqual([]);
      expect(r.events.map((e) => e.action)).toEqual([
        'gcp.pubsub.create_topic',
        'gcp.bigquery.jobservice.jobcompleted',
        'gcp.monitoring.create_time_series',
      ]);
    }
    const envelope = {
      specversion: '1.0',
      type: 'google.cloud.audit.log.v1.written',
      source: '//pubsub.googleapis.com/projects/test-project/topics/test-auditlogs-source',
      id: 'x',
      data: all[0],
    };
    expect(importGcpAudit(JSON.stringify(envelope), opts).events).toEqual([one]);
    expect(importGcpAudit('{"entries":{}}', opts).skipped).toEqual([
      { line: null, index: null, reason: '"entries" must be an array' },
    ]);
    expect(importGcpAudit('', opts)).toEqual({ events: [], skipped: [] });
  });

  it('gives the same id on re-import and different ids for one insertId in two logs', () => {
    const a = importGcpAudit(sample(PUBSUB), opts).events[0]!;
    expect(importGcpAudit(sample(PUBSUB), opts).events[0]!.id).toBe(a.id);
    const other = {
      ...all[0],
      logName: 'projects/other/logs/cloudaudit.googleapis.com%2Factivity',
    };
    expect(importGcpAudit(JSON.stringify(other), opts).events[0]!.id).not.toBe(a.id);
    const noId = importGcpAudit(JSON.stringify({ ...all[0], insertId: undefined }), opts);
    expect(noId.events[0]).not.toHaveProperty('id');
  });
});

describe.skipIf(!DATA.present)(DATA.title('GCP audit importer mapping rules'), () => {
  const base = entry(PUBSUB);
  const withPayload = (p: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    ...base,
    ...extra,
    protoPayload: { ...base.protoPayload, ...p },
  });
  const map = (...entries: unknown[]) => {
    const r = importGcpAudit(entries.map((x) => JSON.stringify(x)).join('\n'), opts);
    expect(r.skipped).toEqual([]);
    expectAllValid(r);
    return r.events;
  };

  it('maps status codes, denied permissions and policy logs to failures', () => {
    const [denied, notFound, ungranted, policy, ok] = map(
      withPayload({ status: { code: 7, message: 'Permission denied on resource' } }),
      withPayload({ status: { code: 5 } }),
      withPayload({ authorizationInfo: [{ permission: 'pubsub.topics.create', granted: false }] }),
      withPayload(
        { status: { code: 7 } },
        { logName: 'projects/p/logs/cloudaudit.googleapis.com%2Fpolicy' },
      ),
      withPayload({ status: { code: 0 } }),
    );
    expect(denied!.outcome).toBe('failure');
    expect(denied!.reason).toBe('Permission denied on resource');
    expect(denied!.metadata).toMatchObject({ status_code: 7 });
    expect(notFound!.outcome).toBe('failure');
    expect(notFound!.reason).toBe('NOT_FOUND');
    expect(ungranted!.outcome).toBe('failure');
    expect(ungranted!.reason).toBe('permission denied: pubsub.topics.create');
    expect(policy!.outcome).toBe('failure');
    expect(policy!.category).toBe('access_control');
    expect(policy!.reason).toBe('PERMISSION_DENIED');
    expect(ok!.outcome).toBe('success');
    expect(ok).not.toHaveProperty('reason');
  });

  it('maps categories: SetIamPolicy, system events, unknown logs', () => {
    const [iam, system, unknown] = map(
      withPayload({
        methodName: 'google.iam.v1.IAMPolicy.SetIamPolicy',
        serviceName: 'cloudresourcemanager.googleapis.com',
      }),
      withPayload(
        {
          methodName: 'compute.instances.migrateOnHostMaintenance',
          serviceName: 'compute.googleapis.com',
          authenticationInfo: {},
        },
        { logName: 'projects/p/logs/cloudaudit.googleapis.com%2Fsystem_event' },
      ),
      withPayload({}, { logName: 'projects/p/logs/other' }),
    );
    expect(iam!.action).toBe('gcp.cloudresourcemanager.set_iam_policy');
    expect(iam!.category).toBe('access_control');
    expect(system!.action).toBe('gcp.compute.instances.migrate_on_host_maintenance');
    expect(system!.category).toBe('change');
    expect(system!.actor).toEqual({ id: 'compute.googleapis.com', type: 'system' });
    expect(system!.metadata).toMatchObject({ audit_log: 'system_event' });
    expect(unknown!.category).toBe('other');
  });

  it('maps actors: subject, delegation, anonymous, users', () => {
    const [subject, delegated, anonymous, user] = map(
      withPayload({
        authenticationInfo: { principalSubject: 'serviceAccount:a@b.iam.gserviceaccount.com' },
      }),
      withPayload({
        authenticationInfo: {
          principalEmail: 'deployer@p.iam.gserviceaccount.com',
          serviceAccountDelegationInfo: [
            { firstPartyPrincipal: { principalEmail: 'alice@example.com' } },
          ],
        },
      }),
      withPayload({ authenticationInfo: {} }),
      withPayload({ authenticationInfo: { principalEmail: 'alice@example.com' } }),
    );
    expect(subject!.actor).toEqual({
      id: 'serviceAccount:a@b.iam.gserviceaccount.com',
      type: 'service',
    });
    expect(delegated!.actor).toEqual({
      id: 'deployer@p.iam.gserviceaccount.com',
      type: 'service',
      on_behalf_of: 'alice@example.com',
    });
    expect(anonymous!.actor).toEqual({ id: 'anonymous', type: 'anonymous' });
    expect(user!.actor).toEqual({ id: 'alice@example.com', type: 'user' });
  });

  it('keeps caller addresses that are not IPs out of source.ip', () => {
    const [priv, internal] = map(
      withPayload({ requestMetadata: { callerIp: 'private' } }),
      withPayload({
        requestMetadata: { callerIp: 'gce-internal-ip', callerSuppliedUserAgent: 'x' },
      }),
    );
    expect(priv).not.toHaveProperty('source');
    expect(priv!.metadata).toMatchObject({ caller_ip: 'private' });
    expect(internal!.source).toEqual({ user_agent: 'x' });
    expect(internal!.metadata).toMatchObject({ caller_ip: 'gce-internal-ip' });
  });

  it('normalises method names to the action pattern', () => {
    expect(shortService('pubsub.googleapis.com')).toBe('pubsub');
    expect(shortService('k8s.io')).toBe('k8s_io');
    const cases: [string, string, string][] = [
      ['google.pubsub.v1.Publisher.CreateTopic', 'pubsub', 'create_topic'],
      ['google.iam.admin.v1.CreateServiceAccountKey', 'iam', 'create_service_account_key'],
      ['SetIamPolicy', 'cloudresourcemanager', 'set_iam_policy'],
      ['v1.compute.instances.insert', 'compute', 'instances.insert'],
      ['beta.compute.instances.setMetadata', 'compute', 'instances.set_metadata'],
      ['storage.objects.get', 'storage', 'objects.get'],
      ['io.k8s.core.v1.pods.create', 'k8s_io', 'core.pods.create'],
      ['jobservice.jobcompleted', 'bigquery', 'jobservice.jobcompleted'],
      ['weird method!', 'x', 'weird_method_'],
    ];
    for (const [method, short, path] of cases) expect(methodPath(method, short), method).toBe(path);
    expect(auditLogKind('organizations/1/logs/cloudaudit.googleapis.com%2Fdata_access')).toBe(
      'data_access',
    );
    expect(auditLogKind('projects/p/logs/cloudaudit.googleapis.com/activity')).toBe('activity');
    expect(auditLogKind('projects/p/logs/syslog')).toBeUndefined();
  });
});

describe.skipIf(!DATA.present)(DATA.title('GCP audit importer on bad input'), () => {
  const base = entry(PUBSUB);

  it('reports bad lines with their line number and imports the rest', () => {
    const r = importGcpAudit(
      [
        JSON.stringify({ ...base, protoPayload: { ...base.protoPayload, methodName: 7 } }),
        JSON.stringify(base).slice(0, 120),
        JSON.stringify({ ...base, protoPayload: undefined, textPayload: 'hello' }),
        JSON.stringify({
          ...base,
          protoPayload: { ...base.protoPayload, '@type': 'type.googleapis.com/Other' },
        }),
        JSON.stringify({ ...base, protoPayload: { ...base.protoPayload, status: { code: 'x' } } }),
        JSON.stringify({ ...base, timestamp: '30/06/2020' }),
        '"a string"',
        JSON.stringify(base),
      ].join('\n'),
      opts,
    );
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toEqual([
      {
        line: 1,
        index: null,
        reason: 'log entry needs string timestamp, protoPayload.serviceName and methodName',
      },
      { line: 2, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
      {
        line: 3,
        index: null,
        reason: 'log entry has no protoPayload object (not an audit log)',
      },
      {
        line: 4,
        index: null,
        reason: 'protoPayload @type is not type.googleapis.com/google.cloud.audit.AuditLog',
      },
      {
        line: 5,
        index: null,
        reason: 'protoPayload.status.code must be an integer or a google.rpc.Code name',
      },
      {
        line: 6,
        index: null,
        reason: expect.stringMatching(
          /^invalid event: occurred_at: must be an RFC 3339/,
        ) as unknown,
      },
      { line: 7, index: null, reason: 'log entry must be a JSON object' },
    ]);
  });

  it('reports array positions and a truncated document', () => {
    const r = importGcpAudit(JSON.stringify([base, 1, base]), opts);
    expect(r.events).toHaveLength(2);
    expect(r.skipped).toEqual([
      { line: null, index: 1, reason: 'log entry must be a JSON object' },
    ]);
    const cut = importGcpAudit(JSON.stringify([base, base]).slice(0, 500), opts);
    expect(cut.events).toEqual([]);
    expect(cut.skipped).toEqual([
      { line: null, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
    ]);
  });

  it('skips binary garbage and an over-long line with clear reasons', () => {
    const bytes = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256));
    const garbage = importGcpAudit(`{${bytes.toString('latin1')}\n${JSON.stringify(base)}`, opts);
    expect(garbage.events).toHaveLength(1);
    expect(garbage.skipped.length).toBeGreaterThan(0);
    for (const s of garbage.skipped) expect(s.reason).toMatch(/^not valid JSON: [\x20-\x7e]*$/);
    const big = {
      ...base,
      protoPayload: { ...base.protoPayload, request: { b: 'a'.repeat(1 << 20) } },
    };
    const r = importGcpAudit(`${JSON.stringify(big)}\n${JSON.stringify(base)}`, opts);
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
