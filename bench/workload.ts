/** Realistic event bodies (~640 bytes serialized) for benchmarks. Deterministic. */
import type { EventInput } from '../src/core/event/index.js';

const ACTIONS = [
  'user.login',
  'user.logout',
  'invoice.read',
  'invoice.update',
  'invoice.delete',
  'report.export',
  'role.grant',
  'api_key.create',
  'customer.read',
  'customer.update',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'curl/8.5.0',
  'python-requests/2.32.3',
];

export const USERS = 1000;
export const T0 = Date.UTC(2026, 0, 1);
/** Events are spread over 90 days. */
export const SPAN_MS = 90 * 24 * 3600 * 1000;

export function benchEvent(i: number, total: number, tenant = 'bench'): EventInput {
  const user = `user-${(i * 7919) % USERS}`;
  return {
    tenant,
    action: ACTIONS[i % ACTIONS.length]!,
    category: 'data',
    outcome: i % 17 === 0 ? 'failure' : 'success',
    severity: 'info',
    actor: {
      id: user,
      type: 'user',
      name: `User ${user}`,
      roles: ['member'],
      session_id: `sess-${(i * 31) % 100000}`,
    },
    targets: [{ id: `inv-${i % 50000}`, type: 'invoice', data_class: ['financial'] }],
    source: {
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      user_agent: AGENTS[i % AGENTS.length]!,
    },
    observer: {
      service: 'billing-api',
      version: '4.2.1',
      host: `web-${i % 8}`,
      environment: 'production',
      seq: i,
    },
    correlation: {
      request_id: `req-${i.toString(36)}`,
      trace_id: `4bf92f3577b34da6a3ce929d0e0e${(i % 65536).toString(16).padStart(4, '0')}`,
    },
    occurred_at: new Date(T0 + Math.floor((i / total) * SPAN_MS)).toISOString(),
    metadata: { plan: 'enterprise', region: 'eu-west-1' },
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** The search shapes measured over HTTP (query strings of GET /v1/events), by name. */
export const SEARCH_QUERIES: Readonly<Record<string, (i: number) => string>> = {
  'actor.id': (i) => `q=actor.id:user-${(i * 13) % USERS}`,
  action: (i) => `q=action:invoice.${['read', 'update', 'delete'][i % 3]}`,
  'time range (1 day)': (i) =>
    `since=${new Date(T0 + ((i * 7) % 89) * DAY_MS).toISOString()}&until=${new Date(T0 + (((i * 7) % 89) + 1) * DAY_MS).toISOString()}`,
  'actor + action + range': (i) =>
    `q=actor.id:user-${(i * 13) % USERS} action:invoice.*&since=${new Date(T0).toISOString()}&until=${new Date(T0 + SPAN_MS).toISOString()}`,
};
