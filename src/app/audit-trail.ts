/**
 * Reading is audited (ARCHITECTURE §5): searches, reads, exports and Veritrail's own
 * administrative actions become `audit.*` events in the reserved `_system` log, so that reading
 * a tenant's log never changes that log. Reads of `_system` itself are not re-recorded.
 */
import { v7 as uuidv7 } from 'uuid';
import type { StoredEvent } from '../core/event/index.js';
import type { Ingest } from './ingest.js';
import type { Clock } from './ports.js';
import { principalId, SYSTEM_TENANT, type Principal } from './principal.js';

export type AuditAction =
  | 'audit.search'
  | 'audit.read'
  | 'audit.export'
  | 'audit.stream'
  | 'audit.entries_read'
  | 'audit.alerts'
  | 'audit.alert_read'
  | 'audit.sources'
  | 'audit.reviews'
  | 'audit.review_read'
  | 'admin.key_create'
  | 'admin.key_revoke'
  | 'admin.outbound_create'
  | 'admin.outbound_update'
  | 'admin.outbound_delete'
  | 'admin.retention_policy_set'
  | 'admin.retention_policy_delete'
  | 'admin.legal_hold_create'
  | 'admin.legal_hold_release'
  | 'admin.source_cadence_set'
  | 'admin.review_task_create'
  | 'report.generate';

export class AuditTrail {
  constructor(
    private readonly ingest: Ingest,
    private readonly clock: Clock,
  ) {}

  /** Records the action durably before the caller returns any data. */
  async record(
    principal: Principal,
    action: AuditAction,
    tenant: string,
    metadata: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    if (tenant === SYSTEM_TENANT && action.startsWith('audit.')) return;
    const now = this.clock.now().toISOString();
    const event: StoredEvent = {
      id: uuidv7(),
      tenant: SYSTEM_TENANT,
      action,
      category: action.startsWith('admin.') ? 'admin' : 'audit',
      outcome: 'success',
      severity: 'info',
      actor: {
        id: principalId(principal),
        type: principal.kind === 'admin' ? 'system' : 'api_key',
      },
      targets: [{ id: tenant, type: 'log' }],
      observer: { service: 'veritrail' },
      occurred_at: now,
      received_at: now,
      metadata,
    };
    await this.ingest.append([event]);
  }
}
