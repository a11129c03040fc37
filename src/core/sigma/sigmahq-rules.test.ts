/**
 * The SigmaHQ rules shipped in ../shared/sigma (SigmaHQ/sigma commit 8eaafff1f, DRL 1.1) for
 * the sources Veritrail imports: every file loads, except the ones listed with their reason.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { importCloudTrail, importK8sAudit } from '../import/index.js';
import { loadRules, SigmaEngine } from './index.js';
import type { SigmaRule } from './types.js';

const SIGMA = sharedData('sigma');
const SAMPLE_DATA = sharedData('samples');
const ROOT = SIGMA.path;
const SAMPLES = SAMPLE_DATA.path;
const HAVE = SIGMA.present && SAMPLE_DATA.present;

function ymlFiles(dir: string): string[] {
  if (!HAVE) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? ymlFiles(p) : p.endsWith('.yml') ? [p] : [];
  });
}

/** Rules that cannot be supported, with the exact error expected. */
const EXPLAINED: readonly string[] = [];

describe.skipIf(!HAVE)(SIGMA.title('SigmaHQ rules for the imported sources'), () => {
  const files = ymlFiles(ROOT);
  const loaded = files.map((f) => loadRules(readFileSync(f, 'utf8'), relative(ROOT, f)));
  const rules: SigmaRule[] = loaded.flatMap((r) => r.rules);

  it('finds the rule set', () => {
    expect(files.length).toBe(178);
  });

  it('loads every rule, with no unexplained error', () => {
    const errors = loaded
      .flatMap((r) => r.errors)
      .map((e) => `${e.file}:${e.line}: ${e.code}: ${e.message}`);
    expect(errors).toEqual(EXPLAINED);
    expect(rules.length).toBe(178 - EXPLAINED.length);
  });

  it('routes every rule to a source', () => {
    expect(new SigmaEngine(rules).warnings).toEqual([]);
  });
});

/**
 * Real records (../shared/samples: stratus-red-team detonation logs and falco k8s audit
 * traces, Apache-2.0) imported with Veritrail's importers, then matched by the SigmaHQ rules.
 * Files not listed raise no match.
 */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  'cloudtrail/aws.credential-access.ec2-get-password-data.json': ['AWS STS AssumeRole Misuse'],
  'cloudtrail/aws.defense-evasion.vpc-remove-flow-logs.json': ['AWS VPC Flow Logs Deleted'],
  'cloudtrail/aws.execution.ec2-launch-unusual-instances.json': ['AWS STS AssumeRole Misuse'],
  'cloudtrail/aws.execution.ssm-send-command.json': [
    'Potential Malicious Usage of CloudTrail System Manager',
  ],
  'cloudtrail/aws.exfiltration.ec2-security-group-open-port-22-ingress.json': [
    'Ingress/Egress Security Group Modification',
  ],
  'cloudtrail/aws.exfiltration.ec2-share-ebs-snapshot.json': ['AWS Snapshot Backup Exfiltration'],
  'cloudtrail/aws.impact.bedrock-invoke-model.json': ['AWS STS AssumeRole Misuse'],
  'cloudtrail/aws.persistence.iam-create-admin-user.json': ['AWS IAM Backdoor Users Keys'],
  'cloudtrail/aws.persistence.lambda-layer-extension.json': ['AWS New Lambda Layer Attached'],
  'cloudtrail/aws.privilege-escalation.iam-update-user-login-profile.json': [
    'AWS User Login Profile Was Modified',
  ],
  'k8s-audit/create_clusterrolebinding.json': ['Kubernetes Rolebinding Modification'],
  'k8s-audit/create_pod_kube_system_namespace.json': ['Creation Of Pod In System Namespace'],
  'k8s-audit/create_serviceaccount.json': ['New Kubernetes Service Account Created'],
  'k8s-audit/create_serviceaccount_kube_system_namespace.json': [
    'New Kubernetes Service Account Created',
  ],
  'k8s-audit/exec_pod.json': ['Potential Remote Command Execution In Pod Container'],
};

describe.skipIf(!HAVE)(
  SAMPLE_DATA.title(SIGMA.title('SigmaHQ rules on real imported records')),
  () => {
    const rules = ymlFiles(ROOT).flatMap(
      (f) => loadRules(readFileSync(f, 'utf8'), relative(ROOT, f)).rules,
    );
    const engine = new SigmaEngine(rules);
    const sources = [
      ['cloudtrail', importCloudTrail],
      ['k8s-audit', importK8sAudit],
    ] as const;
    for (const [dir, importer] of sources) {
      for (const file of (HAVE ? readdirSync(join(SAMPLES, dir)) : []).filter((f) =>
        f.endsWith('.json'),
      )) {
        const name = `${dir}/${file}`;
        it(name, () => {
          const { events } = importer(readFileSync(join(SAMPLES, name), 'utf8'), {});
          expect(events.length).toBeGreaterThan(0);
          const titles = new Set(events.flatMap((e) => engine.match(e).map((m) => m.rule.title)));
          expect([...titles]).toEqual(EXPECTED[name] ?? []);
        });
      }
    }
  },
);
