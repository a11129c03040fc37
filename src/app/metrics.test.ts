import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import { LOG_SIZE_TENANTS, Metrics } from './metrics.js';
import type { Principal } from './principal.js';
import { createServices, type Services } from './services.js';
import { testSigner } from './test-support/signer.js';

const ADMIN: Principal = { kind: 'admin' };
const dirs: string[] = [];

/** Real services over a fresh SQLite data folder (no writer thread). */
async function services(): Promise<Services> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-metrics-'));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir, writerThread: false });
  return createServices({ store, signer: testSigner() });
}

/** One sample's value, as a scrape would read it (collectors run); undefined when absent. */
async function value(
  m: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = m.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === name &&
      Object.keys(labels).length === Object.keys(v.labels).length &&
      Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  );
  return hit?.value;
}

async function histogramPart(m: Metrics, name: string, part: 'count' | 'sum'): Promise<number> {
  const { values } = await m.registry.getSingleMetric(name)!.get();
  return values.find((v) => (v as { metricName?: string }).metricName === `${name}_${part}`)!.value;
}
const histogramCount = (m: Metrics, name: string) => histogramPart(m, name, 'count');

const ev = (over: Record<string, unknown> = {}) => ({
  action: 'user.login',
  actor: { id: 'alice' },
  outcome: 'success',
  ...over,
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('metrics of real services', () => {
  let s: Services;
  beforeAll(async () => {
    s = await services();
  });
  afterAll(() => s.close());

  it('counts new events per tenant, duplicates apart, and times each commit', async () => {
    await s.ingest.ingest(
      [
        ev({ id: 'a-1', tenant: 'acme' }),
        ev({ id: 'a-2', tenant: 'acme' }),
        ev({ id: 'a-3', tenant: 'acme' }),
        ev({ id: 'g-1', tenant: 'globex' }),
      ],
      ADMIN,
    );
    expect(await value(s.metrics, 'veritrail_events_appended_total', { tenant: 'acme' })).toBe(3);
    expect(await value(s.metrics, 'veritrail_events_appended_total', { tenant: 'globex' })).toBe(1);
    expect(await value(s.metrics, 'veritrail_events_duplicate_total')).toBe(0);

    // A resend of known ids is a duplicate, not a new event; a new id in the same batch is new.
    await s.ingest.ingest(
      [
        ev({ id: 'a-1', tenant: 'acme' }),
        ev({ id: 'a-2', tenant: 'acme' }),
        ev({ id: 'a-4', tenant: 'acme' }),
      ],
      ADMIN,
    );
    expect(await value(s.metrics, 'veritrail_events_appended_total', { tenant: 'acme' })).toBe(4);
    expect(await value(s.metrics, 'veritrail_events_duplicate_total')).toBe(2);
    expect(await value(s.metrics, 'veritrail_ingest_requests_total', { outcome: 'ok' })).toBe(2);

    expect(await histogramCount(s.metrics, 'veritrail_append_seconds')).toBe(2);
    expect(await histogramPart(s.metrics, 'veritrail_append_seconds', 'sum')).toBeGreaterThan(0);
  });

  it('counts refused requests as rejected, and stores nothing of them', async () => {
    const before = await value(s.metrics, 'veritrail_events_appended_total', { tenant: 'acme' });
    await expect(s.ingest.ingest([ev(), { action: 'nodot' }], ADMIN)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    const acmeKey: Principal = { kind: 'key', keyId: 'k1', tenant: 'acme', scopes: ['ingest'] };
    await expect(s.ingest.ingest([ev({ tenant: 'globex' })], acmeKey)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await value(s.metrics, 'veritrail_ingest_requests_total', { outcome: 'rejected' })).toBe(
      2,
    );
    expect(await value(s.metrics, 'veritrail_ingest_requests_total', { outcome: 'failed' })).toBe(
      0,
    );
    expect(await value(s.metrics, 'veritrail_events_appended_total', { tenant: 'acme' })).toBe(
      before,
    );
    expect(await histogramCount(s.metrics, 'veritrail_append_seconds')).toBe(2);
  });

  it('reads log sizes, leadership and the queue from the store on scrape', async () => {
    expect(await value(s.metrics, 'veritrail_log_size', { tenant: 'acme' })).toBe(4);
    expect(await value(s.metrics, 'veritrail_log_size', { tenant: 'globex' })).toBe(1);
    expect(await value(s.metrics, 'veritrail_jobs_leader')).toBe(1);
    expect(await value(s.metrics, 'veritrail_group_commit_queued_events')).toBe(0);
  });

  it('counts checkpoints when one is signed, not when the latest still covers the log', async () => {
    expect(await value(s.metrics, 'veritrail_checkpoints_signed_total')).toBe(0);
    await s.checkpointJob.flush();
    expect(await value(s.metrics, 'veritrail_checkpoints_signed_total')).toBe(2);
    await s.ledger.sign('acme');
    await s.checkpointJob.flush();
    expect(await value(s.metrics, 'veritrail_checkpoints_signed_total')).toBe(2);
  });

  it('reads stream figures from the live streams, and holds alerts at 0 until raised', async () => {
    // Streams with clients are tested in src/http/routes/stream.test.ts.
    expect(await value(s.metrics, 'veritrail_stream_clients')).toBe(0);
    expect(await value(s.metrics, 'veritrail_stream_delivery_lag_events')).toBe(0);
    expect(await value(s.metrics, 'veritrail_alerts_total', { severity: 'critical' })).toBe(0);
    s.metrics.alertRaised('high');
    expect(await value(s.metrics, 'veritrail_alerts_total', { severity: 'high' })).toBe(1);
    expect(await value(s.metrics, 'veritrail_alerts_total', { severity: 'low' })).toBe(0);
  });

  it('renders the text exposition format with process metrics', async () => {
    const text = await s.metrics.text();
    expect(s.metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('veritrail_events_appended_total{tenant="acme"} 4');
    expect(text).toContain('# TYPE veritrail_append_seconds histogram');
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('keeps each services’ counts in its own registry', async () => {
    const other = await services();
    try {
      await other.ingest.ingest([ev({ tenant: 'acme' })], ADMIN);
      expect(
        await value(other.metrics, 'veritrail_events_appended_total', { tenant: 'acme' }),
      ).toBe(1);
      expect(await value(s.metrics, 'veritrail_events_appended_total', { tenant: 'acme' })).toBe(4);
    } finally {
      await other.close();
    }
  });
});

describe('metrics when the store fails', () => {
  it('counts a failed commit as failed and still serves the scrape without log sizes', async () => {
    const s = await services();
    await s.ingest.ingest([ev({ tenant: 'acme' })], ADMIN);
    await s.close(); // the store is gone: appends and reads now fail
    await expect(s.ingest.ingest([ev({ tenant: 'acme' })], ADMIN)).rejects.toThrow();
    expect(await value(s.metrics, 'veritrail_ingest_requests_total', { outcome: 'failed' })).toBe(
      1,
    );
    expect(await value(s.metrics, 'veritrail_ingest_requests_total', { outcome: 'ok' })).toBe(1);
    expect(await histogramCount(s.metrics, 'veritrail_append_seconds')).toBe(1);
    const text = await s.metrics.text();
    expect(text).not.toMatch(/^veritrail_log_size\{/m);
    expect(text).toContain('veritrail_events_appended_total{tenant="acme"} 1');
  });
});

describe('veritrail_log_size', () => {
  it(`reads at most ${LOG_SIZE_TENANTS} logs per scrape`, async () => {
    const names = Array.from({ length: LOG_SIZE_TENANTS + 500 }, (_, i) => `t${i}`);
    let reads = 0;
    const m = new Metrics({
      events: {
        tenants: () => Promise.resolve(names),
        size: () => Promise.resolve(++reads),
      },
      coordination: { isLeader: () => false },
      queuedEvents: () => 12,
    });
    const { values } = await m.registry.getSingleMetric('veritrail_log_size')!.get();
    expect(values).toHaveLength(LOG_SIZE_TENANTS);
    expect(reads).toBe(LOG_SIZE_TENANTS);
    expect(values[0]).toMatchObject({ labels: { tenant: 't0' }, value: 1 });
    expect(await value(m, 'veritrail_jobs_leader')).toBe(0);
    expect(await value(m, 'veritrail_group_commit_queued_events')).toBe(12);
  });
});
