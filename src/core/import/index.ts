/** Importers of foreign audit log formats (docs/import.md). */
import { importCloudTrail } from './cloudtrail.js';
import { importK8sAudit } from './k8s-audit.js';
import { importNativeJsonl } from './native-jsonl.js';
import type { ImportOptions, ImportResult, Importer } from './types.js';

export const IMPORT_FORMATS = ['cloudtrail', 'k8s-audit', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const IMPORTERS: Record<ImportFormat, Importer> = {
  cloudtrail: importCloudTrail,
  'k8s-audit': importK8sAudit,
  jsonl: importNativeJsonl,
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

export { importCloudTrail, importK8sAudit, importNativeJsonl };
export type { ImportOptions, ImportResult, Importer, Skip } from './types.js';
