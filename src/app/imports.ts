/**
 * Imports through the server (POST /v1/import, the Kubernetes audit webhook): foreign records
 * mapped by the core's importers (src/core/import), appended in batches through the same
 * ingest path as POST /v1/events. Mapped ids are deterministic, so sending a file again
 * stores nothing twice.
 */
import { VeritrailError } from '../core/errors.js';
import { LIMITS } from '../core/event/limits.js';
import { importRecords, type ImportFormat, type Skip } from '../core/import/index.js';
import type { Ingest } from './ingest.js';
import type { Metrics } from './metrics.js';
import { authorize, type Principal } from './principal.js';

/** Skips listed in a report; the count covers all of them. */
export const REPORTED_SKIPS = 100;

export interface ImportReport {
  readonly format: ImportFormat;
  readonly tenant: string;
  readonly imported: number;
  readonly duplicates: number;
  readonly skipped: number;
  /** Lines of the input that are not audit records (pgaudit: other log lines). */
  readonly ignored: number;
  /** The first REPORTED_SKIPS skips, in input order. */
  readonly skips: readonly Skip[];
}

const where = (s: Skip) =>
  s.line !== null ? `line ${s.line}` : s.index !== null ? `record ${s.index}` : '(input)';

export class Imports {
  constructor(
    private readonly ingest: Pick<Ingest, 'ingest'>,
    private readonly metrics: Pick<Metrics, 'recordsReceived'>,
  ) {}

  /**
   * Maps `text` as `format` and appends the events to `tenant`. Input with nothing to import
   * but records that could not be mapped is refused (400) with the first reasons; otherwise
   * skipped records are reported and the rest is stored. `receiver` labels the metrics.
   */
  async run(
    principal: Principal,
    format: ImportFormat,
    tenant: string,
    text: string,
    receiver = 'import',
  ): Promise<ImportReport> {
    authorize(principal, tenant, 'ingest');
    const mapped = importRecords(format, text, { tenant });
    const skipped = mapped.skipped.length;
    this.metrics.recordsReceived(receiver, 'skipped', skipped);
    if (mapped.events.length === 0 && skipped > 0) {
      throw new VeritrailError(
        'validation_failed',
        `nothing to import: ${skipped} record(s) could not be read as ${format}`,
        mapped.skipped.slice(0, 20).map((s) => ({ path: where(s), message: s.reason })),
      );
    }
    let imported = 0;
    let duplicates = 0;
    for (let i = 0; i < mapped.events.length; i += LIMITS.batchSize) {
      const batch = mapped.events.slice(i, i + LIMITS.batchSize);
      let appended;
      try {
        appended = await this.ingest.ingest(batch, principal, 'records');
      } catch (e) {
        this.metrics.recordsReceived(receiver, 'failed', mapped.events.length - i);
        if (e instanceof VeritrailError && i > 0) {
          // What was stored stays stored; sending the input again stores only the rest.
          throw new VeritrailError(
            e.code,
            `${e.message} (${imported + duplicates} of ${mapped.events.length} records were stored before; sending the same input again stores only the rest)`,
            e.details,
          );
        }
        throw e;
      }
      const dup = appended.filter((a) => a.duplicate).length;
      duplicates += dup;
      imported += appended.length - dup;
    }
    this.metrics.recordsReceived(receiver, 'appended', imported);
    this.metrics.recordsReceived(receiver, 'duplicate', duplicates);
    return {
      format,
      tenant,
      imported,
      duplicates,
      skipped,
      ignored: mapped.ignored ?? 0,
      skips: mapped.skipped.slice(0, REPORTED_SKIPS),
    };
  }
}
