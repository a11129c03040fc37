/** Rows of retention_policies and legal_holds, shared by the SQLite and PostgreSQL adapters. */
import type { LegalHold, RetentionPolicy } from '../app/ports.js';

export const POLICY_COLS = 'tenant, name, scope, min_days, max_days, created_at, updated_at';
export const HOLD_COLS =
  'id, tenant, scope, reason, created_by, created_at, released_at, released_by, release_reason';

export interface PolicyRow {
  tenant: string;
  name: string;
  scope: string;
  min_days: number;
  max_days: number | null;
  created_at: string;
  updated_at: string;
}

export interface HoldRow {
  id: string;
  tenant: string;
  scope: string;
  reason: string;
  created_by: string;
  created_at: string;
  released_at: string | null;
  released_by: string | null;
  release_reason: string | null;
}

export const toPolicy = (r: PolicyRow): RetentionPolicy => ({
  tenant: r.tenant,
  name: r.name,
  scope: r.scope,
  minDays: Number(r.min_days),
  maxDays: r.max_days === null ? null : Number(r.max_days),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const policyValues = (p: RetentionPolicy): unknown[] => [
  p.tenant,
  p.name,
  p.scope,
  p.minDays,
  p.maxDays,
  p.createdAt,
  p.updatedAt,
];

export const toHold = (r: HoldRow): LegalHold => ({
  id: r.id,
  tenant: r.tenant,
  scope: r.scope,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
  releasedAt: r.released_at,
  releasedBy: r.released_by,
  releaseReason: r.release_reason,
});

export const holdValues = (h: LegalHold): unknown[] => [
  h.id,
  h.tenant,
  h.scope,
  h.reason,
  h.createdBy,
  h.createdAt,
  h.releasedAt,
  h.releasedBy,
  h.releaseReason,
];
