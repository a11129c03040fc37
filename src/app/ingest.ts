/**
 * Ingest (ARCHITECTURE §4): validate and normalise untrusted events, assign id, received_at and
 * salt, commit, and hand back positions only after the group commit is durable.
 */
import { v7 as uuidv7 } from 'uuid';
import { canonicalJson } from '../core/canonical-json.js';
import {
  commit,
  commitCanonical,
  LIMITS,
  normaliseEvent,
  SALT_BYTES,
  type StoredEvent,
} from '../core/event/index.js';
import { VeritrailError, type Issue } from '../core/errors.js';
import { randomBytes } from '../core/crypto.js';
import type { GroupCommit } from './group-commit.js';
import type { IngestOutcome } from './metrics.js';
import type { AppendInput, Appended, Clock } from './ports.js';
import { authorize, homeTenant, SYSTEM_TENANT, type Principal } from './principal.js';

export interface IngestDeps {
  /** The group commit, or a wrapper of it (metrics time each batch). */
  readonly commit: Pick<GroupCommit, 'append'>;
  readonly clock: Clock;
  /** Called with every committed new event, after the commit (the event bus). */
  readonly onAppended?: (events: readonly { event: StoredEvent; seq: number }[]) => void;
  /**
   * Called once per `ingest` request: `rejected` when it is refused before the store (invalid,
   * too many events, tenant not allowed), `failed` when the commit fails, `ok` otherwise.
   */
  readonly onOutcome?: (outcome: IngestOutcome) => void;
}

/**
 * Actions producers may not send: Veritrail writes them itself, and people act on them — the
 * detection's alert lifecycle (`alert.raised`, …) and retention's purge records
 * (`retention.purge`).
 */
export const RESERVED_ACTION_PREFIXES = ['alert.', 'retention.', 'review.'] as const;

export class Ingest {
  constructor(private readonly deps: IngestDeps) {}

  /**
   * Validates every event first: one bad event rejects the whole batch with an issue per bad
   * field, each path prefixed with the event's position (`events.3.actor.id`).
   */
  async ingest(
    inputs: readonly unknown[],
    principal: Principal,
    pathPrefix = 'events',
  ): Promise<Appended[]> {
    let batch: AppendInput[];
    try {
      batch = this.prepare(inputs, principal, pathPrefix);
    } catch (e) {
      // A refusal is a VeritrailError; anything else here is a bug, answered 500.
      this.deps.onOutcome?.(e instanceof VeritrailError ? 'rejected' : 'failed');
      throw e;
    }
    try {
      const appended = await this.commitBatch(batch);
      this.deps.onOutcome?.('ok');
      return appended;
    } catch (e) {
      this.deps.onOutcome?.('failed');
      throw e;
    }
  }

  /** Validates, normalises, commits to (salts and hashes) and authorises: no I/O. */
  private prepare(
    inputs: readonly unknown[],
    principal: Principal,
    pathPrefix: string,
  ): AppendInput[] {
    if (inputs.length === 0)
      throw new VeritrailError('validation_failed', 'no events given', [
        { path: pathPrefix, message: 'must contain at least one event' },
      ]);
    if (inputs.length > LIMITS.batchSize) {
      throw new VeritrailError(
        'payload_too_large',
        `at most ${LIMITS.batchSize} events per batch`,
        [{ path: pathPrefix, message: `has ${inputs.length} events; at most ${LIMITS.batchSize}` }],
      );
    }
    const receivedAt = this.deps.clock.now().toISOString();
    const ctx = { defaultTenant: homeTenant(principal), receivedAt, newId: uuidv7 };
    const batch: AppendInput[] = [];
    const issues: Issue[] = [];
    const bad = new Set<number>();
    const salts = randomBytes(SALT_BYTES * inputs.length);
    inputs.forEach((input, i) => {
      // '' is a bare body: one event (paths such as `actor.id`) or a JSON array (`3.actor.id`).
      const path = pathPrefix !== '' ? `${pathPrefix}.${i}` : inputs.length === 1 ? '' : String(i);
      const r = normaliseEvent(input, ctx, path);
      if (!r.ok) {
        bad.add(i);
        return void issues.push(...r.error);
      }
      const reserved = RESERVED_ACTION_PREFIXES.find((p) => r.value.action.startsWith(p));
      if (reserved !== undefined) {
        bad.add(i);
        return void issues.push({
          path: path === '' ? 'action' : `${path}.action`,
          message: `"${reserved}*" actions are written only by Veritrail itself`,
        });
      }
      let canonical: string;
      try {
        canonical = canonicalJson(r.value);
      } catch (e) {
        bad.add(i);
        return void issues.push({
          path: path === '' ? '(event)' : path,
          message: (e as Error).message,
        });
      }
      if (
        canonical.length > LIMITS.eventBytes / 3 &&
        Buffer.byteLength(canonical) > LIMITS.eventBytes
      ) {
        bad.add(i);
        issues.push({
          path: path === '' ? '(event)' : path,
          message: `event is ${Buffer.byteLength(canonical)} bytes of canonical JSON; at most ${LIMITS.eventBytes}`,
        });
      }
      const salt = salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES);
      batch.push({ event: r.value, commitment: commitCanonical(r.value, canonical, salt) });
    });
    if (issues.length > 0) {
      const what =
        inputs.length === 1
          ? 'the event is invalid'
          : `${bad.size} of ${inputs.length} events are invalid`;
      throw new VeritrailError(
        'validation_failed',
        `${what}; nothing was stored`,
        issues.slice(0, 100),
      );
    }
    for (const tenant of new Set(batch.map((b) => b.event.tenant))) {
      if (tenant === SYSTEM_TENANT)
        throw new VeritrailError(
          'forbidden',
          `the ${SYSTEM_TENANT} log is written only by Veritrail itself`,
        );
      authorize(principal, tenant, 'ingest');
    }
    return batch;
  }

  /** Appends already-valid events (the server's own audit records use this directly). */
  append(events: readonly StoredEvent[]): Promise<Appended[]> {
    const salts = randomBytes(SALT_BYTES * events.length);
    return this.commitBatch(
      events.map((event, i) => ({
        event,
        commitment: commit(event, salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES)),
      })),
    );
  }

  private async commitBatch(batch: readonly AppendInput[]): Promise<Appended[]> {
    const appended = await this.deps.commit.append(batch);
    if (this.deps.onAppended) {
      const fresh = appended.flatMap((a, i) =>
        a.duplicate ? [] : [{ event: batch[i]!.event, seq: a.seq }],
      );
      if (fresh.length > 0) this.deps.onAppended(fresh);
    }
    return appended;
  }
}
