/**
 * Prometheus metrics of one Veritrail process, served at GET /metrics (docs/api.md "Metrics").
 *
 * Each instance owns its own prom-client Registry, never the library's global one, so several
 * apps in one process (tests, library users) neither collide nor count each other's events.
 * Process and Node.js metrics come from `collectDefaultMetrics` under the library's standard
 * names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, ...), unprefixed so stock
 * Node.js dashboards and alerts work unchanged; Prometheus's `job`/`instance` labels tell the
 * processes apart.
 *
 * Label cardinality is bounded: `tenant` values are validated tenant names
 * (TENANT_PATTERN, `^[a-z0-9][a-z0-9_-]{0,62}$`, or `_system`) of logs that exist, since only
 * committed events are counted; `veritrail_log_size` is capped at LOG_SIZE_TENANTS tenants;
 * `outcome` and `severity` are closed unions.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SEVERITIES } from '../core/event/index.js';
import type { Appended, AppendInput, Coordination, EventStore } from './ports.js';

export type IngestOutcome = 'ok' | 'rejected' | 'failed';
export type ReceivedOutcome = 'appended' | 'duplicate' | 'skipped' | 'failed';
export type AlertSeverity = (typeof SEVERITIES)[number];

/** Most tenants whose log size one scrape reads: a scrape stays cheap however many logs exist. */
export const LOG_SIZE_TENANTS = 1000;

/** What the collectors read on each scrape. */
export interface MetricsSources {
  readonly events: Pick<EventStore, 'tenants' | 'size'>;
  readonly coordination: Pick<Coordination, 'isLeader'>;
  /** Events waiting in the group commit, not yet handed to the store. */
  readonly queuedEvents: () => number;
}

/** An append path (the group commit, or a store): what `instrumentAppend` wraps. */
export interface AppendPath {
  append(batch: readonly AppendInput[]): Promise<Appended[]>;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly appendedTotal: Counter<'tenant'>;
  private readonly duplicateTotal: Counter;
  private readonly ingestRequests: Counter<'outcome'>;
  private readonly appendSeconds: Histogram;
  private readonly checkpointsSigned: Counter;
  private readonly streamClients: Gauge;
  private readonly streamLag: Gauge;
  private readonly alerts: Counter<'severity'>;
  private readonly received: Counter<'receiver' | 'outcome'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.appendedTotal = new Counter({
      name: 'veritrail_events_appended_total',
      help: 'New events committed to a log (duplicates of a known id not included)',
      labelNames: ['tenant'] as const,
      registers,
    });
    this.duplicateTotal = new Counter({
      name: 'veritrail_events_duplicate_total',
      help: 'Events resent with an id already in their log (idempotent, not stored again)',
      registers,
    });
    this.ingestRequests = new Counter({
      name: 'veritrail_ingest_requests_total',
      help: 'Ingest requests: ok (committed), rejected (refused before the store: invalid events, too large, tenant not allowed), failed (the store or group commit failed)',
      labelNames: ['outcome'] as const,
      registers,
    });
    for (const outcome of ['ok', 'rejected', 'failed'] as const)
      this.ingestRequests.inc({ outcome }, 0);
    this.appendSeconds = new Histogram({
      name: 'veritrail_append_seconds',
      help: 'Time from a batch entering the group commit to its durable commit (successful commits)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'veritrail_group_commit_queued_events',
      help: 'Events waiting in the group commit, not yet handed to the store',
      registers,
      collect() {
        this.set(sources.queuedEvents());
      },
    });
    this.checkpointsSigned = new Counter({
      name: 'veritrail_checkpoints_signed_total',
      help: 'Checkpoints signed and stored by this process (by the job, on demand, at shutdown)',
      registers,
    });
    new Gauge({
      name: 'veritrail_jobs_leader',
      help: '1 when this process runs the background jobs (checkpoint signing), else 0',
      registers,
      collect() {
        this.set(sources.coordination.isLeader() ? 1 : 0);
      },
    });
    new Gauge<'tenant'>({
      name: 'veritrail_log_size',
      help: `Entries in each log, read from the store at scrape time (first ${LOG_SIZE_TENANTS} logs by name)`,
      labelNames: ['tenant'] as const,
      registers,
      async collect() {
        this.reset();
        try {
          const tenants = (await sources.events.tenants()).slice(0, LOG_SIZE_TENANTS);
          // One at a time: a scrape never takes more than one database connection.
          for (const tenant of tenants) this.set({ tenant }, await sources.events.size(tenant));
        } catch {
          // The store is down: no samples this scrape (and /healthz says why), but the rest of
          // the scrape, process metrics included, is still served.
          this.reset();
        }
      },
    });
    this.streamClients = new Gauge({
      name: 'veritrail_stream_clients',
      help: 'Clients connected to live event streams',
      registers,
    });
    const lag = () => this.lagSource;
    this.streamLag = new Gauge({
      name: 'veritrail_stream_delivery_lag_events',
      help: 'Committed entries the furthest-behind live stream client has yet to be sent',
      registers,
      collect() {
        const source = lag();
        if (source) this.set(source());
      },
    });
    this.alerts = new Counter({
      name: 'veritrail_alerts_total',
      help: 'Alerts raised by detection rules, by severity',
      labelNames: ['severity'] as const,
      registers,
    });
    for (const severity of SEVERITIES) this.alerts.inc({ severity }, 0);
    this.received = new Counter({
      name: 'veritrail_received_records_total',
      help: 'Records that reached a receiver or importer (syslog, otlp, k8s-audit, import), by outcome: appended, duplicate, skipped (not mappable or invalid), failed (the append failed)',
      labelNames: ['receiver', 'outcome'] as const,
      registers,
    });
  }

  /**
   * Wraps an append path so each batch is timed to its durable commit and its new and
   * duplicate events are counted. Per batch: one counter increment per tenant in it, whatever
   * its size (the ingest hot path).
   */
  instrumentAppend(path: AppendPath): AppendPath {
    return {
      append: async (batch) => {
        const started = performance.now();
        const results = await path.append(batch);
        this.appendSeconds.observe((performance.now() - started) / 1000);
        this.countAppended(results);
        return results;
      },
    };
  }

  ingestRequest(outcome: IngestOutcome): void {
    this.ingestRequests.inc({ outcome });
  }

  checkpointSigned(): void {
    this.checkpointsSigned.inc();
  }

  /** A live stream client connected (+1) or went away (-1). */
  streamClientsChanged(delta: number): void {
    this.streamClients.inc(delta);
  }

  private lagSource: (() => number) | undefined;

  /** Reads the stream lag on each scrape from `source` (the live streams). */
  readStreamLag(source: () => number): void {
    this.lagSource = source;
  }

  /** `n` records that reached `receiver` ended as `outcome`. */
  recordsReceived(receiver: string, outcome: ReceivedOutcome, n = 1): void {
    if (n > 0) this.received.inc({ receiver, outcome }, n);
  }

  alertRaised(severity: AlertSeverity): void {
    this.alerts.inc({ severity });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format; runs the scrape-time collectors. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private countAppended(results: readonly Appended[]): void {
    let duplicates = 0;
    const fresh = new Map<string, number>();
    for (const r of results) {
      if (r.duplicate) duplicates++;
      else fresh.set(r.tenant, (fresh.get(r.tenant) ?? 0) + 1);
    }
    for (const [tenant, n] of fresh) this.appendedTotal.inc({ tenant }, n);
    if (duplicates > 0) this.duplicateTotal.inc(duplicates);
  }
}
