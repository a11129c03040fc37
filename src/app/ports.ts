/**
 * Ports: what the use cases need from the outside world. Storage adapters (src/storage/*)
 * implement them; only the composition root (src/main.ts) picks which. Every adapter runs the
 * same contract suite (src/storage/event-store.contract.ts).
 */
import type { Commitment, StoredEvent } from '../core/event/index.js';
import type { NodeRef } from '../core/merkle/index.js';
import type { QueryNode } from '../core/query/index.js';
import type { DestinationConfig } from '../core/outbound/config.js';
import type { OutboundEvent } from '../core/outbound/webhook-payload.js';
import type { Severity } from '../core/detect/types.js';
import type { LegalHold, RetentionPolicy, SeqRange } from '../core/retention/index.js';
import type { DayMeasure, ReportMark } from '../core/report/day-index.js';

export type { DestinationConfig, OutboundEvent, LegalHold, RetentionPolicy, SeqRange };

/**
 * One validated event, ready to be sequenced, with its commitment (ARCHITECTURE §3): the
 * canonical form, salt, digest, leaf input and leaf hash, all computed before the store is
 * reached. (Hashing here, on the request thread, keeps the writer free for the database: at
 * a million events the writer is the bottleneck and the request thread has time to spare.)
 */
export interface AppendInput {
  readonly event: StoredEvent;
  readonly commitment: Commitment;
}

export interface Appended {
  readonly id: string;
  readonly tenant: string;
  readonly seq: number;
  readonly leafHash: Buffer;
  /** True when an event with this id already existed in the tenant's log (idempotent resend). */
  readonly duplicate: boolean;
}

/** A stored entry. `canonical`, `event` and `salt` are null once retention purged the payload. */
export interface StoredRecord {
  readonly tenant: string;
  readonly seq: number;
  readonly occurredMs: number;
  readonly id: string;
  readonly event: StoredEvent | null;
  readonly canonical: string | null;
  readonly salt: Buffer | null;
  readonly leafInput: string;
}

export interface TreeHead {
  readonly size: number;
  readonly root: Buffer;
}

export interface SearchParams {
  readonly tenant: string;
  readonly query: QueryNode;
  /** Inclusive lower bound on occurred_at (ms since the epoch). */
  readonly sinceMs?: number;
  /** Exclusive upper bound on occurred_at (ms since the epoch). */
  readonly untilMs?: number;
  /** Keyset cursor: only entries strictly after this position in the result order. */
  readonly after?: SearchPosition;
  /** Only entries with seq below this (exports pin the result to a checkpoint's tree). */
  readonly belowSeq?: number;
  readonly limit: number;
}

/**
 * Position in search order: newest first by occurred_at, then by seq. (Ordering by seq alone
 * would make a time-range search scan from the log's end: time and seq correlate, and no
 * planner can know it.)
 */
export interface SearchPosition {
  readonly occurredMs: number;
  readonly seq: number;
}

export interface EventStore {
  /**
   * Sequences and appends the batch in one durable transaction: assigns each new event the next
   * seq of its tenant's log, stores the event, its salt and leaf, and the tree's new
   * complete-subtree hashes. Resolves only after the commit is durable. An event whose id
   * already exists for its tenant is not stored again; its original seq is returned.
   */
  append(batch: readonly AppendInput[]): Promise<Appended[]>;
  head(tenant: string): Promise<TreeHead>;
  /** The log's size alone (no root computed): bounds checks on the proof paths. */
  size(tenant: string): Promise<number>;
  /** Stored complete-subtree hashes, in the order asked. Missing refs are an error. */
  readHashes(tenant: string, refs: readonly NodeRef[]): Promise<Buffer[]>;
  getById(tenant: string, id: string): Promise<StoredRecord | undefined>;
  getBySeq(tenant: string, seq: number): Promise<StoredRecord | undefined>;
  /** Newest first: descending (occurred_at, seq); see SearchPosition. */
  search(params: SearchParams): Promise<StoredRecord[]>;
  /** Entries [start, end) in order (end is clamped to the log size). */
  range(tenant: string, start: number, end: number): Promise<StoredRecord[]>;
  tenants(): Promise<string[]>;
}

export interface StoredCheckpoint {
  readonly tenant: string;
  readonly size: number;
  readonly root: Buffer;
  /** The signed note, exactly as served. */
  readonly note: string;
  readonly createdAt: string;
}

export interface CheckpointStore {
  /** Stores a checkpoint unless one of the same tenant and size exists. */
  add(cp: StoredCheckpoint): Promise<void>;
  latest(tenant: string): Promise<StoredCheckpoint | undefined>;
  /** All checkpoints of a tenant, ascending size. */
  list(tenant: string): Promise<StoredCheckpoint[]>;
  /** Logs that grew past their latest checkpoint (or have none yet), by name. */
  unsigned(): Promise<string[]>;
}

export type Scope = 'ingest' | 'read' | 'admin';
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'admin'];

export interface ApiKeyRecord {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface KeyStore {
  create(rec: ApiKeyRecord, secretHash: Buffer): Promise<void>;
  findBySecretHash(secretHash: Buffer): Promise<ApiKeyRecord | undefined>;
  list(tenant?: string): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  /** Sets the value unless the key exists; returns the value now stored. */
  setIfAbsent(key: string, value: string): Promise<string>;
}

export interface Store {
  readonly events: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly keys: KeyStore;
  readonly settings: SettingsStore;
  /** Outbound streams: configuration, cursors, dead letters. */
  readonly outbound: OutboundStore;
  /** Alerts raised by detection rules, and the detection cursor of each log. */
  readonly alerts: AlertStore;
  /** Retention policies, legal holds and the purge of expired payloads (docs/retention.md). */
  readonly retention: RetentionStore;
  /** Source health: last seen, cadence and observer.seq gaps per source (docs/source-health.md). */
  readonly sources: SourceHealthStore;
  /** Review tasks and their review instances (docs/reviews.md). */
  readonly reviews: ReviewStore;
  /** Per-day measures and section marks of every log, for reports (docs/reports.md). */
  readonly reportIndex: ReportIndexStore;
  /** Raw rows for `verify`: never trusts derived state. */
  readonly audit: VerifySource;
  /** Leadership of background jobs and news of other processes' appends. */
  readonly coordination: Coordination;
  /** Why appends cannot succeed right now (e.g. the writer died), or undefined when they can. */
  unhealthy(): string | undefined;
  close(): Promise<void>;
}

/**
 * Several server processes on one store (ARCHITECTURE §4). A store used by one process answers
 * trivially: always the leader, never a remote append.
 */
export interface Coordination {
  /** Whether background jobs (checkpoint signing, ...) run in this process now. */
  isLeader(): boolean;
  /**
   * Appends committed by other processes (tenant, its new size). Hints for promptness only:
   * they may come late or not at all, so a listener reads the store for the truth.
   */
  onRemoteAppend(listener: (tenant: string, size: number) => void): () => void;
}

/** A store that only this process uses. */
export const SOLE_PROCESS: Coordination = {
  isLeader: () => true,
  onRemoteAppend: () => () => {},
};

/** What `verify` reads: stored entries in seq order and stored tree hashes, with nothing derived. */
export interface VerifySource {
  /** Stored entries of a tenant in ascending stored order, in pages. */
  entries(tenant: string, pageSize: number): AsyncIterable<readonly VerifyRow[]>;
  /**
   * All stored tree hashes of a tenant in creation order: keyed by the stored-hash index of
   * Go's sumdb/tlog layout, so a verifier that rebuilds the tree compares node by node.
   */
  treeHashes(
    tenant: string,
    pageSize: number,
  ): AsyncIterable<readonly { sidx: number; hash: Buffer }[]>;
  /** The size the store claims for the tenant's log. */
  claimedSize(tenant: string): Promise<number>;
}

export interface VerifyRow {
  readonly seq: number;
  readonly id: string;
  readonly canonical: string | null;
  readonly salt: Buffer | null;
  readonly leafInput: string;
}

export interface Clock {
  now(): Date;
}

export interface Signer {
  /** Key name = origin of the log being signed. */
  signNote(body: string, name: string): string;
  verifierKey(name: string): string;
}

export interface OutboundStreamRecord {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  /** Query-language filter; empty matches everything. */
  readonly q: string;
  readonly enabled: boolean;
  /** Holds secrets: never returned by the API nor logged. */
  readonly destination: DestinationConfig;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** Delivery position of a stream: entries up to `afterSeq` (inclusive) are done with. */
export interface OutboundCursor {
  readonly afterSeq: number;
  readonly delivered: number;
  readonly lastError: string | null;
  readonly lastAttemptAt: string | null;
  readonly failures: number;
}

export interface DeadLetter {
  readonly streamId: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly error: string;
  readonly at: string;
}

export interface OutboundStreamPatch {
  readonly enabled?: boolean;
  readonly q?: string;
  readonly destination?: DestinationConfig;
  readonly updatedAt: string;
}

export interface OutboundStore {
  create(rec: OutboundStreamRecord, cursor: OutboundCursor): Promise<void>;
  /** A stream by id, deleted ones included (deletedAt set). */
  get(id: string): Promise<OutboundStreamRecord | undefined>;
  /** Streams not deleted, of one tenant or all, by creation. */
  list(tenant?: string): Promise<OutboundStreamRecord[]>;
  update(id: string, patch: OutboundStreamPatch): Promise<boolean>;
  /** Soft delete: the row stays (its id is in the audit trail), delivery stops. */
  delete(id: string, at: string): Promise<boolean>;
  cursor(id: string): Promise<OutboundCursor | undefined>;
  saveCursor(id: string, cursor: OutboundCursor): Promise<void>;
  addDeadLetter(dl: DeadLetter): Promise<void>;
  /** Newest first. */
  deadLetters(id: string, limit: number): Promise<DeadLetter[]>;
  deadLetterCount(id: string): Promise<number>;
}

/**
 * Where an outbound stream's batches go (src/outbound/* implement it). `send` resolves only
 * once the receiver accepted the whole batch; any rejection means "not delivered, retry".
 */
export interface Destination {
  send(events: readonly OutboundEvent[]): Promise<void>;
  /** Releases connections; an in-flight send may then reject. */
  close(): Promise<void>;
}

/** Picks the adapter for a stream's destination (the composition root provides it). */
export type DestinationFactory = (stream: OutboundStreamRecord) => Destination;

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/** One change of an alert's status: who (principal id), when, why. */
export interface AlertStatusChange {
  readonly status: AlertStatus;
  readonly by: string;
  readonly at: string;
  readonly note: string | null;
}

/** An alert (docs/api.md "Alerts and rules"): findings of one rule for one group key. */
export interface AlertRecord {
  /** `al_` + UUIDv7 without dashes: ids sort by creation. */
  readonly id: string;
  readonly tenant: string;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly severity: Severity;
  readonly groupKey: string;
  readonly status: AlertStatus;
  /** Event-time bounds of the events behind the alert, ms since the epoch. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly count: number;
  /** At most 100: the oldest ones and the newest ones. */
  readonly eventIds: readonly string[];
  readonly summary: string;
  readonly context: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Oldest first; the first entry is the raise (`open`, by `rule:<id>`). */
  readonly history: readonly AlertStatusChange[];
  /** Bumped by every update: an update based on a stale read is refused (optimistic locking). */
  readonly revision: number;
}

export interface AlertListParams {
  readonly tenant: string;
  readonly status?: AlertStatus;
  readonly severity?: Severity;
  readonly ruleId?: string;
  /** Only alerts whose last_seen is at or after this (ms since the epoch). */
  readonly sinceMs?: number;
  /** Keyset cursor: only alerts with an id below this one (newest first). */
  readonly beforeId?: string;
  readonly limit: number;
}

export interface AlertStore {
  create(rec: AlertRecord): Promise<void>;
  get(id: string): Promise<AlertRecord | undefined>;
  /** Newest first (descending id, i.e. creation). */
  list(params: AlertListParams): Promise<AlertRecord[]>;
  /** The newest alert of this rule and group key that is open or acknowledged. */
  findActive(tenant: string, ruleId: string, groupKey: string): Promise<AlertRecord | undefined>;
  /**
   * Replaces the alert whose stored revision is `rec.revision - 1`; false (nothing written) when
   * the stored one moved on meanwhile or does not exist: re-read and try again.
   */
  update(rec: AlertRecord): Promise<boolean>;
  /** The last seq of the tenant's log that detection evaluated (-1: none yet). */
  cursor(tenant: string): Promise<number>;
  saveCursor(tenant: string, afterSeq: number): Promise<void>;
}

/** One purge of one tenant's log by one predicate (docs/retention.md). */
export interface PurgeRequest {
  readonly tenant: string;
  /** Events the query matches; purged (or already purged) payloads are never counted. */
  readonly where: QueryNode;
  /** Only events with occurred_at strictly below this (ms since the epoch). */
  readonly beforeMs: number;
  /** Count and list, change nothing. */
  readonly dryRun?: boolean;
  /** Rows per statement where the store works in batches (default 10 000). */
  readonly batchSize?: number;
}

export interface PurgeResult {
  /** Payloads blanked (or, in a dry run, that would be). */
  readonly count: number;
  /** Their seqs, as sorted runs. */
  readonly ranges: readonly SeqRange[];
}

export interface HoldRelease {
  readonly at: string;
  readonly by: string;
  readonly reason: string;
}

export interface RetentionStore {
  /** A tenant's policies by name. */
  policies(tenant: string): Promise<RetentionPolicy[]>;
  /** Creates or replaces the policy of this tenant and name. */
  putPolicy(p: RetentionPolicy): Promise<void>;
  deletePolicy(tenant: string, name: string): Promise<boolean>;
  /** A tenant's holds, released ones included, by creation. */
  holds(tenant: string): Promise<LegalHold[]>;
  hold(id: string): Promise<LegalHold | undefined>;
  addHold(h: LegalHold): Promise<void>;
  /** Releases an active hold; false when it does not exist or was released already. */
  releaseHold(id: string, release: HoldRelease): Promise<boolean>;
  /**
   * Blanks the payload and salt (never the leaf nor any tree hash) of every entry of the
   * tenant's log that the request selects and that is not purged yet.
   */
  purge(req: PurgeRequest): Promise<PurgeResult>;
}

/** What is known of one source: one `observer.service` of one tenant (docs/source-health.md). */
export interface SourceRecord {
  readonly tenant: string;
  readonly service: string;
  /** Event time (occurred_at) and received time bounds, ms since the epoch; null: none yet. */
  readonly firstEventMs: number | null;
  readonly lastEventMs: number | null;
  readonly firstReceivedMs: number | null;
  readonly lastReceivedMs: number | null;
  readonly count: number;
  /** The highest observer.seq seen since the counter last restarted; null: never sent one. */
  readonly lastObserverSeq: number | null;
  /** How often the source is expected to send, ms; null: no expectation (never silent). */
  readonly expectedEveryMs: number | null;
}

/** A jump in a source's observer.seq: `fromSeq`..`toSeq` (inclusive) never arrived. */
export interface SourceGap {
  readonly tenant: string;
  readonly service: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** Received time of the event after the gap, ms since the epoch. */
  readonly detectedMs: number;
  /** The event after the gap. */
  readonly eventId: string;
}

export interface SourceHealthStore {
  list(tenant: string): Promise<SourceRecord[]>;
  /** Every tenant's sources that have an expected cadence. */
  withCadence(): Promise<SourceRecord[]>;
  get(tenant: string, service: string): Promise<SourceRecord | undefined>;
  /** Stores what was observed (everything but expectedEveryMs, which only setExpected writes). */
  saveObserved(rec: SourceRecord): Promise<void>;
  /** Sets (null: clears) a source's expected cadence, creating the source if unknown. */
  setExpected(tenant: string, service: string, everyMs: number | null): Promise<void>;
  /** Stores a gap; a gap already stored (same source and fromSeq) is left as it is. */
  addGap(gap: SourceGap): Promise<void>;
  /** Gaps detected in [fromMs, toMs), oldest first, at most `limit`. */
  gaps(tenant: string, fromMs: number, toMs: number, limit: number): Promise<SourceGap[]>;
  /** The last seq of the tenant's log that source health read (-1: none yet). */
  cursor(tenant: string): Promise<number>;
  saveCursor(tenant: string, afterSeq: number): Promise<void>;
}

/** A scheduled review (docs/reviews.md): every `everyMs`, the `periodMs` before is reviewed. */
export interface ReviewTaskRecord {
  /** `rt_` + UUIDv7 without dashes. */
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  /** Query-language scope of the events reviewed ("" = all). */
  readonly scope: string;
  readonly periodMs: number;
  readonly everyMs: number;
  /** An API key scope (ingest, read, admin) that a signer needs, or a free role name. */
  readonly assignee: string;
  /** The first review ends at startsMs + everyMs. */
  readonly startsMs: number;
  /** Reviews opened so far: the next one ends at startsMs + (opened + 1) × everyMs. */
  readonly opened: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type ReviewDecision = 'approved' | 'exceptions_noted' | 'rejected';
export const REVIEW_DECISIONS: readonly ReviewDecision[] = [
  'approved',
  'exceptions_noted',
  'rejected',
];

export interface ReviewSignOff {
  readonly decision: ReviewDecision;
  readonly note: string;
  readonly by: string;
  readonly at: string;
}

/** One review of one period, with its packet (what is in scope), open until signed off. */
export interface ReviewRecord {
  /** `rv_` + UUIDv7 without dashes: ids sort by creation. */
  readonly id: string;
  readonly taskId: string;
  readonly tenant: string;
  readonly name: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** The packet as JSON-ready data (counts, event ids, alerts). */
  readonly packet: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly signOff: ReviewSignOff | null;
}

export interface ReviewStore {
  createTask(t: ReviewTaskRecord): Promise<void>;
  /** One tenant's tasks, or every tenant's (undefined), oldest first. */
  tasks(tenant: string | undefined): Promise<ReviewTaskRecord[]>;
  /**
   * Stores the review and sets its task's `opened` to `opened`, atomically; false (nothing
   * written) when the task's count is no longer `opened - 1` (another process opened it).
   */
  open(review: ReviewRecord, opened: number): Promise<boolean>;
  get(id: string): Promise<ReviewRecord | undefined>;
  /** Newest first, at most `limit`. */
  list(
    tenant: string,
    status: 'open' | 'signed_off' | undefined,
    limit: number,
  ): Promise<ReviewRecord[]>;
  /** Records the sign-off of an open review; false when it is signed off already. */
  signOff(id: string, s: ReviewSignOff): Promise<boolean>;
}

/** Where a log's report index stands (docs/reports.md "The report index"). */
export interface ReportIndexState {
  /** The last seq indexed (-1: none yet). */
  readonly afterSeq: number;
  /** REPORT_INDEX_VERSION of the definitions it was built with. */
  readonly version: string;
}

export interface ReportIndexUpdate {
  /** Where the caller read the index: the update applies only if it is still there. */
  readonly expectAfter: number;
  readonly afterSeq: number;
  readonly version: string;
  /** Added to the stored measures of the same day and source (day: UTC days since the epoch). */
  readonly days: readonly DayMeasure[];
  readonly marks: readonly ReportMark[];
}

/** Derived data only: it can be dropped and rebuilt from the log at any time. */
export interface ReportIndexStore {
  state(tenant: string): Promise<ReportIndexState | undefined>;
  /** Drops the log's index and starts it again at -1 for `version`. */
  reset(tenant: string, version: string): Promise<void>;
  /**
   * In one transaction, if the index is at `expectAfter` with `version`: merges the measures,
   * stores the marks and moves to `afterSeq`. False, with nothing changed, when another indexer
   * moved it first (or it was reset).
   */
  apply(tenant: string, update: ReportIndexUpdate): Promise<boolean>;
  /** Measures of the days [fromDay, toDay), any order. */
  days(tenant: string, fromDay: number, toDay: number): Promise<DayMeasure[]>;
  /** Marks with occurred in [fromMs, toMs), ascending seq. */
  marks(tenant: string, fromMs: number, toMs: number): Promise<ReportMark[]>;
}
