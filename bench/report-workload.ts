/**
 * A deterministic tenant log for compliance reports: three sources over a period, with a known
 * number of privileged actions, failed accesses, credential and role changes, changes and reads
 * of cardholder data, and one source silent for a run of days. `expected` is counted from the
 * schedule, not by running any query, so a report can be checked against it.
 */
import type { StoredEvent } from '../src/core/event/index.js';

const DAY = 86_400_000;

export type EventKind =
  | 'login_ok'
  | 'login_fail'
  | 'denied'
  | 'admin_action'
  | 'privileged_flag'
  | 'role_grant'
  | 'password_change'
  | 'change'
  | 'pci_read';

export interface ReportDatasetOptions {
  readonly tenant: string;
  readonly fromMs: number;
  readonly days: number;
  /** Routine logins per source per day. */
  readonly basePerSourceDay: number;
  /** Days (0-based) on which the `billing` source sends nothing. */
  readonly silent: { readonly from: number; readonly to: number };
}

export interface ReportExpectation {
  readonly events: number;
  readonly privileged: number;
  readonly failed: number;
  readonly credential: number;
  readonly changes: number;
  readonly sensitive: number;
  readonly perSource: Readonly<Record<string, number>>;
}

/** The kinds each source sends on day d, in order. */
function schedule(o: ReportDatasetOptions, d: number): [string, EventKind][] {
  const out: [string, EventKind][] = [];
  const add = (source: string, kind: EventKind, n: number) => {
    for (let i = 0; i < n; i++) out.push([source, kind]);
  };
  add('web', 'login_ok', o.basePerSourceDay);
  add('web', 'login_fail', 2);
  add('web', 'denied', d % 2 === 0 ? 1 : 0);
  add('api', 'login_ok', o.basePerSourceDay);
  add('api', 'admin_action', 1);
  add('api', 'privileged_flag', d % 3 === 0 ? 1 : 0);
  if (d < o.silent.from || d > o.silent.to) {
    add('billing', 'login_ok', o.basePerSourceDay);
    add('billing', 'role_grant', d % 5 === 0 ? 1 : 0);
    add('billing', 'password_change', d % 7 === 0 ? 1 : 0);
    add('billing', 'change', d % 10 === 0 ? 1 : 0);
    add('billing', 'pci_read', 1);
  }
  // Interleave the sources over the day (a stable, deterministic shuffle).
  return out
    .map((x, i) => ({ x, k: (i * 2654435761) % 4294967296 }))
    .sort((a, b) => a.k - b.k)
    .map((y) => y.x);
}

export function expectedCounts(o: ReportDatasetOptions): ReportExpectation {
  const n: Record<EventKind, number> = {
    login_ok: 0,
    login_fail: 0,
    denied: 0,
    admin_action: 0,
    privileged_flag: 0,
    role_grant: 0,
    password_change: 0,
    change: 0,
    pci_read: 0,
  };
  const perSource: Record<string, number> = {};
  let events = 0;
  for (let d = 0; d < o.days; d++)
    for (const [source, kind] of schedule(o, d)) {
      n[kind]++;
      perSource[source] = (perSource[source] ?? 0) + 1;
      events++;
    }
  return {
    events,
    privileged: n.admin_action + n.privileged_flag,
    failed: n.login_fail + n.denied,
    credential: n.role_grant + n.password_change,
    changes: n.change,
    sensitive: n.pci_read,
    perSource,
  };
}

function eventOf(
  kind: EventKind,
  base: Pick<StoredEvent, 'id' | 'tenant' | 'occurred_at' | 'received_at'> & { service: string },
  j: number,
): StoredEvent {
  const user = `user-${j % 97}`;
  const common = {
    id: base.id,
    tenant: base.tenant,
    occurred_at: base.occurred_at,
    received_at: base.received_at,
    severity: 'info' as const,
    observer: { service: base.service, host: `${base.service}-${j % 3}` },
    source: { ip: `10.0.${j % 250}.${(j * 7) % 250}` },
  };
  const actor = { id: user, type: 'user' as const, name: `User ${j % 97}` };
  switch (kind) {
    case 'login_ok':
      return {
        ...common,
        action: 'user.login',
        category: 'authentication',
        outcome: 'success',
        actor,
      };
    case 'login_fail':
      return {
        ...common,
        action: 'user.login',
        category: 'authentication',
        outcome: 'failure',
        reason: 'bad password',
        actor,
      };
    case 'denied':
      return {
        ...common,
        action: 'document.read',
        category: 'access_control',
        outcome: 'failure',
        actor,
        targets: [{ id: `doc-${j}`, type: 'document' }],
      };
    case 'admin_action':
      return {
        ...common,
        action: 'user.export',
        category: 'data',
        outcome: 'success',
        actor: { ...actor, roles: ['admin'] },
        targets: [{ id: 'users', type: 'table' }],
      };
    case 'privileged_flag':
      return {
        ...common,
        action: 'server.restart',
        category: 'other',
        outcome: 'success',
        actor: { id: 'ops-bot', type: 'service', privileged: true },
      };
    case 'role_grant':
      return {
        ...common,
        action: 'user.role_granted',
        category: 'account',
        outcome: 'success',
        actor,
        targets: [
          { id: `user-${j + 1}`, type: 'user', changes: [{ field: 'roles', after: ['billing'] }] },
        ],
      };
    case 'password_change':
      return {
        ...common,
        action: 'user.password_change',
        category: 'authentication',
        outcome: 'success',
        actor,
      };
    case 'change':
      return {
        ...common,
        action: 'deployment.create',
        category: 'change',
        outcome: 'success',
        actor,
        correlation: { change_id: `CHG-${j}` },
      };
    case 'pci_read':
      return {
        ...common,
        action: 'card.read',
        category: 'data',
        outcome: 'success',
        actor,
        targets: [{ id: `card-${j}`, type: 'card', data_class: ['pci'] }],
      };
  }
}

/** The events in occurred_at order (the order to append them in). */
export function* reportDataset(o: ReportDatasetOptions): Generator<StoredEvent> {
  let n = 0;
  for (let d = 0; d < o.days; d++) {
    const kinds = schedule(o, d);
    const dayStart = o.fromMs + d * DAY;
    for (let j = 0; j < kinds.length; j++) {
      const [service, kind] = kinds[j]!;
      const occurred = dayStart + Math.floor((j * DAY) / kinds.length);
      n++;
      yield eventOf(
        kind,
        {
          id: `ev-${d}-${j}`,
          tenant: o.tenant,
          occurred_at: new Date(occurred).toISOString(),
          // 50 ms to ~1 s in transit; every 1000th event arrives stamped 2 s ahead of the server.
          received_at: new Date(
            occurred + (n % 1000 === 0 ? -2000 : 50 + (n % 20) * 50),
          ).toISOString(),
          service,
        },
        n,
      );
    }
  }
}
