/**
 * Compliance reports (ARCHITECTURE §7, docs/reports.md): one pass over the period's events of
 * the tenant's log and one over the `_system` entries naming the tenant feed the pure builder
 * (src/core/report); the alert store, the checkpoints and `verify` supply the rest. The result
 * is files in memory (report.json, CSV populations) and a manifest signed with the log's key;
 * the run itself is recorded as a `report.generate` event in `_system`.
 */
import { v7 as uuidv7 } from 'uuid';
import { VeritrailError } from '../core/errors.js';
import { isRfc3339, timestampMs, type StoredEvent } from '../core/event/index.js';
import { parseQuery, type QueryNode } from '../core/query/index.js';
import {
  FRAMEWORK_IDS,
  isFrameworkId,
  renderHtml,
  manifestNoteBody,
  manifestText,
  MAX_REPORT_DAYS,
  ReportBuilder,
  unsignedManifest,
  type AlertSummary,
  type CheckpointRef,
  type Manifest,
  type Report,
  type Retention,
} from '../core/report/index.js';
import { sha256 } from '../core/crypto.js';
import { yieldToEventLoop } from './abortable-sleep.js';
import type { AuditTrail } from './audit-trail.js';
import { renderPdf } from './report-pdf.js';
import type {
  AlertStore,
  CheckpointStore,
  Clock,
  EventStore,
  ReportIndexStore,
  RetentionStore,
  Signer,
  SourceHealthStore,
} from './ports.js';
import { authorize, SYSTEM_TENANT, type Principal } from './principal.js';
import type { TenantVerification } from './verify.js';

const PAGE = 5000;
const ALERT_PAGE = 500;
/** Alerts listed in one report at most; past it the report says it was cut. */
const MAX_ALERTS = 100_000;
const DAY = 86_400_000;

export interface ReportRequest {
  readonly framework: string;
  readonly tenant: string;
  /** RFC 3339, or YYYY-MM-DD (midnight UTC). */
  readonly from: string;
  /** RFC 3339 (exclusive), or YYYY-MM-DD (that whole day included). */
  readonly to: string;
  /** Run `verify` over the whole log for the attestation (default true). */
  readonly verify?: boolean;
  /** The files to write (default DEFAULT_REPORT_FORMATS); report.json is in `json`. */
  readonly formats?: readonly string[];
}

/** json: report.json; csv: the populations; html: report.html; pdf: report.pdf. */
export const REPORT_FORMATS = ['json', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** What `generate` writes unless told: the text formats (the PDF is binary, asked for). */
export const DEFAULT_REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'html'];

/** Parses `json,csv,html` (or a list): known names, at least one, no repeats. */
export function reportFormats(v: string | readonly string[]): ReportFormat[] {
  const list = (typeof v === 'string' ? v.split(',') : v).map((x) => x.trim()).filter(Boolean);
  const out: ReportFormat[] = [];
  for (const f of list) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f))
      throw bad(
        'formats',
        `unknown format ${JSON.stringify(f.slice(0, 40))}: use ${REPORT_FORMATS.join(', ')}`,
      );
    if (!out.includes(f as ReportFormat)) out.push(f as ReportFormat);
  }
  if (out.length === 0) throw bad('formats', `at least one of ${REPORT_FORMATS.join(', ')}`);
  return out;
}

export interface GeneratedReport {
  readonly report: Report;
  /** Text file name → content (UTF-8), manifest.json included. */
  readonly files: Readonly<Record<string, string>>;
  /** Binary file name → bytes (report.pdf when asked for); in the manifest too. */
  readonly binaryFiles: Readonly<Record<string, Uint8Array>>;
  readonly manifest: Manifest;
}

export interface ReportDeps {
  readonly events: EventStore;
  readonly alerts: AlertStore;
  /** Policies and holds in force (absent: retention is reported as not configured). */
  readonly retention?: Pick<RetentionStore, 'policies' | 'holds'>;
  /** observer.seq gaps for the coverage section (absent: not listed). */
  readonly sources?: Pick<SourceHealthStore, 'gaps'>;
  readonly checkpoints: CheckpointStore;
  /**
   * The report index and what keeps it (absent: every report reads all of its period's
   * events). Used for periods that start at midnight UTC.
   */
  readonly index?: {
    readonly store: Pick<ReportIndexStore, 'days' | 'marks'>;
    readonly catchUp: (tenant: string) => Promise<number>;
  };
  readonly signer: Signer;
  /** The signed-note key name (checkpoint origin) of a tenant's log. */
  readonly origin: (tenant: string) => string;
  readonly verify: (tenant: string) => Promise<TenantVerification>;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly version: string;
}

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

function instant(field: string, v: string, endOfDay: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const ms = Date.parse(`${v}T00:00:00Z`);
    if (Number.isNaN(ms) || !isRfc3339(`${v}T00:00:00Z`)) throw bad(field, 'is not a valid date');
    return endOfDay ? ms + DAY : ms;
  }
  if (!isRfc3339(v)) throw bad(field, 'must be an RFC 3339 date-time or a YYYY-MM-DD date');
  return timestampMs(v);
}

export class Reports {
  constructor(private readonly deps: ReportDeps) {}

  async generate(p: Principal, req: ReportRequest): Promise<GeneratedReport> {
    if (!isFrameworkId(req.framework))
      throw bad('framework', `must be one of ${FRAMEWORK_IDS.join(', ')}`);
    if (req.tenant === SYSTEM_TENANT)
      throw bad('tenant', `reports cover tenants, not ${SYSTEM_TENANT}`);
    const fromMs = instant('from', req.from, false);
    const toMs = instant('to', req.to, true);
    if (!(toMs > fromMs)) throw bad('to', 'must be after from');
    if (toMs - fromMs > MAX_REPORT_DAYS * DAY)
      throw bad('to', `the period must be at most ${MAX_REPORT_DAYS} days`);
    const formats = req.formats === undefined ? DEFAULT_REPORT_FORMATS : reportFormats(req.formats);
    authorize(p, req.tenant, 'admin');
    const { deps } = this;
    const generatedAt = deps.clock.now().toISOString();
    const builder = new ReportBuilder({
      id: `rp_${uuidv7().replaceAll('-', '')}`,
      framework: req.framework,
      tenant: req.tenant,
      fromMs,
      toMs,
      generatedAt,
      version: deps.version,
    });
    await this.readTenantLog(builder, req.tenant, fromMs, toMs);
    const naming = parseQuery(`targets.id:${JSON.stringify(req.tenant)}`);
    await this.scan(SYSTEM_TENANT, naming, fromMs, toMs, (seq, e) =>
      builder.addSystemEvent(seq, e),
    );
    const verification = req.verify === false ? null : await deps.verify(req.tenant);
    const cps = await deps.checkpoints.list(req.tenant);
    const ref = (c: (typeof cps)[number]): CheckpointRef => ({
      size: c.size,
      createdAt: c.createdAt,
      note: c.note,
    });
    const lastSeq = builder.lastSeq;
    // The first checkpoint whose tree holds every event of the period (size > last seq).
    const covering = lastSeq === null ? undefined : cps.find((c) => c.size > lastSeq);
    const { report, files: built } = builder.finish({
      integrity: {
        verification: verification && {
          ok: verification.ok,
          size: verification.size,
          purged: verification.purged,
          checkpoints: verification.checkpoints,
          failure: verification.failure ?? null,
        },
        checkpoint: covering ? ref(covering) : null,
        key: deps.signer.verifierKey(deps.origin(req.tenant)),
        checkpointsInPeriod: cps
          .filter((c) => {
            const at = Date.parse(c.createdAt);
            return at >= fromMs && at < toMs;
          })
          .map(ref),
      },
      alerts: await this.alertsIn(req.tenant, fromMs, toMs),
      ...(await this.retentionOf(req.tenant)),
      ...(await this.sequenceGapsIn(req.tenant, fromMs, toMs)),
    });
    const files: Record<string, string> = {};
    for (const [n, c] of Object.entries(built))
      if (formats.includes(n.endsWith('.csv') ? 'csv' : 'json')) files[n] = c;
    if (formats.includes('html')) files['report.html'] = renderHtml(report);
    const binaryFiles: Record<string, Uint8Array> = {};
    if (formats.includes('pdf')) binaryFiles['report.pdf'] = await renderPdf(report);
    const unsigned = unsignedManifest(report, { ...files, ...binaryFiles });
    const name = deps.origin(req.tenant);
    const manifest: Manifest = {
      ...unsigned,
      signature: {
        key: deps.signer.verifierKey(name),
        note: deps.signer.signNote(manifestNoteBody(unsigned), name),
      },
    };
    const text = manifestText(manifest);
    await deps.audit.record(p, 'report.generate', req.tenant, {
      report: report.id,
      framework: req.framework,
      from: report.period.from,
      to: report.period.to,
      events: report.events,
      manifest_sha256: sha256(text).toString('hex'),
    });
    return { report, files: { ...files, 'manifest.json': text }, binaryFiles, manifest };
  }

  /**
   * The tenant's part: from the report index for the whole UTC days of a period that starts at
   * midnight UTC (the marked entries read back for the sections), by reading every event for
   * the rest. Both give the same figures (the builder's property test).
   */
  private async readTenantLog(
    builder: ReportBuilder,
    tenant: string,
    fromMs: number,
    toMs: number,
  ): Promise<void> {
    const { index, events } = this.deps;
    const all = parseQuery('');
    const wholeTo = Math.floor(toMs / DAY) * DAY;
    if (!index || fromMs % DAY !== 0 || wholeTo <= fromMs) {
      await this.scan(tenant, all, fromMs, toMs, (seq, e, ms) =>
        builder.addTenantEvent(seq, e, ms),
      );
      return;
    }
    await index.catchUp(tenant);
    builder.addDayMeasures(await index.store.days(tenant, fromMs / DAY, wholeTo / DAY));
    const marks = await index.store.marks(tenant, fromMs, wholeTo);
    for (const [i, mark] of marks.entries()) {
      if (i % PAGE === PAGE - 1) await yieldToEventLoop();
      const r = await events.getBySeq(tenant, mark.seq);
      // Purged since it was indexed: measured, but no longer listed.
      if (r?.event) builder.addSectionCandidate(r.seq, r.event, r.occurredMs);
    }
    if (wholeTo < toMs)
      await this.scan(tenant, all, wholeTo, toMs, (seq, e, ms) =>
        builder.addTenantEvent(seq, e, ms),
      );
  }

  private async scan(
    tenant: string,
    query: QueryNode,
    sinceMs: number,
    untilMs: number,
    visit: (seq: number, e: StoredEvent, occurredMs: number) => void,
  ): Promise<void> {
    let after: { occurredMs: number; seq: number } | undefined;
    for (;;) {
      const page = await this.deps.events.search({
        tenant,
        query,
        sinceMs,
        untilMs,
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      for (const r of page) if (r.event) visit(r.seq, r.event, r.occurredMs);
      if (page.length < PAGE) return;
      const last = page[page.length - 1]!;
      after = { occurredMs: last.occurredMs, seq: last.seq };
      // Other requests are served between pages of a long period.
      await yieldToEventLoop();
    }
  }

  /** Sequence gaps detected in the period, at most MAX_ALERTS of them (docs/source-health.md). */
  private async sequenceGapsIn(tenant: string, fromMs: number, toMs: number) {
    const store = this.deps.sources;
    if (!store) return {};
    const gaps = await store.gaps(tenant, fromMs, toMs, MAX_ALERTS);
    return {
      sequenceGaps: gaps.map((g) => ({
        service: g.service,
        fromSeq: g.fromSeq,
        toSeq: g.toSeq,
        detectedAt: new Date(g.detectedMs).toISOString(),
        eventId: g.eventId,
      })),
    };
  }

  private async retentionOf(
    tenant: string,
  ): Promise<{ retention?: Omit<Retention, 'requirements'> }> {
    const store = this.deps.retention;
    if (!store) return {};
    const [policies, holds] = await Promise.all([store.policies(tenant), store.holds(tenant)]);
    const active = holds.filter((h) => h.releasedAt === null).length;
    return {
      retention: {
        configured: policies.length > 0,
        note:
          policies.length === 0
            ? `Retention is not configured: every entry of the log is kept; nothing is purged by policy. ${active} legal hold(s) active.`
            : `${policies.length} retention polic${policies.length === 1 ? 'y' : 'ies'} in force; ${active} legal hold(s) active. Purges blank payloads and keep every leaf.`,
        policies: policies.map((p) => ({
          name: p.name,
          scope: p.scope,
          minDays: p.minDays,
          maxDays: p.maxDays,
          updatedAt: p.updatedAt,
        })),
        holds: holds.map((h) => ({
          id: h.id,
          scope: h.scope,
          reason: h.reason,
          createdAt: h.createdAt,
          releasedAt: h.releasedAt,
        })),
      },
    };
  }

  /** Alerts whose events overlap the period, oldest first. */
  private async alertsIn(tenant: string, fromMs: number, toMs: number): Promise<AlertSummary[]> {
    const out: AlertSummary[] = [];
    let beforeId: string | undefined;
    while (out.length < MAX_ALERTS) {
      const page = await this.deps.alerts.list({
        tenant,
        sinceMs: fromMs,
        limit: ALERT_PAGE,
        ...(beforeId === undefined ? {} : { beforeId }),
      });
      for (const a of page)
        if (a.firstSeenMs < toMs)
          out.push({
            id: a.id,
            ruleId: a.ruleId,
            ruleTitle: a.ruleTitle,
            severity: a.severity,
            status: a.status,
            firstSeen: new Date(a.firstSeenMs).toISOString(),
            lastSeen: new Date(a.lastSeenMs).toISOString(),
            count: a.count,
            createdAt: a.createdAt,
            history: a.history.map((h) => ({ status: h.status, by: h.by, at: h.at, note: h.note })),
          });
      if (page.length < ALERT_PAGE) break;
      beforeId = page[page.length - 1]!.id;
    }
    return out.reverse();
  }
}
