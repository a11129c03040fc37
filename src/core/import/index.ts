/** Importers of foreign audit log formats (docs/import.md). */
import { importAuditd } from './auditd.js';
import { importCloudTrail } from './cloudtrail.js';
import { importGcpAudit } from './gcp-audit.js';
import { importGitHub } from './github.js';
import { importK8sAudit } from './k8s-audit.js';
import { importNativeJsonl } from './native-jsonl.js';
import { importOkta } from './okta.js';
import { importPgaudit } from './pgaudit.js';
import type { ImportOptions, ImportResult, Importer } from './types.js';

export const IMPORT_FORMATS = [
  'cloudtrail',
  'k8s-audit',
  'jsonl',
  'gcp-audit',
  'pgaudit',
  'github',
  'okta',
  'auditd',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const IMPORTERS: Record<ImportFormat, Importer> = {
  cloudtrail: importCloudTrail,
  'k8s-audit': importK8sAudit,
  jsonl: importNativeJsonl,
  'gcp-audit': importGcpAudit,
  pgaudit: importPgaudit,
  github: importGitHub,
  okta: importOkta,
  auditd: importAuditd,
};

export const isImportFormat = (f: string): f is ImportFormat =>
  (IMPORT_FORMATS as readonly string[]).includes(f);

export function importRecords(
  format: ImportFormat,
  text: string,
  opts: ImportOptions,
): ImportResult {
  return IMPORTERS[format](text, opts);
}

export { importCloudTrail, importK8sAudit, importNativeJsonl, importGcpAudit, importPgaudit };
export { importGitHub, importOkta, importAuditd };
export type { ImportOptions, ImportResult, Importer, Skip } from './types.js';
