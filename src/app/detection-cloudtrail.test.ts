/**
 * SigmaHQ CloudTrail rules through the whole detection service: real CloudTrail records
 * (../shared/samples/cloudtrail: stratus-red-team detonation logs, Apache-2.0) imported with
 * the import use case (POST /v1/import's path) into a SQLite store, each file into its own
 * tenant; the detection job run over every log to its end; the alerts it raised read back
 * through the alerts use case. The rules are ../shared/sigma/cloud/aws/cloudtrail (SigmaHQ/sigma
 * commit 8eaafff1f, DRL 1.1), loaded the way `VERITRAIL_RULES` loads a folder.
 *
 * Which rules the samples raise, and why the ones a reader might expect stay silent:
 * - Access key creation: `aws.persistence.iam-create-admin-user.json` holds `CreateAccessKey`,
 *   which raises 'AWS IAM Backdoor Users Keys' (aws_iam_backdoor_users_keys.yml).
 * - StopLogging-style: no sample stops a trail. `aws.defense-evasion.cloudtrail-event-selectors
 *   .json` silences one (`PutEventSelectors` with `includeManagementEvents: false`,
 *   `readWriteType: ReadOnly`, by IAMUser `christophe`), but 'AWS CloudTrail Important
 *   Change' (aws_cloudtrail_disable_logging.yml) selects only `eventName` StopLogging,
 *   UpdateTrail or DeleteTrail of `eventSource: cloudtrail.amazonaws.com`, so it raises
 *   nothing; nor does any other rule (the actor is no AssumedRole). The same for
 *   `dns-delete-logs.json` (`DeleteResolverQueryLogConfig`: no rule names it).
 * - Login without MFA: no sample holds a `ConsoleLogin` record, the only `eventName` that
 *   'AWS Successful Console Login Without MFA' selects (with `additionalEventData.MFAUsed:
 *   'NO'` and `responseElements.ConsoleLogin: 'Success'`).
 *   `iam-create-user-login-profile.json` creates a console password (`CreateLoginProfile`), but
 *   the only rule naming it, 'AWS IAM S3Browser LoginProfile Creation', also wants
 *   `userAgent|contains: 'S3 Browser'` and the sample's agent is `stratus-red-team_…`.
 * The last test therefore runs the StopLogging and console-login rules on records made from the
 * samples' shapes and the AWS documentation's `ConsoleLogin` example.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, type Detector } from '../core/detect/index.js';
import { importCloudTrail } from '../core/import/index.js';
import { loadRules, SigmaEngine } from '../core/sigma/index.js';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { readRuleFiles } from '../rule-files.js';
import { createServices, type Services } from './services.js';
import { sharedData } from '../test-support/shared-data.js';
import { testSigner } from './test-support/signer.js';

const RULE_DATA = sharedData('sigma/cloud/aws/cloudtrail');
const SAMPLE_DATA = sharedData('samples/cloudtrail');
const RULES = RULE_DATA.path;
const SAMPLES = SAMPLE_DATA.path;
const HAVE_DATA = RULE_DATA.present && SAMPLE_DATA.present;

/**
 * Alert rule titles per sample file; files not listed raise none. Must agree with `EXPECTED`
 * of src/core/sigma/sigmahq-rules.test.ts (engine level): the second test checks this table
 * against the Sigma engine run directly on the same records.
 */
const EXPECTED_ALERTS: Readonly<Record<string, readonly string[]>> = {
  'aws.credential-access.ec2-get-password-data.json': ['AWS STS AssumeRole Misuse'],
  'aws.defense-evasion.vpc-remove-flow-logs.json': ['AWS VPC Flow Logs Deleted'],
  'aws.execution.ec2-launch-unusual-instances.json': ['AWS STS AssumeRole Misuse'],
  'aws.execution.ssm-send-command.json': ['Potential Malicious Usage of CloudTrail System Manager'],
  'aws.exfiltration.ec2-security-group-open-port-22-ingress.json': [
    'Ingress/Egress Security Group Modification',
  ],
  'aws.exfiltration.ec2-share-ebs-snapshot.json': ['AWS Snapshot Backup Exfiltration'],
  'aws.impact.bedrock-invoke-model.json': ['AWS STS AssumeRole Misuse'],
  'aws.persistence.iam-create-admin-user.json': ['AWS IAM Backdoor Users Keys'],
  'aws.persistence.lambda-layer-extension.json': ['AWS New Lambda Layer Attached'],
  'aws.privilege-escalation.iam-update-user-login-profile.json': [
    'AWS User Login Profile Was Modified',
  ],
};

/** Every event of the samples is older than this; the detector's and services' only clock. */
const NOW = Date.parse('2026-03-02T12:00:00Z');
const admin = { kind: 'admin' } as const;

/** One tenant per sample file: `aws.persistence.iam-create-admin-user.json` → `persistence-…`. */
const tenantOf = (file: string) =>
  file
    .replace(/^aws\./, '')
    .replace(/\.json$/, '')
    .replace(/[^a-z0-9_-]/g, '-');

const sampleFiles = HAVE_DATA
  ? readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

function cloudTrailDetector(): Detector {
  const r = createDetector({ files: readRuleFiles([RULES]), now: () => NOW });
  expect(r.errors).toEqual([]);
  return r.detector;
}

async function drain(s: Services): Promise<void> {
  while ((await s.detection!.step()) > 0);
}

const uniqueSorted = (titles: readonly string[]) => [...new Set(titles)].sort();

const SUITE = 'SigmaHQ CloudTrail rules through detection and alerts';
describe.skipIf(!HAVE_DATA)(RULE_DATA.title(SAMPLE_DATA.title(SUITE)), () => {
  let dir: string;
  let s: Services;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veritrail-ct-detect-'));
    s = createServices({
      store: await openStore({ dataDir: dir, writerThread: false }),
      signer: testSigner(),
      clock: { now: () => new Date(NOW) },
      adminToken: 'x'.repeat(20),
      detector: cloudTrailDetector(),
      onBackgroundError: (e) => {
        throw e;
      },
    });
    for (const file of sampleFiles) {
      const report = await s.imports.run(
        admin,
        'cloudtrail',
        tenantOf(file),
        readFileSync(join(SAMPLES, file), 'utf8'),
      );
      expect(report).toMatchObject({ skipped: 0, duplicates: 0 });
      expect(report.imported).toBeGreaterThan(0);
    }
    await drain(s);
  });

  afterAll(async () => {
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the 18 sample files and every expected one among them', () => {
    expect(sampleFiles).toHaveLength(18);
    for (const f of Object.keys(EXPECTED_ALERTS)) expect(sampleFiles).toContain(f);
  });

  it('the table agrees with the Sigma engine run directly on the same records', () => {
    const engine = new SigmaEngine(
      readRuleFiles([RULES]).flatMap((f) => loadRules(f.text, f.name).rules),
    );
    for (const file of sampleFiles) {
      const { events } = importCloudTrail(readFileSync(join(SAMPLES, file), 'utf8'), {});
      const titles = events.flatMap((e) => engine.match(e).map((m) => m.rule.title));
      expect({ file, titles: uniqueSorted(titles) }).toEqual({
        file,
        titles: uniqueSorted(EXPECTED_ALERTS[file] ?? []),
      });
    }
  });

  for (const file of sampleFiles) {
    const expected = uniqueSorted(EXPECTED_ALERTS[file] ?? []);
    it(`${file}: ${expected.length === 0 ? 'no alert' : expected.join(', ')}`, async () => {
      const tenant = tenantOf(file);
      const { alerts } = await s.alerts.list(admin, { tenant, limit: 500 });
      expect(uniqueSorted(alerts.map((a) => a.rule_title))).toEqual(expected);
      for (const a of alerts) {
        expect(a).toMatchObject({ tenant, status: 'open' });
        expect(a.count).toBeGreaterThan(0);
        expect(a.event_ids.length).toBeGreaterThan(0);
      }
      // The detection job read the whole log, and wrote one alert.raised per alert into it.
      const size = await s.store.events.size(tenant);
      expect(await s.store.alerts.cursor(tenant)).toBe(size - 1);
      const raised = (await s.store.events.range(tenant, 0, size))
        .map((r) => r.event)
        .filter((e) => e?.action === 'alert.raised');
      expect(raised.map((e) => e?.targets?.[0]?.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    });
  }

  it("the issue's StopLogging and console login without MFA, on records no sample holds", async () => {
    const tenant = 'issue-examples';
    const selectors = (
      JSON.parse(
        readFileSync(join(SAMPLES, 'aws.defense-evasion.cloudtrail-event-selectors.json'), 'utf8'),
      ) as Record<string, unknown>[]
    )[0]!;
    const trailArn =
      'arn:aws:cloudtrail:cn-northsouth-2r:958312252124:trail/stratus-red-team-ctes-trail-khlvciwdor';
    // The sample's PutEventSelectors call, as the StopLogging call on the same trail.
    const stopLogging = {
      ...selectors,
      eventID: 'c2a89408-340a-42f0-8ace-75d9f5769394',
      eventName: 'StopLogging',
      eventTime: '2024-07-31T12:51:02Z',
      requestParameters: { name: trailArn },
      responseElements: null,
    };
    // After the AWS CloudTrail documentation's example of an IAM user's console sign-in.
    const consoleLogin = (id: string, mfa: 'Yes' | 'No') => ({
      eventVersion: '1.08',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDA3JXGLTFY4HTLVVO7',
        arn: 'arn:aws:iam::958312252124:user/christophe',
        accountId: '958312252124',
        userName: 'christophe',
      },
      eventTime: '2024-07-31T12:40:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: '221.254.191.250',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: {
        LoginTo: 'https://console.aws.amazon.com/console/home',
        MobileVersion: 'No',
        MFAUsed: mfa,
      },
      eventID: id,
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      managementEvent: true,
      recipientAccountId: '958312252124',
      eventCategory: 'Management',
    });
    const records = [
      consoleLogin('3fcfb182-98f8-4744-bd45-10a395ab61cb', 'Yes'),
      consoleLogin('3fcfb182-98f8-4744-bd45-10a395ab61cc', 'No'),
      stopLogging,
    ];
    const report = await s.imports.run(admin, 'cloudtrail', tenant, JSON.stringify(records));
    expect(report).toMatchObject({ imported: 3, skipped: 0 });
    await drain(s);
    const { alerts } = await s.alerts.list(admin, { tenant, limit: 500 });
    // The sign-in without MFA, then StopLogging (the sign-in with MFA raises nothing).
    const rows = alerts
      .map((a) => [a.rule_title, a.count, a.first_seen] as const)
      .sort((a, b) => a[2].localeCompare(b[2]));
    expect(rows).toEqual([
      ['AWS Successful Console Login Without MFA', 1, '2024-07-31T12:40:00.000Z'],
      ['AWS CloudTrail Important Change', 1, '2024-07-31T12:51:02.000Z'],
    ]);
  });
});
