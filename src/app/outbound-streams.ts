/**
 * Outbound stream administration (docs/outbound.md): create, list, change, delete, status and
 * dead letters. Every change is an `admin.outbound_*` event in `_system`; secrets never leave
 * (views carry `secret_set`) and never enter the audit trail.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { VeritrailError } from '../core/errors.js';
import {
  parseStreamCreate,
  parseStreamPatch,
  publicDestination,
  type DestinationConfig,
} from '../core/outbound/config.js';
import { compileMatcher, parseQuery } from '../core/query/index.js';
import type { AuditTrail } from './audit-trail.js';
import type {
  Clock,
  DeadLetter,
  EventStore,
  OutboundStore,
  OutboundStreamRecord,
} from './ports.js';
import { authorize, type Principal } from './principal.js';

export interface StreamStatus {
  readonly cursor: number;
  readonly log_size: number;
  readonly lag: number;
  readonly delivered: number;
  readonly failures: number;
  readonly last_error: string | null;
  readonly last_attempt_at: string | null;
  readonly dead_letters: number;
}

export function streamView(s: OutboundStreamRecord, status?: StreamStatus) {
  return {
    id: s.id,
    tenant: s.tenant,
    name: s.name,
    q: s.q,
    enabled: s.enabled,
    destination: publicDestination(s.destination),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    ...(status ? { status } : {}),
  };
}

export const deadLetterView = (d: DeadLetter) => ({
  from_seq: d.fromSeq,
  to_seq: d.toSeq,
  error: d.error,
  at: d.at,
});

function invalidConfig(issues: readonly { path: string; message: string }[]): VeritrailError {
  return new VeritrailError(
    'validation_failed',
    `invalid outbound stream: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    issues,
  );
}

/** The query must parse now, not fail in the background later. */
function checkQuery(q: string): void {
  try {
    compileMatcher(parseQuery(q));
  } catch (e) {
    if (e instanceof VeritrailError) throw e;
    throw invalidConfig([{ path: 'q', message: String(e) }]);
  }
}

/** What the audit trail says of a destination: where it goes, never its secret. */
function auditOf(d: DestinationConfig): string {
  switch (d.type) {
    case 'webhook':
    case 'splunk_hec':
      return `${d.type} ${new URL(d.url).origin}`;
    case 'syslog':
      return `syslog ${d.host}:${d.port}`;
    case 'file':
      return `file ${d.path}`;
    case 'slack':
      return `slack ${new URL(d.url).origin}`;
    case 'email':
      return `email ${d.host} to ${d.to.length} recipient(s)`;
  }
}

/**
 * A file destination writes only under the outbound folder: untrusted API input must not
 * name /etc/passwd or a path with `..` that climbs out of it.
 */
export function checkFilePath(d: DestinationConfig, base: string | undefined): void {
  if (d.type !== 'file') return;
  const bad = (message: string) => invalidConfig([{ path: 'destination.path', message }]);
  if (base === undefined) throw bad('file destinations are not available on this server');
  if (!isAbsolute(d.path)) throw bad('must be an absolute path');
  const rel = relative(resolve(base), resolve(d.path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || resolve(d.path) !== d.path)
    throw bad(`must be a normalised path inside ${resolve(base)}`);
}

export class OutboundStreams {
  constructor(
    private readonly store: OutboundStore,
    private readonly events: EventStore,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    /** Nudges the delivery job after a change (no-op where none runs). */
    private readonly changed: () => void = () => {},
    /** Where file destinations may write (VERITRAIL_OUTBOUND_DIR). */
    private readonly fileBase?: string,
  ) {}

  async create(p: Principal, input: unknown): Promise<OutboundStreamRecord> {
    const r = parseStreamCreate(input);
    if (!r.ok) throw invalidConfig(r.error);
    const c = r.value;
    authorize(p, c.tenant, 'admin');
    checkQuery(c.q);
    checkFilePath(c.destination, this.fileBase);
    const now = this.clock.now().toISOString();
    const rec: OutboundStreamRecord = {
      id: `os_${uuidv7().replace(/-/g, '')}`,
      tenant: c.tenant,
      name: c.name,
      q: c.q,
      enabled: c.enabled,
      destination: c.destination,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const after = c.after ?? (await this.events.size(c.tenant)) - 1;
    await this.store.create(rec, {
      afterSeq: after,
      delivered: 0,
      lastError: null,
      lastAttemptAt: null,
      failures: 0,
    });
    await this.audit.record(p, 'admin.outbound_create', rec.tenant, {
      stream_id: rec.id,
      name: rec.name,
      q: rec.q,
      destination: auditOf(rec.destination),
      after,
    });
    this.changed();
    return rec;
  }

  /** One tenant's streams; every tenant's for the admin token when none is named. */
  async list(p: Principal, tenant?: string): Promise<OutboundStreamRecord[]> {
    const t = tenant ?? (p.kind === 'key' ? p.tenant : undefined);
    if (t !== undefined) authorize(p, t, 'admin');
    return this.store.list(t);
  }

  /** A live stream the principal administers, or not_found (deleted ones included). */
  async get(p: Principal, id: string): Promise<OutboundStreamRecord> {
    const s = await this.store.get(id);
    if (!s || s.deletedAt !== null)
      throw new VeritrailError('not_found', `no outbound stream with id ${id}`);
    authorize(p, s.tenant, 'admin');
    return s;
  }

  async status(s: OutboundStreamRecord): Promise<StreamStatus> {
    const [cursor, size, dead] = await Promise.all([
      this.store.cursor(s.id),
      this.events.size(s.tenant),
      this.store.deadLetterCount(s.id),
    ]);
    const after = cursor?.afterSeq ?? -1;
    return {
      cursor: after,
      log_size: size,
      lag: Math.max(0, size - 1 - after),
      delivered: cursor?.delivered ?? 0,
      failures: cursor?.failures ?? 0,
      last_error: cursor?.lastError ?? null,
      last_attempt_at: cursor?.lastAttemptAt ?? null,
      dead_letters: dead,
    };
  }

  async update(p: Principal, id: string, input: unknown): Promise<OutboundStreamRecord> {
    const s = await this.get(p, id);
    const r = parseStreamPatch(input);
    if (!r.ok) throw invalidConfig(r.error);
    const patch = r.value;
    if (patch.q !== undefined) checkQuery(patch.q);
    if (patch.destination !== undefined) checkFilePath(patch.destination, this.fileBase);
    const updatedAt = this.clock.now().toISOString();
    await this.store.update(id, {
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
      ...(patch.q === undefined ? {} : { q: patch.q }),
      ...(patch.destination === undefined ? {} : { destination: patch.destination }),
      updatedAt,
    });
    await this.audit.record(p, 'admin.outbound_update', s.tenant, {
      stream_id: id,
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
      ...(patch.q === undefined ? {} : { q: patch.q }),
      ...(patch.destination === undefined ? {} : { destination: auditOf(patch.destination) }),
    });
    this.changed();
    return this.get(p, id);
  }

  async delete(p: Principal, id: string): Promise<void> {
    const s = await this.get(p, id);
    await this.store.delete(id, this.clock.now().toISOString());
    await this.audit.record(p, 'admin.outbound_delete', s.tenant, { stream_id: id });
    this.changed();
  }

  async deadLetters(p: Principal, id: string, limit: number): Promise<DeadLetter[]> {
    await this.get(p, id);
    return this.store.deadLetters(id, limit);
  }
}
