/**
 * Retention (ARCHITECTURE §7, docs/retention.md): policies with a minimum and a maximum age per
 * tenant and scope, legal holds, and the purge. Every policy and hold change is an `admin.*`
 * event in `_system`; every purge that blanked entries is a `retention.purge` event in the
 * purged tenant's own log, so that log explains its own blank entries (ARCHITECTURE §5).
 */
import { v7 as uuidv7 } from 'uuid';
import { VeritrailError, type Issue } from '../core/errors.js';
import type { StoredEvent } from '../core/event/index.js';
import { parseQuery } from '../core/query/index.js';
import {
  findConflict,
  formatDays,
  formatRanges,
  parseDays,
  purgePlans,
  type LegalHold,
  type RetentionPolicy,
  type SeqRange,
} from '../core/retention/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { Ingest } from './ingest.js';
import type { Clock, EventStore, RetentionStore } from './ports.js';
import { authorize, principalId, type Principal } from './principal.js';

export const POLICY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MAX_REASON_LENGTH = 1000;
/** Seq runs written into one `retention.purge` event (the rest are counted, not listed). */
export const MAX_LISTED_RANGES = 64;

export function policyView(p: RetentionPolicy) {
  return {
    tenant: p.tenant,
    name: p.name,
    scope: p.scope,
    min: formatDays(p.minDays),
    max: p.maxDays === null ? null : formatDays(p.maxDays),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

export function holdView(h: LegalHold) {
  return {
    id: h.id,
    tenant: h.tenant,
    scope: h.scope,
    reason: h.reason,
    created_by: h.createdBy,
    created_at: h.createdAt,
    active: h.releasedAt === null,
    released_at: h.releasedAt,
    released_by: h.releasedBy,
    release_reason: h.releaseReason,
  };
}

/** What one policy purged (or, in a dry run, would purge) from one tenant's log. */
export interface PolicyPurge {
  readonly policy: string;
  readonly scope: string;
  /** Only events that occurred before this instant were considered. */
  readonly before: string;
  readonly count: number;
  readonly ranges: readonly SeqRange[];
}

export interface PurgeReport {
  readonly tenant: string;
  readonly dryRun: boolean;
  readonly at: string;
  readonly policies: readonly PolicyPurge[];
}

export const purgeView = (r: PurgeReport) => ({
  tenant: r.tenant,
  dry_run: r.dryRun,
  at: r.at,
  purged: r.policies.reduce((s, p) => s + p.count, 0),
  policies: r.policies.map((p) => ({
    policy: p.policy,
    scope: p.scope,
    before: p.before,
    count: p.count,
    seq_ranges: formatRanges(p.ranges),
  })),
});

const invalid = (issues: Issue[]) =>
  new VeritrailError(
    'validation_failed',
    issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues,
  );

function strictObject(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid([{ path: '(body)', message: 'must be a JSON object' }]);
  const extra = Object.keys(input).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw invalid(
      extra.map((k) => ({ path: k, message: `unknown field (allowed: ${allowed.join(', ')})` })),
    );
  return input as Record<string, unknown>;
}

function scopeOf(v: unknown, issues: Issue[]): string {
  if (v === undefined) return '';
  if (typeof v !== 'string') {
    issues.push({ path: 'scope', message: 'must be a query string ("" = the whole tenant)' });
    return '';
  }
  try {
    parseQuery(v);
  } catch (e) {
    issues.push({ path: 'scope', message: e instanceof Error ? e.message : String(e) });
  }
  return v.trim();
}

function textOf(v: unknown, path: string, issues: Issue[]): string {
  if (typeof v !== 'string' || v.trim() === '') {
    issues.push({ path, message: 'is required: a non-empty string' });
    return '';
  }
  if (v.length > MAX_REASON_LENGTH)
    issues.push({ path, message: `at most ${MAX_REASON_LENGTH} characters` });
  return v.trim();
}

/** Parses `{scope?, min?, max?}`: untrusted API or CLI input. */
export function parsePolicyInput(input: unknown, name: string) {
  const body = strictObject(input, ['scope', 'min', 'max']);
  const issues: Issue[] = [];
  if (!POLICY_NAME.test(name))
    issues.push({
      path: 'name',
      message: 'must be 1-64 of a-z 0-9 . _ - (starting with a letter or digit)',
    });
  const scope = scopeOf(body.scope, issues);
  let minDays = 0;
  if (body.min !== undefined) {
    const m = parseDays(body.min);
    if (m.ok) minDays = m.days;
    else issues.push({ path: 'min', message: m.message });
  }
  let maxDays: number | null = null;
  if (body.max !== undefined && body.max !== null) {
    const m = parseDays(body.max);
    if (m.ok) maxDays = m.days;
    else issues.push({ path: 'max', message: m.message });
  }
  if (body.min === undefined && (body.max === undefined || body.max === null))
    issues.push({ path: 'min', message: 'a policy needs a min, a max, or both' });
  if (issues.length > 0) throw invalid(issues);
  return { scope, minDays, maxDays };
}

export class Retention {
  /** Policy changes of this process one at a time: a check and its write are not interleaved. */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: RetentionStore,
    private readonly events: EventStore,
    private readonly audit: AuditTrail,
    private readonly ingest: Pick<Ingest, 'append'>,
    private readonly clock: Clock,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.changing.then(fn, fn);
    this.changing = next.catch(() => {});
    return next;
  }

  async policies(p: Principal, tenant: string): Promise<RetentionPolicy[]> {
    authorize(p, tenant, 'admin');
    return this.store.policies(tenant);
  }

  /** Creates or replaces a policy; refused (409) when a maximum would undercut a minimum. */
  async setPolicy(
    p: Principal,
    tenant: string,
    name: string,
    input: unknown,
  ): Promise<RetentionPolicy> {
    authorize(p, tenant, 'admin');
    const parsed = parsePolicyInput(input, name);
    return this.serial(async () => {
      const now = this.clock.now().toISOString();
      const current = await this.store.policies(tenant);
      const old = current.find((x) => x.name === name);
      const next: RetentionPolicy = {
        tenant,
        name,
        ...parsed,
        createdAt: old?.createdAt ?? now,
        updatedAt: now,
      };
      const conflict = findConflict([...current.filter((x) => x.name !== name), next], name);
      if (conflict)
        throw new VeritrailError('conflict', `refused: ${conflict.message}`, [
          { path: 'max', message: conflict.message },
        ]);
      await this.store.putPolicy(next);
      await this.audit.record(p, 'admin.retention_policy_set', tenant, {
        policy: name,
        scope: next.scope,
        min: formatDays(next.minDays),
        max: next.maxDays === null ? null : formatDays(next.maxDays),
        previous_min: old ? formatDays(old.minDays) : null,
        previous_max: old?.maxDays == null ? null : formatDays(old.maxDays),
        created: old === undefined,
      });
      return next;
    });
  }

  /** Deletes a policy, unless the policies left would conflict (docs/retention.md). */
  async deletePolicy(p: Principal, tenant: string, name: string): Promise<void> {
    authorize(p, tenant, 'admin');
    return this.serial(async () => {
      const current = await this.store.policies(tenant);
      const old = current.find((x) => x.name === name);
      if (!old)
        throw new VeritrailError(
          'not_found',
          `no retention policy "${name}" in tenant "${tenant}"`,
        );
      const conflict = findConflict(current.filter((x) => x.name !== name));
      if (conflict)
        throw new VeritrailError('conflict', `refused to delete "${name}": ${conflict.message}`);
      await this.store.deletePolicy(tenant, name);
      await this.audit.record(p, 'admin.retention_policy_delete', tenant, {
        policy: name,
        scope: old.scope,
        min: formatDays(old.minDays),
        max: old.maxDays === null ? null : formatDays(old.maxDays),
      });
    });
  }

  async holds(p: Principal, tenant: string): Promise<LegalHold[]> {
    authorize(p, tenant, 'admin');
    return this.store.holds(tenant);
  }

  async addHold(p: Principal, tenant: string, input: unknown): Promise<LegalHold> {
    authorize(p, tenant, 'admin');
    const body = strictObject(input, ['scope', 'reason']);
    const issues: Issue[] = [];
    const scope = scopeOf(body.scope, issues);
    const reason = textOf(body.reason, 'reason', issues);
    if (issues.length > 0) throw invalid(issues);
    const hold: LegalHold = {
      id: `lh_${uuidv7().replace(/-/g, '')}`,
      tenant,
      scope,
      reason,
      createdBy: principalId(p),
      createdAt: this.clock.now().toISOString(),
      releasedAt: null,
      releasedBy: null,
      releaseReason: null,
    };
    await this.store.addHold(hold);
    await this.audit.record(p, 'admin.legal_hold_create', tenant, {
      hold: hold.id,
      scope,
      reason,
    });
    return hold;
  }

  async releaseHold(p: Principal, id: string, input: unknown): Promise<LegalHold> {
    const body = strictObject(input, ['reason']);
    const issues: Issue[] = [];
    const reason = textOf(body.reason, 'reason', issues);
    const found = await this.store.hold(id);
    // A key of another tenant learns nothing about this hold, not even that it exists.
    if (!found || (p.kind === 'key' && p.tenant !== found.tenant))
      throw new VeritrailError('not_found', `no legal hold "${id}"`);
    authorize(p, found.tenant, 'admin');
    if (issues.length > 0) throw invalid(issues);
    if (found.releasedAt !== null)
      throw new VeritrailError(
        'conflict',
        `legal hold "${id}" was released at ${found.releasedAt}`,
      );
    const release = { at: this.clock.now().toISOString(), by: principalId(p), reason };
    if (!(await this.store.releaseHold(id, release)))
      throw new VeritrailError('conflict', `legal hold "${id}" was released meanwhile`);
    await this.audit.record(p, 'admin.legal_hold_release', found.tenant, {
      hold: id,
      scope: found.scope,
      reason,
    });
    return { ...found, releasedAt: release.at, releasedBy: release.by, releaseReason: reason };
  }

  /** Purges one tenant's log now, or (dry run) reports what would be purged. */
  async purge(
    p: Principal | undefined,
    tenant: string,
    opts: { readonly dryRun?: boolean } = {},
  ): Promise<PurgeReport> {
    if (p) authorize(p, tenant, 'admin');
    const dryRun = opts.dryRun ?? false;
    const now = this.clock.now();
    const [policies, holds] = await Promise.all([
      this.store.policies(tenant),
      this.store.holds(tenant),
    ]);
    const out: PolicyPurge[] = [];
    for (const plan of purgePlans(policies, holds, now.getTime())) {
      const r = await this.store.purge({
        tenant,
        where: plan.where,
        beforeMs: plan.beforeMs,
        dryRun,
      });
      const done: PolicyPurge = {
        policy: plan.policy.name,
        scope: plan.policy.scope,
        before: new Date(plan.beforeMs).toISOString(),
        count: r.count,
        ranges: r.ranges,
      };
      out.push(done);
      if (!dryRun && r.count > 0)
        await this.ingest.append([purgeEvent(tenant, done, actorOf(p), now.toISOString())]);
    }
    return { tenant, dryRun, at: now.toISOString(), policies: out };
  }

  /** Every log, one after the other (the leader's job). */
  async purgeAll(opts: { readonly dryRun?: boolean } = {}): Promise<PurgeReport[]> {
    const out: PurgeReport[] = [];
    for (const t of await this.events.tenants()) out.push(await this.purge(undefined, t, opts));
    return out;
  }
}

export interface PurgeActor {
  readonly id: string;
  readonly type: 'system' | 'api_key';
}

/** Who purged: the job (no principal), the admin token, or an API key. */
const actorOf = (p: Principal | undefined): PurgeActor =>
  p === undefined
    ? { id: 'retention-job', type: 'system' }
    : { id: principalId(p), type: p.kind === 'admin' ? 'system' : 'api_key' };

/** The `retention.purge` entry that explains a run's blank entries in the log itself. */
export function purgeEvent(
  tenant: string,
  r: PolicyPurge,
  actor: PurgeActor,
  at: string,
): StoredEvent {
  const listed = r.ranges.slice(0, MAX_LISTED_RANGES);
  return {
    id: uuidv7(),
    tenant,
    action: 'retention.purge',
    category: 'audit',
    outcome: 'success',
    severity: 'info',
    actor: { id: actor.id, type: actor.type },
    targets: [{ id: r.policy, type: 'retention_policy' }],
    observer: { service: 'veritrail' },
    occurred_at: at,
    received_at: at,
    metadata: {
      policy: r.policy,
      scope: r.scope.slice(0, 4096),
      before: r.before,
      count: r.count,
      first_seq: r.ranges[0]?.from ?? null,
      last_seq: r.ranges[r.ranges.length - 1]?.to ?? null,
      seq_ranges: listed.map((x) => (x.from === x.to ? String(x.from) : `${x.from}-${x.to}`)),
      ...(listed.length < r.ranges.length ? { seq_ranges_truncated: true } : {}),
    },
  };
}
