/**
 * One parsed pgaudit record and what the log line around it says → an event
 * (docs/sources/pgaudit.md#mapping). Shared by the csvlog, jsonlog and stderr readers.
 */
import { sha256 } from '../crypto.js';
import type { EventInput } from '../event/schema.js';
import { LIMITS } from '../event/limits.js';
import { commandSegment, type AuditFields } from './pgaudit-message.js';
import {
  asId,
  clip,
  finalise,
  type ImportOptions,
  type ImportResult,
  type Located,
  type Obj,
} from './types.js';

type Category = NonNullable<EventInput['category']>;

/** Everything known about one AUDIT record besides its fields. */
export interface Context {
  id: string;
  user?: string | undefined;
  database?: string | undefined;
  time?: string | undefined;
  timeText?: string | undefined;
  ip?: string | undefined;
  sessionId?: string | undefined;
  requestId?: string | undefined;
  level: string;
  application?: string | undefined;
  pid?: string | undefined;
}

/**
 * Ids from a hash of the record text, numbered when the same text comes again in one file
 * (e.g. a psql transcript without times), so importing the same file twice gives the same ids.
 */
export class Occurrences {
  private readonly seen = new Map<string, number>();
  id(text: string): string {
    const h = sha256(text).toString('hex').slice(0, 32);
    const n = (this.seen.get(h) ?? 0) + 1;
    this.seen.set(h, n);
    return n === 1 ? `pg:${h}` : `pg:${h}:${n}`;
  }
}

/** A schema id from a name that may hold spaces (quoted identifiers): those become `_`. */
const idOf = (s: string): string | undefined =>
  asId(s) ?? (s.replace(/[^\x21-\x7e]/g, '_').slice(0, LIMITS.idLength) || undefined);

export function categoryOf(auditClass: string): Category {
  switch (auditClass) {
    case 'READ':
    case 'WRITE':
      return 'data';
    case 'ROLE':
      return 'access_control';
    case 'DDL':
      return 'change';
    case 'MISC_SET':
      return 'configuration';
    default:
      return 'other';
  }
}

export function mapAudit(
  a: AuditFields,
  ctx: Context,
  raw: Obj,
  at: Located,
  opts: ImportOptions,
  out: ImportResult,
): void {
  const user = ctx.user ? idOf(ctx.user) : undefined;
  const metadata: Obj = {
    audit_type: a.auditType,
    statement_id: a.statementId,
    substatement_id: a.substatementId,
    class: a.auditClass,
    command: a.command,
    statement: clip(a.statement, 2048),
    parameter: clip(a.parameter, 512),
    log_level: clip(ctx.level, 32),
  };
  if (a.rows !== undefined) metadata.rows = clip(a.rows, 64);
  if (a.objectType) metadata.object_type = clip(a.objectType, 64);
  if (ctx.database) metadata.database = clip(ctx.database, 256);
  if (ctx.application) metadata.application_name = clip(ctx.application, 256);
  if (ctx.pid) metadata.process_id = clip(ctx.pid, 32);
  if (!ctx.time && ctx.timeText) metadata.log_time = clip(ctx.timeText, 64);
  if (Buffer.byteLength(JSON.stringify(metadata)) > LIMITS.metadataBytes / 2) {
    // Escaped control characters can blow the statement up; `raw` keeps it whole.
    delete metadata.statement;
    delete metadata.parameter;
  }
  const event: EventInput = {
    id: ctx.id,
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action: `pg.${commandSegment(a.auditClass)}.${commandSegment(a.command)}`,
    category: categoryOf(a.auditClass),
    // pgaudit logs a statement when it runs; a later ERROR of the same statement is its own
    // log line and is not joined to it (docs/sources/pgaudit.md).
    outcome: 'success',
    actor: {
      id: user ?? 'unknown',
      ...(user ? { type: 'user' as const } : {}),
      ...(user && user !== ctx.user ? { name: clip(ctx.user!) } : {}),
      ...(ctx.sessionId ? { session_id: ctx.sessionId } : {}),
    },
    observer: { service: 'postgresql' },
    metadata,
    raw,
  };
  if (ctx.time) event.occurred_at = ctx.time;
  if (ctx.ip) event.source = { ip: ctx.ip };
  if (ctx.requestId) {
    const requestId = asId(ctx.requestId);
    if (requestId) event.correlation = { request_id: requestId };
  }
  if (a.objectName) {
    const id = idOf(a.objectName);
    const type = a.objectType ? commandSegment(a.objectType) : undefined;
    if (id)
      event.targets = [
        {
          id,
          ...(type ? { type } : {}),
          ...(id !== a.objectName ? { name: clip(a.objectName) } : {}),
        },
      ];
  }
  finalise(event, at, out);
}
