/**
 * The use cases wired to their ports: what the HTTP layer, the CLI and library users call.
 * Built from a Store and a Signer; knows no concrete adapter.
 */
import { Alerts } from './alerts.js';
import { AuditTrail } from './audit-trail.js';
import { backtest, type BacktestRequest } from './backtest.js';
import { CheckpointJob } from './checkpoint-job.js';
import { DetectionJob, type DetectionOptions } from './detection.js';
import { ExportBundles } from './export.js';
import { GroupCommit } from './group-commit.js';
import { Ingest } from './ingest.js';
import { Imports } from './imports.js';
import { ApiKeys, hashToken } from './keys.js';
import { Ledger } from './ledger.js';
import { LogWatch } from './log-watch.js';
import { Metrics } from './metrics.js';
import { LogFeeds, type LogFeedOptions } from './log-feed.js';
import { LiveStreams, type LiveStreamOptions } from './live-stream.js';
import { OutboundDelivery, type DeliveryOptions } from './outbound.js';
import { OutboundStreams } from './outbound-streams.js';
import { Reports } from './reports.js';
import { Retention } from './retention.js';
import { RetentionJob, type RetentionJobOptions } from './retention-job.js';
import { ReviewJob, type ReviewJobOptions } from './review-job.js';
import { Reviews } from './reviews.js';
import { SourceHealth } from './source-health.js';
import { SourceHealthJob, type SourceHealthJobOptions } from './source-health-job.js';
import type { Clock, DestinationFactory, Signer, Store } from './ports.js';
import type { Detector, RuleInfo } from '../core/detect/types.js';
import { Search } from './search.js';
import { verifyTenant, type TenantVerification } from './verify.js';
import { threadPayloadChecker } from './verify-payload-worker.js';
import { ReportIndex, type ReportIndexOptions } from './report-index.js';

export const ADMIN_TOKEN_SETTING = 'admin_token_sha256';

export interface ServicesOptions {
  readonly store: Store;
  readonly signer: Signer;
  /** The generator version written into reports. */
  readonly version?: string;
  readonly clock?: Clock;
  readonly originPrefix?: string;
  readonly checkpointIntervalMs?: number;
  /** Admin token from the environment; otherwise the stored hash of a generated one is used. */
  readonly adminToken?: string;
  readonly onBackgroundError?: (e: unknown) => void;
  /** Live streams: heartbeat, client cap, feed cache and poll interval. */
  readonly stream?: LiveStreamOptions & LogFeedOptions;
  /** Outbound stream adapters (src/outbound); without them no delivery job runs here. */
  readonly destinations?: DestinationFactory;
  readonly outbound?: DeliveryOptions;
  /** The folder file destinations must write under (unset: no file destinations). */
  readonly outboundDir?: string;
  /** Detection rules compiled into one Detector; without it no detection job exists. */
  readonly detector?: Detector;
  /** Rule files that failed to load (GET /v1/rules shows them). */
  readonly ruleErrors?: readonly RuleLoadError[];
  readonly detection?: DetectionOptions;
  /** The leader's purge job (docs/retention.md): started by the composition root. */
  readonly retention?: RetentionJobOptions;
  /** The leader's source health job (docs/source-health.md): started by the composition root. */
  readonly sourceHealth?: SourceHealthJobOptions;
  /** The leader's review job (docs/reviews.md): started by the composition root. */
  readonly reviews?: ReviewJobOptions;
  /** The leader's report index job (docs/reports.md): started by the composition root. */
  readonly reportIndex?: ReportIndexOptions;
}

/** A rule file, or one document of it, that could not be loaded. */
export interface RuleLoadError {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(opts: ServicesOptions) {
  const clock = opts.clock ?? { now: () => new Date() };
  const { store } = opts;
  const commit = new GroupCommit(store.events);
  const metrics = new Metrics({
    events: store.events,
    coordination: store.coordination,
    queuedEvents: () => commit.queuedEvents,
  });
  const ledger = new Ledger(store.events, store.checkpoints, opts.signer, clock, {
    originPrefix: opts.originPrefix ?? 'localhost/veritrail',
    onSigned: () => metrics.checkpointSigned(),
  });
  const job = new CheckpointJob(
    ledger,
    store.checkpoints,
    store.coordination,
    opts.checkpointIntervalMs ?? 1000,
    opts.onBackgroundError ?? (() => {}),
  );
  const watch = new LogWatch(store.coordination);
  const ingest = new Ingest({
    // Timed from entering the group commit to the durable commit; counts new and duplicates.
    commit: metrics.instrumentAppend(commit),
    clock,
    onAppended: (events) => watch.appended(events),
    onOutcome: (outcome) => metrics.ingestRequest(outcome),
  });
  const audit = new AuditTrail(ingest, clock);
  const feeds = new LogFeeds(store.events, watch, opts.stream);
  let streamClients = 0;
  const streams = new LiveStreams(store.events, feeds, audit, opts.stream, (open) => {
    metrics.streamClientsChanged(open - streamClients);
    streamClients = open;
  });
  metrics.readStreamLag(() => streams.maxLag());
  const delivery =
    opts.destinations === undefined
      ? undefined
      : new OutboundDelivery(
          {
            events: store.events,
            outbound: store.outbound,
            coordination: store.coordination,
            watch,
            clock,
            destinations: opts.destinations,
          },
          { onError: opts.onBackgroundError ?? (() => {}), ...opts.outbound },
        );
  // Built here, started by the composition root (like the delivery job); leader-only.
  const detection =
    opts.detector === undefined
      ? undefined
      : new DetectionJob(
          {
            events: store.events,
            alerts: store.alerts,
            coordination: store.coordination,
            watch,
            clock,
            append: (events) => ingest.append(events),
            detector: opts.detector,
            onRaised: (severity) => metrics.alertRaised(severity),
          },
          { onError: opts.onBackgroundError ?? (() => {}), ...opts.detection },
        );
  const rules: { rules: readonly RuleInfo[]; errors: readonly RuleLoadError[] } = {
    rules: opts.detector?.rules ?? [],
    errors: opts.ruleErrors ?? [],
  };
  const outbound = new OutboundStreams(
    store.outbound,
    store.events,
    audit,
    clock,
    () => void delivery?.sync(),
    opts.outboundDir,
  );
  const retention = new Retention(store.retention, store.events, audit, ingest, clock);
  const retentionJob = new RetentionJob(retention, store.coordination, {
    onError: opts.onBackgroundError ?? (() => {}),
    ...opts.retention,
  });
  const sourceHealthJob = new SourceHealthJob(
    {
      events: store.events,
      sources: store.sources,
      alerts: store.alerts,
      coordination: store.coordination,
      clock,
      append: (events) => ingest.append(events),
      onRaised: (severity) => metrics.alertRaised(severity),
    },
    { onError: opts.onBackgroundError ?? (() => {}), ...opts.sourceHealth },
  );
  const reportIndex = new ReportIndex(
    { events: store.events, index: store.reportIndex, coordination: store.coordination },
    { onError: opts.onBackgroundError ?? (() => {}), ...opts.reportIndex },
  );
  const reviewJob = new ReviewJob(
    {
      events: store.events,
      alerts: store.alerts,
      reviews: store.reviews,
      coordination: store.coordination,
      clock,
    },
    { onError: opts.onBackgroundError ?? (() => {}), ...opts.reviews },
  );
  // The stored admin-token hash is written once and never changes: read it once it exists,
  // not on every authenticated request.
  let adminHash = opts.adminToken === undefined ? undefined : hashToken(opts.adminToken);
  const keys = new ApiKeys(store.keys, clock, async () => {
    if (adminHash) return adminHash;
    const stored = await store.settings.get(ADMIN_TOKEN_SETTING);
    if (stored !== undefined) adminHash = Buffer.from(stored, 'hex');
    return adminHash;
  });
  return {
    store,
    clock,
    ledger,
    commit,
    metrics,
    ingest,
    imports: new Imports(ingest, metrics),
    audit,
    keys,
    checkpointJob: job,
    watch,
    search: new Search(store.events, audit),
    streams,
    outbound,
    outboundDelivery: delivery,
    exports: new ExportBundles(store.events, ledger, audit),
    alerts: new Alerts(store.alerts, audit, ingest, clock),
    detection,
    rules,
    retention,
    retentionJob,
    sources: new SourceHealth(store.sources, audit, clock),
    sourceHealthJob,
    reviews: new Reviews(store.reviews, audit, ingest, clock),
    reviewJob,
    reportIndex,
    reports: new Reports({
      events: store.events,
      alerts: store.alerts,
      retention: store.retention,
      sources: store.sources,
      checkpoints: store.checkpoints,
      index: { store: store.reportIndex, catchUp: (t) => reportIndex.catchUp(t) },
      signer: opts.signer,
      origin: (t) => ledger.origin(t),
      verify: async (t) => {
        const payloads = threadPayloadChecker();
        try {
          return await verifyTenant(
            t,
            store.audit,
            store.checkpoints,
            ledger.verifierKey(t),
            payloads,
          );
        } finally {
          await payloads.close();
        }
      },
      audit,
      clock,
      version: opts.version ?? 'unknown',
    }),
    /** Runs a Detector over stored entries without storing alerts (read-only). */
    backtest: (detector: Detector, req: BacktestRequest) => backtest(store.events, detector, req),
    async verify(tenants?: readonly string[]): Promise<TenantVerification[]> {
      const all = tenants ?? (await store.events.tenants());
      const out: TenantVerification[] = [];
      const payloads = threadPayloadChecker();
      try {
        for (const t of all)
          out.push(
            await verifyTenant(t, store.audit, store.checkpoints, ledger.verifierKey(t), payloads),
          );
      } finally {
        await payloads.close();
      }
      return out;
    },
    async close(): Promise<void> {
      feeds.close();
      await detection?.stop();
      await retentionJob.stop();
      await sourceHealthJob.stop();
      await reviewJob.stop();
      await reportIndex.stop();
      await delivery?.stop();
      await job.stop();
      await store.close();
    },
  };
}
