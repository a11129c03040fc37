/**
 * The event stream of the detection benchmark (bench/detect.ts), deterministic:
 *  - imported events: real CloudTrail and Kubernetes audit records (../shared/samples), varied
 *    (user, source address, time, record id) and mapped by Veritrail's importers, with `raw`;
 *  - native events of 1,000 accounts: sign-ins (some failing, with countries), reads and
 *    exports of classed data, updates, deletions, administrative actions;
 *  - now and then an attack the built-in pack should see: a brute force then a success, a
 *    password spray, a mass deletion.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseEvent, type EventInput, type StoredEvent } from '../src/core/event/index.js';
import { importCloudTrail, importK8sAudit, type Importer } from '../src/core/import/index.js';

type Obj = Record<string, unknown>;

export const ACTORS = 1000;
/**
 * Monday 2 November 2026, 06:30 UTC; events are 40 ms apart in event time (200,000 events span
 * 2 h 13 min, across the start of the built-in pack's business hours).
 */
const T0 = Date.UTC(2026, 10, 2, 6, 30);
const STEP_MS = 40;
/** Distinct imported records kept (each shared by many events, as `raw` is never changed). */
const VARIANTS = 2000;
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'NL', 'BR', 'IN', 'JP'];
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0';

/** Small seeded generator (mulberry32): the same stream on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function records(dir: string): Obj[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const text = readFileSync(join(dir, f), 'utf8').trim();
      const v = JSON.parse(text) as unknown;
      const list = Array.isArray(v) ? v : ((v as Obj).Records ?? [v]);
      return list as Obj[];
    });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One varied copy of a CloudTrail record: another user, address, time and event id. */
function varyCloudTrail(r: Obj, n: number, rand: () => number, at: number): Obj {
  const c = structuredClone(r);
  const user = `bench-user-${n % ACTORS}`;
  const ui = c.userIdentity as Obj | undefined;
  if (ui !== undefined) {
    if (typeof ui.userName === 'string') ui.userName = user;
    if (typeof ui.arn === 'string') ui.arn = ui.arn.replace(/[^/]+$/, user);
  }
  c.sourceIPAddress = `198.18.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`;
  c.eventTime = iso(at).replace(/\.\d{3}Z$/, 'Z');
  c.eventID = `bench-ct-${n}`;
  return c;
}

/** One varied copy of a Kubernetes audit event. */
function varyK8s(r: Obj, n: number, rand: () => number, at: number): Obj {
  const c = structuredClone(r);
  const u = c.user as Obj | undefined;
  if (u !== undefined && typeof u.username === 'string' && !u.username.startsWith('system:'))
    u.username = `bench-user-${n % ACTORS}@example.com`;
  c.sourceIPs = [`10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.7`];
  c.stageTimestamp = iso(at);
  c.requestReceivedTimestamp = iso(at);
  c.auditID = `bench-k8s-${n}`;
  return c;
}

function importedPool(
  samples: string,
  rand: () => number,
): { cloudtrail: StoredEvent[]; k8s: StoredEvent[] } {
  const build = (
    base: Obj[],
    vary: typeof varyCloudTrail,
    importer: Importer,
    asText: (r: Obj) => string,
  ): StoredEvent[] => {
    if (base.length === 0) return [];
    const out: StoredEvent[] = [];
    for (let n = 0; n < VARIANTS; n++) {
      const at = T0 + n * 1000;
      const { events } = importer(asText(vary(base[n % base.length]!, n, rand, at)), {});
      for (const e of events) out.push(stored(e, at));
    }
    return out;
  };
  return {
    cloudtrail: build(records(join(samples, 'cloudtrail')), varyCloudTrail, importCloudTrail, (r) =>
      JSON.stringify({ Records: [r] }),
    ),
    k8s: build(records(join(samples, 'k8s-audit')), varyK8s, importK8sAudit, (r) =>
      JSON.stringify(r),
    ),
  };
}

function stored(e: EventInput, at: number): StoredEvent {
  const r = normaliseEvent(e, {
    defaultTenant: 'bench',
    receivedAt: iso(at + 250),
    newId: () => 'pending',
  });
  if (!r.ok) throw new Error(`bench event refused: ${JSON.stringify(r.error)}`);
  return r.value;
}

interface Account {
  readonly id: string;
  readonly country: string;
  readonly ip: string;
  readonly admin: boolean;
}

const accounts: readonly Account[] = Array.from({ length: ACTORS }, (_, i) => ({
  id: `user-${String(i).padStart(4, '0')}`,
  country: COUNTRIES[i % COUNTRIES.length]!,
  ip: `100.64.${Math.floor(i / 250)}.${i % 250}`,
  admin: i % 20 === 0,
}));

/** One ordinary native event of account `a`. */
function nativeEvent(a: Account, rand: () => number): EventInput {
  const actor = {
    id: a.id,
    type: 'user' as const,
    ...(a.admin ? { privileged: true, roles: ['org_admin'] } : { roles: ['member'] }),
  };
  const source = { ip: a.ip, user_agent: AGENT, geo: { country: a.country } };
  const r = rand();
  if (r < 0.3) {
    const ok = rand() > 0.06;
    return {
      action: 'user.login',
      category: 'authentication',
      outcome: ok ? 'success' : 'failure',
      actor,
      source,
      ...(ok ? {} : { reason: 'invalid password' }),
    };
  }
  const record = `cust-${Math.floor(rand() * 100_000)}`;
  if (r < 0.6) {
    const classed = rand() < 0.4;
    return {
      action: 'customer.read',
      category: 'data',
      outcome: 'success',
      actor,
      source,
      targets: [{ id: record, type: 'customer', ...(classed ? { data_class: ['pii'] } : {}) }],
    };
  }
  if (r < 0.68)
    return {
      action: 'report.export',
      category: 'data',
      outcome: 'success',
      actor,
      source,
      targets: [{ id: `rep-${record}`, type: 'report', data_class: ['pii', 'financial'] }],
      metadata: { rows: Math.floor(rand() * 5000), format: 'csv' },
    };
  if (r < 0.85)
    return {
      action: 'invoice.update',
      category: 'change',
      outcome: 'success',
      actor,
      source,
      targets: [
        { id: `inv-${record}`, type: 'invoice', changes: [{ field: 'status', after: 'paid' }] },
      ],
    };
  if (r < 0.93)
    return {
      action: 'invoice.delete',
      category: 'change',
      outcome: rand() < 0.05 ? 'failure' : 'success',
      actor,
      source,
      targets: [{ id: `inv-${record}`, type: 'invoice' }],
    };
  if (r < 0.97)
    return { action: 'user.logout', category: 'authentication', outcome: 'success', actor, source };
  return {
    action: a.admin ? 'settings.update' : 'profile.update',
    category: 'configuration',
    outcome: 'success',
    actor,
    source,
    targets: [{ id: a.admin ? 'sso' : a.id, type: a.admin ? 'setting' : 'user' }],
  };
}

/** An attack of the pack's kinds, as a run of native events. */
function attack(k: number): EventInput[] {
  const victim = accounts[(k * 37) % ACTORS]!;
  const from = `203.0.113.${k % 250}`;
  const login = (id: string, outcome: 'success' | 'failure'): EventInput => ({
    action: 'user.login',
    category: 'authentication',
    outcome,
    actor: { id, type: 'user' },
    source: { ip: from, user_agent: 'python-requests/2.32.3', geo: { country: 'RU' } },
  });
  switch (k % 3) {
    case 0:
      return [
        ...Array.from({ length: 12 }, () => login(victim.id, 'failure')),
        login(victim.id, 'success'),
      ];
    case 1:
      return Array.from({ length: 12 }, (_, i) =>
        login(accounts[(k + i * 71) % ACTORS]!.id, 'failure'),
      );
    default:
      return Array.from({ length: 60 }, (_, i) => ({
        action: 'document.delete',
        category: 'change' as const,
        outcome: 'success' as const,
        actor: { id: victim.id, type: 'user' as const },
        targets: [{ id: `doc-${k}-${i}`, type: 'document' }],
      }));
  }
}

export interface Stream {
  readonly events: StoredEvent[];
  /** Events per kind: cloudtrail, k8s, native, attack. */
  readonly mix: Readonly<Record<string, number>>;
}

/**
 * `n` events: 25 % CloudTrail, 15 % Kubernetes (when the samples exist), the rest native,
 * with an attack every 20,000 events. Each event has its own id and a later time.
 */
export function detectStream(n: number, samples: string): Stream {
  const rand = rng(20261126);
  const pool = importedPool(samples, rand);
  const mix = { cloudtrail: 0, k8s: 0, native: 0, attack: 0 };
  const events: StoredEvent[] = [];
  let pending: EventInput[] = [];
  for (let i = 0; events.length < n; i++) {
    const at = T0 + events.length * STEP_MS;
    const id = `0193b000-0000-7000-8000-${String(events.length).padStart(12, '0')}`;
    const time = { id, occurred_at: iso(at), received_at: iso(at + 250) };
    if (pending.length === 0 && i > 0 && i % 20_000 === 0) pending = attack(i / 20_000);
    const next = pending.shift();
    if (next !== undefined) {
      events.push({ ...stored(next, at), ...time });
      mix.attack++;
      continue;
    }
    const r = rand();
    const imported =
      r < 0.25 && pool.cloudtrail.length > 0
        ? { list: pool.cloudtrail, kind: 'cloudtrail' as const }
        : r < 0.4 && pool.k8s.length > 0
          ? { list: pool.k8s, kind: 'k8s' as const }
          : null;
    if (imported !== null) {
      const base = imported.list[Math.floor(rand() * imported.list.length)]!;
      events.push({ ...base, ...time });
      mix[imported.kind]++;
    } else {
      const a = accounts[Math.floor(rand() * ACTORS)]!;
      events.push({ ...stored(nativeEvent(a, rand), at), ...time });
      mix.native++;
    }
  }
  return { events, mix };
}
