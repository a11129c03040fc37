/**
 * Source health (docs/source-health.md, ARCHITECTURE §6): every source, one `observer.service`
 * of one tenant, has first and last seen times, a count, the last `observer.seq` and an
 * optional expected cadence. The job (source-health-job.ts) keeps them from the logs; this
 * module reads them for the API and sets the cadence. Inputs (service names, cadences) come
 * from API callers and are untrusted.
 */
import { VeritrailError } from '../core/errors.js';
import { LIMITS } from '../core/event/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { SourceHealthStore, SourceRecord } from './ports.js';
import { authorize, type Principal } from './principal.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** A cadence below a minute or above 90 days is refused: neither is a useful expectation. */
export const MIN_CADENCE_MS = 60_000;
export const MAX_CADENCE_MS = 90 * 86_400_000;

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

/** `15m`, `6h`, `1d`, `2w` as ms; errors name `field`. */
export function parseCadence(field: string, v: unknown): number {
  const m = typeof v === 'string' ? /^(\d{1,5})([mhdw])$/.exec(v) : null;
  if (!m) throw bad(field, 'must be a duration like 15m, 6h, 1d or 2w');
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms < MIN_CADENCE_MS || ms > MAX_CADENCE_MS) throw bad(field, 'must be from 1m to 90d');
  return ms;
}

/** A cadence in the largest unit that divides it exactly (`900000` → `15m`). */
export function formatCadence(ms: number): string {
  for (const [u, n] of Object.entries(UNIT_MS).reverse()) if (ms % n === 0) return `${ms / n}${u}`;
  return `${Math.round(ms / 60_000)}m`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Whether a source with a cadence has been quiet for longer than it, at `nowMs`. */
export const isSilent = (s: SourceRecord, nowMs: number): boolean =>
  s.expectedEveryMs !== null &&
  s.lastReceivedMs !== null &&
  nowMs - s.lastReceivedMs > s.expectedEveryMs;

/** The source as the API returns it. */
export function sourceView(s: SourceRecord, nowMs: number) {
  return {
    service: s.service,
    first_seen: iso(s.firstEventMs),
    last_seen: iso(s.lastEventMs),
    first_received: iso(s.firstReceivedMs),
    last_received: iso(s.lastReceivedMs),
    count: s.count,
    last_observer_seq: s.lastObserverSeq,
    expected_every: s.expectedEveryMs === null ? null : formatCadence(s.expectedEveryMs),
    status:
      s.lastReceivedMs === null
        ? 'never_seen'
        : s.expectedEveryMs === null
          ? 'unmonitored'
          : isSilent(s, nowMs)
            ? 'silent'
            : 'ok',
  };
}
export type SourceView = ReturnType<typeof sourceView>;

function parseService(v: string): string {
  if (v.length === 0 || v.length > LIMITS.idLength)
    throw bad('service', `must be 1 to ${LIMITS.idLength} characters`);
  return v;
}

export class SourceHealth {
  constructor(
    private readonly store: SourceHealthStore,
    private readonly audit: AuditTrail,
    private readonly clock: { now(): Date },
  ) {}

  async list(p: Principal, tenant: string): Promise<{ sources: SourceView[] }> {
    authorize(p, tenant, 'read');
    await this.audit.record(p, 'audit.sources', tenant, {});
    const now = this.clock.now().getTime();
    return { sources: (await this.store.list(tenant)).map((s) => sourceView(s, now)) };
  }

  /** PUT: `{expected_every: "15m" | null}` (null: stop expecting, the source is never silent). */
  async setCadence(
    p: Principal,
    tenant: string,
    service: string,
    body: unknown,
  ): Promise<SourceView> {
    const svc = parseService(service);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw bad('(body)', 'must be a JSON object {"expected_every": "15m"}');
    const o = body as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (k !== 'expected_every') throw bad(k, 'unknown field (allowed: expected_every)');
    if (!('expected_every' in o)) throw bad('expected_every', 'is required (a duration or null)');
    const every =
      o.expected_every === null ? null : parseCadence('expected_every', o.expected_every);
    authorize(p, tenant, 'admin');
    await this.store.setExpected(tenant, svc, every);
    await this.audit.record(p, 'admin.source_cadence_set', tenant, {
      service: svc,
      expected_every: every === null ? null : formatCadence(every),
    });
    const s = await this.store.get(tenant, svc);
    return sourceView(s!, this.clock.now().getTime());
  }
}
