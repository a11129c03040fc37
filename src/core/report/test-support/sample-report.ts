/** A report built from the bench dataset (a silent source, so coverage has a gap), for renderer tests. */
import { reportDataset } from '../../../../bench/report-workload.js';
import type { StoredEvent } from '../../event/index.js';
import { ReportBuilder, type BuiltReport } from '../builder.js';
import type { FrameworkId } from '../frameworks.js';

const FROM = Date.parse('2026-01-01T00:00:00Z');
const DAYS = 30;

export function sampleReport(
  opts: {
    framework?: FrameworkId;
    /** Rewrites each event (e.g. to put hostile strings in it). */
    edit?: (e: StoredEvent, i: number) => StoredEvent;
    perSourceDay?: number;
  } = {},
): BuiltReport {
  const b = new ReportBuilder({
    id: 'rp_0123456789abcdef0123456789abcdef',
    framework: opts.framework ?? 'pci-dss',
    tenant: 'acme',
    fromMs: FROM,
    toMs: FROM + DAYS * 86_400_000,
    generatedAt: '2026-02-01T00:00:00.000Z',
    version: '9.9.9',
  });
  let i = 0;
  let seq = 0;
  for (const e of reportDataset({
    tenant: 'acme',
    fromMs: FROM,
    days: DAYS,
    basePerSourceDay: opts.perSourceDay ?? 3,
    silent: { from: 10, to: 14 },
  })) {
    const ev = opts.edit ? opts.edit(e, i++) : e;
    b.addTenantEvent(seq++, ev);
  }
  const note = 'localhost/veritrail/acme\n42\nabc=\n\n— localhost/veritrail/acme AAAA\n';
  return b.finish({
    integrity: {
      verification: { ok: true, size: seq, purged: 0, checkpoints: 1, failure: null },
      checkpoint: { size: seq, createdAt: '2026-01-31T00:00:00.000Z', note },
      key: 'localhost/veritrail/acme+7762ea3e+AWG5v6cAAAtIp4bMOK',
      checkpointsInPeriod: [{ size: seq, createdAt: '2026-01-31T00:00:00.000Z', note }],
    },
    alerts: [],
  });
}
