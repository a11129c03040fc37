/**
 * Demo events for `veritrail serve --demo`: a small company's week of audit activity (logins,
 * failures, a brute-force burst, privileged changes, deletions), deterministic for a given seed.
 */
import type { EventInput } from '../core/event/index.js';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const ADMINS = new Set(['alice', 'erin']);
const IPS = [
  '10.0.1.15',
  '10.0.1.22',
  '192.168.7.4',
  '203.0.113.9',
  '2001:db8::17',
  '198.51.100.23',
];
const AGENTS = [
  'Mozilla/5.0 (Macintosh)',
  'Mozilla/5.0 (Windows NT 10.0)',
  'curl/8.5.0',
  'terraform/1.9',
];

/** Mulberry32: a tiny deterministic PRNG so demo data is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) % 4294967296;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoEvents(count: number, endMs: number, seed = 7): EventInput[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: EventInput[] = [];
  const span = 7 * 24 * 3600 * 1000;
  // Each service numbers its own events (observer.seq): a gap would be a lost event.
  const seqs = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const user = pick(USERS);
    const service = pick(['billing-api', 'identity', 'reports']);
    const seq = seqs.get(service) ?? 0;
    seqs.set(service, seq + 1);
    const at = new Date(endMs - span + Math.floor((i / count) * span)).toISOString();
    const base = {
      tenant: 'demo',
      actor: {
        id: user,
        type: 'user' as const,
        name: user[0]!.toUpperCase() + user.slice(1),
        privileged: ADMINS.has(user),
        roles: ADMINS.has(user) ? ['admin'] : ['member'],
      },
      source: { ip: pick(IPS), user_agent: pick(AGENTS) },
      observer: {
        service,
        environment: 'production',
        seq,
      },
      correlation: { request_id: `req-${(i * 7919).toString(36)}` },
      occurred_at: at,
    };
    const r = rnd();
    if (r < 0.45) {
      const ok = rnd() > 0.15;
      out.push({
        ...base,
        action: 'user.login',
        category: 'authentication',
        outcome: ok ? 'success' : 'failure',
        ...(ok ? {} : { reason: 'bad password' }),
        severity: ok ? 'info' : 'low',
      });
    } else if (r < 0.75) {
      out.push({
        ...base,
        action: 'invoice.read',
        category: 'data',
        outcome: 'success',
        targets: [
          {
            id: `inv-${1000 + Math.floor(rnd() * 500)}`,
            type: 'invoice',
            data_class: ['financial', 'pii'],
          },
        ],
      });
    } else if (r < 0.88) {
      const id = `inv-${1000 + Math.floor(rnd() * 500)}`;
      out.push({
        ...base,
        action: 'invoice.update',
        category: 'change',
        outcome: 'success',
        targets: [
          {
            id,
            type: 'invoice',
            data_class: ['financial'],
            changes: [
              {
                field: 'amount',
                before: Math.floor(rnd() * 900) + 100,
                after: Math.floor(rnd() * 900) + 100,
              },
            ],
          },
        ],
      });
    } else if (r < 0.94) {
      out.push({
        ...base,
        action: 'invoice.delete',
        category: 'data',
        outcome: 'success',
        severity: 'medium',
        targets: [
          {
            id: `inv-${1000 + Math.floor(rnd() * 500)}`,
            type: 'invoice',
            data_class: ['financial'],
          },
        ],
      });
    } else if (r < 0.98) {
      const target = pick(USERS);
      out.push({
        ...base,
        action: 'role.grant',
        category: 'access_control',
        outcome: ADMINS.has(user) ? 'success' : 'failure',
        severity: 'high',
        targets: [
          {
            id: target,
            type: 'user',
            changes: [{ field: 'roles', before: ['member'], after: ['member', 'admin'] }],
          },
        ],
      });
    } else {
      out.push({
        ...base,
        action: 'mfa.disable',
        category: 'account',
        outcome: 'success',
        severity: 'critical',
        targets: [{ id: user, type: 'user' }],
      });
    }
  }
  // A brute-force burst against one account from one address, near the end of the week.
  for (let i = 0; i < 25; i++) {
    out.push({
      tenant: 'demo',
      action: 'user.login',
      category: 'authentication',
      outcome: 'failure',
      reason: 'bad password',
      severity: 'low',
      actor: { id: 'carol', type: 'user' },
      source: { ip: '203.0.113.66', user_agent: 'python-requests/2.32' },
      observer: { service: 'identity', environment: 'production' },
      occurred_at: new Date(endMs - 3600_000 + i * 2000).toISOString(),
    });
  }
  return out;
}
