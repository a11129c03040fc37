/**
 * Compliance frameworks (ARCHITECTURE §7): each report section is a query in the query language
 * (docs/query-language.md) over the native event schema, mapped to the requirement ids it gives
 * evidence for. The envelope's parts (coverage, completeness, ...) are mapped too.
 *
 * Requirement ids are cited as the standards number them: AICPA TSC 2017 (rev. 2022) for SOC 2,
 * PCI DSS v4.0.1 Requirement 10, ISO/IEC 27001:2022 Annex A, HIPAA 45 CFR 164, NIST SP 800-53
 * Rev. 5 AU family.
 */

export const FRAMEWORK_IDS = ['soc2', 'pci-dss', 'iso27001', 'hipaa', 'nist-800-53'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

export const SECTION_IDS = [
  'privileged_actions',
  'failed_access',
  'credential_role_changes',
  'sensitive_data_access',
  'audit_log_access',
  'audit_log_lifecycle',
  'retention_purges',
  'alerts',
  'reviews',
  'changes',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const ENVELOPE_PARTS = [
  'coverage',
  'completeness',
  'integrity',
  'time',
  'retention',
  'access',
] as const;
export type EnvelopePart = (typeof ENVELOPE_PARTS)[number];

/** Which log a section's query runs on: the tenant's own, or `_system` (entries naming it). */
export type SectionLog = 'tenant' | 'system';

export interface SectionDefinition {
  readonly id: SectionId;
  readonly title: string;
  readonly description: string;
  readonly log: SectionLog;
  /** Query-language text; `{tenant}` is replaced by the quoted tenant name. */
  readonly query: string;
  /** Said in the report when the section's population is empty. */
  readonly emptyNote: string;
}

export interface FrameworkDefinition {
  readonly id: FrameworkId;
  readonly name: string;
  readonly version: string;
  /** Sections in report order, each with the requirement ids it supports. */
  readonly sections: readonly {
    readonly id: SectionId;
    readonly requirements: readonly string[];
  }[];
  readonly envelope: Readonly<Record<EnvelopePart, readonly string[]>>;
}

const ADMIN_ROLES = ['admin', 'administrator', 'root', 'superuser', 'owner'];

export const SECTIONS: Readonly<Record<SectionId, SectionDefinition>> = {
  privileged_actions: {
    id: 'privileged_actions',
    title: 'Privileged actions',
    description:
      'Every action by an actor flagged privileged or holding an administrative role (admin, administrator, root, superuser, owner).',
    log: 'tenant',
    query: ['actor.privileged:true', ...ADMIN_ROLES.map((r) => `actor.roles:${r}`)].join(' OR '),
    emptyNote: 'No privileged action was recorded in the period.',
  },
  failed_access: {
    id: 'failed_access',
    title: 'Failed access',
    description: 'Failed authentication and access-control or authorization decisions.',
    log: 'tenant',
    query:
      'outcome:failure (category:authentication OR category:access_control OR category:authorization)',
    emptyNote: 'No failed access attempt was recorded in the period.',
  },
  credential_role_changes: {
    id: 'credential_role_changes',
    title: 'Credential and role changes',
    description:
      'Account lifecycle, role and permission grants, and changes of passwords, keys, MFA and other credentials.',
    log: 'tenant',
    query:
      'category:account OR action:*role* OR action:*permission* OR action:*password* OR action:*credential* OR action:*mfa* OR action:*api_key* OR action:*access_key*',
    emptyNote: 'No credential or role change was recorded in the period.',
  },
  sensitive_data_access: {
    id: 'sensitive_data_access',
    title: 'Access to sensitive data',
    description:
      'Actions whose targets carry a data classification (pci, phi, pii, secret, financial).',
    log: 'tenant',
    query: 'targets.data_class:*',
    emptyNote: 'No action on classified data was recorded in the period.',
  },
  audit_log_access: {
    id: 'audit_log_access',
    title: 'Access to audit logs',
    description:
      "Searches, reads, exports, streams and alert reads of this tenant's log, as recorded in the _system log.",
    log: 'system',
    query: 'action:audit.* targets.id:{tenant}',
    emptyNote: 'Nobody read the audit log in the period.',
  },
  audit_log_lifecycle: {
    id: 'audit_log_lifecycle',
    title: 'Audit log lifecycle',
    description:
      "Changes to how the tenant's log is kept and shipped: API keys, outbound streams, retention and purges, report runs (signed checkpoints are listed under the integrity attestation).",
    log: 'system',
    query:
      '(action:admin.* OR action:retention.* OR action:report.*) targets.id:{tenant} -action:audit.*',
    emptyNote: 'No lifecycle change was recorded in the period.',
  },
  retention_purges: {
    id: 'retention_purges',
    title: 'Retention purges',
    description:
      "Purges of expired payloads by retention policies (retention.* events of the tenant's own log; leaves are kept).",
    log: 'tenant',
    query: 'action:retention.*',
    emptyNote: 'No entry was purged in the period.',
  },
  alerts: {
    id: 'alerts',
    title: 'Alerts and their handling',
    description:
      'Alerts raised by detection rules (alert.* events) and their status history from the alert store.',
    log: 'tenant',
    query: 'action:alert.*',
    emptyNote: 'No alert was raised in the period.',
  },
  reviews: {
    id: 'reviews',
    title: 'Reviews performed',
    description: 'Log reviews recorded as review.* events.',
    log: 'tenant',
    query: 'action:review.*',
    emptyNote:
      'No review was signed off in the period (review.signed_off events, docs/reviews.md); reviews performed outside Veritrail must be evidenced separately.',
  },
  changes: {
    id: 'changes',
    title: 'Changes',
    description:
      'Changes to systems, configuration and objects (category change or configuration).',
    log: 'tenant',
    query: 'category:change OR category:configuration',
    emptyNote: 'No change was recorded in the period.',
  },
};

const soc2: FrameworkDefinition = {
  id: 'soc2',
  name: 'SOC 2',
  version: 'Trust Services Criteria 2017 (revised points of focus 2022)',
  sections: [
    { id: 'privileged_actions', requirements: ['CC6.1', 'CC6.3'] },
    { id: 'failed_access', requirements: ['CC6.1', 'CC7.2'] },
    { id: 'credential_role_changes', requirements: ['CC6.2', 'CC6.3'] },
    { id: 'audit_log_access', requirements: ['CC6.1', 'CC7.2'] },
    { id: 'audit_log_lifecycle', requirements: ['CC7.2'] },
    { id: 'retention_purges', requirements: ['CC7.2'] },
    { id: 'alerts', requirements: ['CC7.2', 'CC7.3'] },
    { id: 'reviews', requirements: ['CC7.2', 'CC7.3'] },
    { id: 'changes', requirements: ['CC8.1'] },
  ],
  envelope: {
    coverage: ['CC7.2'],
    completeness: ['CC7.2'],
    integrity: ['CC7.2'],
    time: ['CC7.2'],
    retention: ['CC7.2'],
    access: ['CC6.1'],
  },
};

const pci: FrameworkDefinition = {
  id: 'pci-dss',
  name: 'PCI DSS',
  version: 'v4.0.1 Requirement 10',
  sections: [
    { id: 'sensitive_data_access', requirements: ['10.2.1.1'] },
    { id: 'privileged_actions', requirements: ['10.2.1.2'] },
    { id: 'audit_log_access', requirements: ['10.2.1.3', '10.3.1'] },
    { id: 'failed_access', requirements: ['10.2.1.4'] },
    { id: 'credential_role_changes', requirements: ['10.2.1.5'] },
    { id: 'audit_log_lifecycle', requirements: ['10.2.1.6', '10.3.2'] },
    { id: 'retention_purges', requirements: ['10.5.1'] },
    { id: 'changes', requirements: ['10.2.1.7'] },
    { id: 'alerts', requirements: ['10.4.1', '10.4.3', '10.7.2', '10.7.3'] },
    { id: 'reviews', requirements: ['10.4.1', '10.4.2'] },
  ],
  envelope: {
    coverage: ['10.2.1', '10.7.2'],
    completeness: ['10.2.2'],
    integrity: ['10.3.2', '10.3.3', '10.3.4'],
    time: ['10.6.1', '10.6.2', '10.6.3'],
    retention: ['10.5.1'],
    access: ['10.2.1.3', '10.3.1'],
  },
};

const iso: FrameworkDefinition = {
  id: 'iso27001',
  name: 'ISO/IEC 27001',
  version: '2022 Annex A',
  sections: [
    { id: 'privileged_actions', requirements: ['A.8.15'] },
    { id: 'failed_access', requirements: ['A.8.15', 'A.8.16'] },
    { id: 'credential_role_changes', requirements: ['A.8.15'] },
    { id: 'audit_log_access', requirements: ['A.8.15'] },
    { id: 'audit_log_lifecycle', requirements: ['A.8.15'] },
    { id: 'retention_purges', requirements: ['A.8.15', 'A.5.28'] },
    { id: 'alerts', requirements: ['A.8.16'] },
    { id: 'reviews', requirements: ['A.8.16'] },
    { id: 'changes', requirements: ['A.8.15'] },
  ],
  envelope: {
    coverage: ['A.8.15', 'A.8.16'],
    completeness: ['A.8.15'],
    integrity: ['A.8.15', 'A.5.28'],
    time: ['A.8.17'],
    retention: ['A.8.15', 'A.5.28'],
    access: ['A.8.15'],
  },
};

const hipaa: FrameworkDefinition = {
  id: 'hipaa',
  name: 'HIPAA Security Rule',
  version: '45 CFR Part 164 Subpart C',
  sections: [
    { id: 'sensitive_data_access', requirements: ['164.312(b)'] },
    { id: 'privileged_actions', requirements: ['164.312(b)'] },
    { id: 'failed_access', requirements: ['164.312(b)', '164.308(a)(1)(ii)(D)'] },
    { id: 'credential_role_changes', requirements: ['164.312(b)'] },
    { id: 'audit_log_access', requirements: ['164.312(b)', '164.308(a)(1)(ii)(D)'] },
    { id: 'audit_log_lifecycle', requirements: ['164.312(b)'] },
    { id: 'retention_purges', requirements: ['164.312(b)'] },
    { id: 'alerts', requirements: ['164.308(a)(1)(ii)(D)'] },
    { id: 'reviews', requirements: ['164.308(a)(1)(ii)(D)'] },
    { id: 'changes', requirements: ['164.312(b)'] },
  ],
  envelope: {
    coverage: ['164.312(b)'],
    completeness: ['164.312(b)'],
    integrity: ['164.312(b)'],
    time: ['164.312(b)'],
    retention: ['164.312(b)'],
    access: ['164.308(a)(1)(ii)(D)'],
  },
};

const nist: FrameworkDefinition = {
  id: 'nist-800-53',
  name: 'NIST SP 800-53',
  version: 'Rev. 5, AU family',
  sections: [
    { id: 'privileged_actions', requirements: ['AU-2', 'AU-12'] },
    { id: 'failed_access', requirements: ['AU-2', 'AU-6'] },
    { id: 'credential_role_changes', requirements: ['AU-2', 'AU-12'] },
    { id: 'audit_log_access', requirements: ['AU-9'] },
    { id: 'audit_log_lifecycle', requirements: ['AU-5', 'AU-9'] },
    { id: 'retention_purges', requirements: ['AU-11'] },
    { id: 'alerts', requirements: ['AU-5', 'AU-6'] },
    { id: 'reviews', requirements: ['AU-6', 'AU-7'] },
    { id: 'changes', requirements: ['AU-2', 'AU-12'] },
  ],
  envelope: {
    coverage: ['AU-4', 'AU-5', 'AU-12'],
    completeness: ['AU-3'],
    integrity: ['AU-9', 'AU-10'],
    time: ['AU-8'],
    retention: ['AU-11'],
    access: ['AU-9'],
  },
};

export const FRAMEWORKS: Readonly<Record<FrameworkId, FrameworkDefinition>> = {
  soc2,
  'pci-dss': pci,
  iso27001: iso,
  hipaa,
  'nist-800-53': nist,
};

export function isFrameworkId(s: string): s is FrameworkId {
  return (FRAMEWORK_IDS as readonly string[]).includes(s);
}

/** The section's query text for a tenant (the tenant name is quoted as a literal). */
export function sectionQuery(section: SectionDefinition, tenant: string): string {
  return section.query.replaceAll('{tenant}', JSON.stringify(tenant));
}
