import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedCounts,
  reportDataset,
  type ReportDatasetOptions,
} from '../../bench/report-workload.js';
import { sha256 } from '../core/crypto.js';
import {
  FRAMEWORK_IDS,
  parseCsv,
  verifyReport,
  type Report,
  type SectionId,
} from '../core/report/index.js';
// The composition root picks the adapter: src/app imports no storage module itself.
import { openStore } from '../main.js';
import type { GeneratedReport } from './reports.js';
import { createServices, type Services } from './services.js';
import { toAppend } from './test-support/events.js';
import { testSigner } from './test-support/signer.js';

const FROM = Date.parse('2026-01-01T00:00:00Z');
const DATASET: ReportDatasetOptions = {
  tenant: 'acme',
  fromMs: FROM,
  days: 90,
  basePerSourceDay: 20,
  silent: { from: 30, to: 39 },
};
const expected = expectedCounts(DATASET);
const admin = { kind: 'admin' } as const;
/** "Now" for the server: inside the period, so its own audit events fall in it. */
const NOW = new Date('2026-03-20T12:00:00Z');
const period = { tenant: 'acme', from: '2026-01-01', to: '2026-03-31' };

let dir: string;
let s: Services;
let first: GeneratedReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veritrail-report-'));
  s = createServices({
    store: await openStore({ dataDir: dir, writerThread: false }),
    signer: testSigner(),
    clock: { now: () => NOW },
    version: '9.9.9',
  });
  let batch = [];
  for (const e of reportDataset(DATASET)) {
    batch.push(toAppend(e));
    if (batch.length === 1000) {
      await s.store.events.append(batch);
      batch = [];
    }
  }
  if (batch.length) await s.store.events.append(batch);
  await s.ledger.sign('acme');
  // Two reads of the log by an auditor: recorded in _system, naming acme.
  await s.search.search(admin, { tenant: 'acme', q: 'outcome:failure' });
  await s.search.search(admin, { tenant: 'acme', q: 'actor.privileged:true' });
  await s.retention.setPolicy(admin, 'acme', 'keep-a-year', { min: '365d' });
  first = await s.reports.generate(admin, { framework: 'pci-dss', ...period });
}, 60_000);

afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const section = (r: Report, id: SectionId) => {
  const found = r.sections.find((x) => x.id === id);
  if (!found) throw new Error(`no section ${id}`);
  return found;
};

describe('a PCI DSS report over a known 90-day log', () => {
  it('counts exactly the known populations, section by section', () => {
    const r = first.report;
    expect(r.events).toBe(expected.events);
    expect(section(r, 'privileged_actions').count).toBe(expected.privileged);
    expect(section(r, 'failed_access').count).toBe(expected.failed);
    expect(section(r, 'credential_role_changes').count).toBe(expected.credential);
    expect(section(r, 'changes').count).toBe(expected.changes);
    expect(section(r, 'sensitive_data_access').count).toBe(expected.sensitive);
    expect(section(r, 'reviews').count).toBe(0);
    expect(section(r, 'reviews').note).toMatch(/No review was signed off/);
    expect(section(r, 'privileged_actions').requirements).toEqual(['10.2.1.2']);
    expect(section(r, 'failed_access').byAction).toEqual([
      { action: 'user.login', count: expected.failed - 45 },
      { action: 'document.read', count: 45 },
    ]);
  });

  it('writes every population as CSV, one row per event, oldest first', () => {
    for (const sec of first.report.sections) {
      const rows = parseCsv(first.files[sec.file]!);
      expect(rows.length - 1).toBe(sec.count);
      const times = rows.slice(1).map((row) => Date.parse(row[2]!));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('lists each query with the hash of its text and its row count', () => {
    for (const q of first.report.queries) {
      expect(q.sha256).toBe(sha256(q.query).toString('hex'));
      expect(q.rows).toBe(section(first.report, q.id as SectionId).count);
    }
    expect(first.manifest.queries).toEqual(first.report.queries);
  });

  it('shows the silent source as a gap in the coverage, and none elsewhere', () => {
    const { coverage } = first.report;
    expect(coverage.days).toHaveLength(90);
    const by = Object.fromEntries(coverage.sources.map((x) => [x.service, x]));
    expect(by.billing!.gaps).toEqual([{ from: '2026-01-31', to: '2026-02-09', days: 10 }]);
    expect(by.web!.gaps).toEqual([]);
    expect(by.api!.gaps).toEqual([]);
    for (const [name, total] of Object.entries(expected.perSource))
      expect(by[name]!.total).toBe(total);
  });

  it('attests integrity with verify and the checkpoint covering the period', () => {
    const { integrity } = first.report;
    expect(integrity.verification).toMatchObject({ ok: true, size: expected.events });
    expect(integrity.lastSeq).toBe(expected.events - 1);
    expect(integrity.checkpoint?.size).toBe(expected.events);
    expect(integrity.key).toBe(s.ledger.verifierKey('acme'));
  });

  it('states the retention in force', () => {
    expect(first.report.retention).toMatchObject({
      configured: true,
      requirements: ['10.5.1'],
      policies: [{ name: 'keep-a-year', scope: '', minDays: 365, maxDays: null }],
      holds: [],
    });
    expect(section(first.report, 'retention_purges').count).toBe(0);
  });

  it('measures field completeness and clock skew', () => {
    const { completeness, time } = first.report;
    const field = (f: string) => completeness.fields.find((x) => x.field === f)!;
    expect(field('source.ip').ratio).toBe(1);
    expect(field('correlation.request_id').present).toBe(0);
    // Targets: denied reads (45), admin exports (90), role grants (16), card reads (80).
    expect(field('targets').present).toBe(45 + 90 + 16 + 80);
    expect(time.future).toBe(Math.floor(expected.events / 1000));
    expect(time.skewMs?.max).toBe(1000);
    expect(time.skewMs?.min).toBe(-2000);
  });

  it('includes the reads of the log from _system, and records its own run there', async () => {
    expect(section(first.report, 'audit_log_access').count).toBe(2);
    expect(section(first.report, 'audit_log_lifecycle').byAction).toEqual([
      { action: 'admin.retention_policy_set', count: 1 },
    ]);
    const runs = await s.search.search(admin, { tenant: '_system', q: 'action:report.generate' });
    expect(runs.events).toHaveLength(1);
    expect(runs.events[0]).toMatchObject({
      targets: [{ id: 'acme', type: 'log' }],
      metadata: {
        report: first.report.id,
        framework: 'pci-dss',
        manifest_sha256: sha256(first.files['manifest.json']!).toString('hex'),
      },
    });
    const second = await s.reports.generate(admin, { framework: 'soc2', ...period, verify: false });
    expect(section(second.report, 'audit_log_lifecycle').byAction).toEqual([
      { action: 'admin.retention_policy_set', count: 1 },
      { action: 'report.generate', count: 1 },
    ]);
    expect(second.report.integrity.verification).toBeNull();
  });

  it('builds every framework with the same populations', async () => {
    for (const framework of FRAMEWORK_IDS) {
      const r = (await s.reports.generate(admin, { framework, ...period, verify: false })).report;
      expect(r.framework.id).toBe(framework);
      expect(section(r, 'privileged_actions').count).toBe(expected.privileged);
      expect(section(r, 'failed_access').count).toBe(expected.failed);
      for (const sec of r.sections) expect(sec.requirements.length).toBeGreaterThan(0);
    }
  });

  it('refuses bad requests with the field named', async () => {
    await expect(s.reports.generate(admin, { ...period, framework: 'gdpr' })).rejects.toMatchObject(
      { code: 'validation_failed', details: [{ path: 'framework' }] },
    );
    await expect(
      s.reports.generate(admin, {
        framework: 'soc2',
        tenant: 'acme',
        from: '2026-02-01',
        to: '2026-01-01',
      }),
    ).rejects.toMatchObject({ details: [{ path: 'to' }] });
    await expect(
      s.reports.generate(
        { kind: 'key', keyId: 'k1', tenant: 'acme', scopes: ['read'] },
        { framework: 'soc2', ...period },
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the signed manifest', () => {
  const bytes = () =>
    new Map(Object.entries(first.files).map(([n, c]) => [n, Buffer.from(c, 'utf8')]));

  it('verifies with the log key', () => {
    const r = verifyReport(bytes(), s.ledger.verifierKey('acme'));
    expect(r).toMatchObject({ ok: true, failures: [], tenant: 'acme', framework: 'pci-dss' });
    expect(r.files).toBe(Object.keys(first.files).length - 1);
  });

  it('fails, naming the file, when any single byte of any file changes', () => {
    const names = Object.keys(first.files).sort();
    const key = s.ledger.verifierKey('acme');
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        (name, where, xor) => {
          const files = bytes();
          const data = Buffer.from(files.get(name)!);
          const at = Math.floor(where * data.length);
          data[at] = data[at]! ^ xor;
          files.set(name, data);
          const r = verifyReport(files, key);
          expect(r.ok).toBe(false);
          expect(r.failures.map((f) => f.file)).toContain(name);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fails on another key, a missing file and an extra file', () => {
    const other = testSigner().verifierKey(s.ledger.origin('acme'));
    expect(verifyReport(bytes(), other).failures[0]).toMatchObject({ code: 'key_mismatch' });
    const missing = bytes();
    missing.delete('changes.csv');
    expect(verifyReport(missing).failures).toEqual([
      { code: 'missing_file', file: 'changes.csv', message: 'file is missing' },
    ]);
    const extra = bytes().set('notes.txt', Buffer.from('x'));
    expect(verifyReport(extra).failures[0]).toMatchObject({
      code: 'unlisted_file',
      file: 'notes.txt',
    });
  });
});
