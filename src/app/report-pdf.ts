/**
 * The PDF rendering of a report (docs/reports.md "Formats"), drawn with pdfkit: a title page,
 * then one page (or more, when a table overflows) per group of parts, tables and simple vector
 * charts, page numbers on every page. Only the standard Helvetica fonts are used, so nothing is
 * embedded and no font file is read. Strings are producer data (untrusted): each is reduced to
 * what the standard fonts' WinAnsi encoding can show and clipped, so no value can break the
 * layout or the encoding.
 */
import PDFDocument from 'pdfkit';
import { EVENT_COLUMNS, type Report, type ReportSection } from '../core/report/index.js';

const MARGIN = 50;
const PAGE_W = 595.28; // A4
const PAGE_H = 841.89;
const BOTTOM = PAGE_H - MARGIN - 20; // room for the page number
const WIDTH = PAGE_W - 2 * MARGIN;
const BLUE = '#1f6feb';
/** Sections per page group after the shared parts. */
export const SECTIONS_PER_GROUP = 3;
/** Sample rows shown per section in the PDF (the CSV has all of them). */
const PDF_SAMPLE_ROWS = 8;
const MAX_SOURCE_CHARTS = 12;
const MAX_GAP_ROWS = 60;

type Doc = PDFKit.PDFDocument;
type Cell = string | number | boolean | null | undefined;

/** Printable WinAnsi only (others become '?'), at most `max` characters. */
export function pdfText(v: string | number | boolean | null | undefined, max = 300): string {
  const s = String(v ?? '').replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** The page groups after the title page: shared parts first, then the sections in threes. */
export function pageGroups(r: Report): { title: string; sections: readonly ReportSection[] }[] {
  const groups: { title: string; sections: readonly ReportSection[] }[] = [
    { title: 'Report and queries', sections: [] },
    { title: 'Coverage and field completeness', sections: [] },
    { title: 'Integrity, time, retention, access', sections: [] },
  ];
  for (let i = 0; i < r.sections.length; i += SECTIONS_PER_GROUP)
    groups.push({
      title: `Sections ${i + 1} to ${Math.min(r.sections.length, i + SECTIONS_PER_GROUP)}`,
      sections: r.sections.slice(i, i + SECTIONS_PER_GROUP),
    });
  return groups;
}

class Writer {
  constructor(readonly doc: Doc) {}

  /** Starts a new page when `h` points do not fit on this one. */
  room(h: number): void {
    if (this.doc.y + h > BOTTOM) this.doc.addPage();
  }

  heading(text: string, size = 15): void {
    this.room(size * 3);
    this.doc.moveDown(0.5).font('Helvetica-Bold').fontSize(size).fillColor('#000');
    this.doc.text(pdfText(text), MARGIN, this.doc.y, { width: WIDTH });
    this.doc.moveDown(0.2);
  }

  para(text: string, opts: { size?: number; bold?: boolean; color?: string } = {}): void {
    const size = opts.size ?? 9.5;
    this.doc
      .font(opts.bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(size)
      .fillColor(opts.color ?? '#000');
    const t = pdfText(text, 2000);
    this.room(this.doc.heightOfString(t, { width: WIDTH }) + 2);
    this.doc.text(t, MARGIN, this.doc.y, { width: WIDTH });
    this.doc.moveDown(0.3);
  }

  requirements(ids: readonly string[]): void {
    this.para(`Requirements: ${ids.join(' ') || '-'}`, { size: 9, bold: true, color: '#1e3a8a' });
  }

  /** A table with column widths proportional to `weights`; rows wrap, pages break. */
  table(head: readonly string[], rows: readonly (readonly Cell[])[], weights?: number[]): void {
    const doc = this.doc;
    if (rows.length === 0) return this.para('None.', { color: '#64748b' });
    const w = weights ?? head.map(() => 1);
    const total = w.reduce((a, b) => a + b, 0);
    const widths = w.map((x) => (x / total) * WIDTH);
    const size = head.length > 8 ? 6 : 8;
    const line = (cells: readonly Cell[], bold: boolean) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
      const texts = cells.map((c) => pdfText(c, 160));
      const h =
        Math.max(...texts.map((t, i) => doc.heightOfString(t, { width: widths[i]! - 4 }))) + 4;
      this.room(h);
      const y = doc.y;
      let x = MARGIN;
      if (bold) doc.rect(MARGIN, y, WIDTH, h).fill('#f1f5f9');
      doc.fillColor('#000');
      texts.forEach((t, i) => {
        doc.text(t, x + 2, y + 2, { width: widths[i]! - 4, lineBreak: true });
        x += widths[i]!;
      });
      doc
        .moveTo(MARGIN, y + h)
        .lineTo(MARGIN + WIDTH, y + h)
        .lineWidth(0.3)
        .stroke('#cbd5e1');
      doc.x = MARGIN;
      doc.y = y + h;
    };
    line(head, true);
    for (const r of rows) line(r, false);
    doc.moveDown(0.5);
  }

  /** Horizontal bars, one per item. */
  bars(items: readonly { label: string; value: number }[]): void {
    const doc = this.doc;
    const row = 13;
    const max = Math.max(1, ...items.map((i) => i.value));
    this.room(items.length * row + 6);
    const y0 = doc.y;
    doc.font('Helvetica').fontSize(7.5);
    items.forEach((it, i) => {
      const y = y0 + i * row;
      const bw = (Math.max(0, it.value) / max) * (WIDTH - 220);
      doc.fillColor('#000').text(pdfText(it.label, 45), MARGIN, y + 2, { width: 170 });
      if (bw > 0) doc.rect(MARGIN + 175, y + 1, bw, row - 3).fill(BLUE);
      doc.fillColor('#000').text(String(it.value), MARGIN + 180 + bw, y + 2, { width: 60 });
    });
    doc.x = MARGIN;
    doc.y = y0 + items.length * row + 6;
  }

  /** Events per day of one source; gap days shaded red. */
  coverage(days: readonly string[], perDay: readonly number[], gapDays: ReadonlySet<number>): void {
    const doc = this.doc;
    const h = 50;
    this.room(h + 8);
    const y0 = doc.y;
    const n = Math.max(1, days.length);
    const bw = WIDTH / n;
    const max = Math.max(1, ...perDay);
    doc.rect(MARGIN, y0, WIDTH, h).fill('#f8fafc');
    for (let i = 0; i < days.length; i++) {
      if (gapDays.has(i)) doc.rect(MARGIN + i * bw, y0, bw, h).fill('#fecaca');
      const v = perDay[i] ?? 0;
      const bh = (v / max) * (h - 2);
      if (v > 0) doc.rect(MARGIN + i * bw, y0 + h - bh, Math.max(0.4, bw - 0.5), bh).fill(BLUE);
    }
    doc.fillColor('#000');
    doc.x = MARGIN;
    doc.y = y0 + h + 8;
  }
}

function titlePage(w: Writer, r: Report): void {
  const doc = w.doc;
  const v = r.integrity.verification;
  doc.moveDown(8);
  w.para(`${r.framework.name} compliance report`, { size: 26, bold: true });
  w.para(`Tenant: ${r.tenant}`, { size: 14 });
  w.para(`Period: ${r.period.from} to ${r.period.to} (end exclusive)`, { size: 12 });
  w.para(`Report id: ${r.id}`, { size: 11 });
  w.para(`Generated at ${r.generatedAt} by ${r.generator.name} ${r.generator.version}`, {
    size: 11,
  });
  w.para(`${r.events} events in the period`, { size: 11 });
  doc.moveDown(1);
  w.para(
    v === null
      ? 'Integrity: verification of the log was not run for this report.'
      : v.ok
        ? `Integrity: the whole log verified (${v.size} entries, ${v.purged} purged, ${v.checkpoints} checkpoints).`
        : `Integrity: VERIFICATION FAILED (${v.failure?.problem ?? ''} at seq ${v.failure?.seq ?? '-'}): ${v.failure?.message ?? ''}`,
    { size: 13, bold: true, color: v === null ? '#000' : v.ok ? '#166534' : '#b91c1c' },
  );
  w.para(
    'Every file of this report, this one included, is listed with its SHA-256 in the signed manifest.json: check the folder with `veritrail verify-report`.',
    { size: 9, color: '#475569' },
  );
}

function envelope(w: Writer, r: Report): void {
  w.table(
    ['', ''],
    [
      ['report id', r.id],
      ['framework', `${r.framework.name} (${r.framework.id} ${r.framework.version})`],
      ['tenant', r.tenant],
      ['period', `${r.period.from} to ${r.period.to}`],
      ['generated at', r.generatedAt],
      ['version', `${r.generator.name} ${r.generator.version}`],
      ['events', r.events],
    ],
    [1, 4],
  );
  w.heading('Queries', 12);
  w.table(
    ['id', 'log', 'rows', 'sha256', 'query'],
    r.queries.map((q) => [q.id, q.log, q.rows, q.sha256, q.query]),
    [2.2, 1, 0.8, 3.5, 5],
  );
  w.heading('Events per section', 12);
  w.bars(r.sections.map((s) => ({ label: s.title, value: s.count })));
}

function coverageAndCompleteness(w: Writer, r: Report): void {
  const c = r.coverage;
  w.requirements(c.requirements);
  w.para(
    `Events per source per day over ${c.days.length} days (${c.days[0] ?? ''} to ${c.days[c.days.length - 1] ?? ''}); days without any event from a source are shaded red. Full table: ${c.file}.`,
  );
  // Producers choose `observer.service`: the number of sources is theirs, the page count ours.
  for (const s of c.sources.slice(0, MAX_SOURCE_CHARTS)) {
    const gap = new Set<number>();
    for (const g of s.gaps) {
      const start = c.days.indexOf(g.from);
      for (let i = 0; start >= 0 && i < g.days; i++) gap.add(start + i);
    }
    w.para(`${s.service}: ${s.total} events, ${s.gaps.length} gap(s)`, { bold: true, size: 9 });
    w.coverage(c.days, s.perDay, gap);
  }
  if (c.sources.length > MAX_SOURCE_CHARTS)
    w.para(`${c.sources.length - MAX_SOURCE_CHARTS} more source(s) not charted: see ${c.file}.`);
  const gaps = c.sources.flatMap((s) => s.gaps.map((g) => [s.service, g.from, g.to, g.days]));
  w.table(['source', 'gap from', 'to', 'days'], gaps.slice(0, MAX_GAP_ROWS));
  if (gaps.length > MAX_GAP_ROWS)
    w.para(`${gaps.length - MAX_GAP_ROWS} more gap(s): see ${c.file}.`);
  w.heading('Field completeness', 13);
  w.requirements(r.completeness.requirements);
  w.table(
    ['field', 'present', 'of events', 'ratio'],
    r.completeness.fields.map((f) => [
      f.field,
      f.present,
      r.completeness.events,
      `${(f.ratio * 100).toFixed(1)}%`,
    ]),
  );
}

function integrityTimeRetention(w: Writer, r: Report): void {
  const i = r.integrity;
  w.requirements(i.requirements);
  const v = i.verification;
  w.para(
    v === null
      ? 'Verification of the whole log: not run.'
      : `Verification of the whole log: ${v.ok ? 'ok' : `FAILED: ${v.failure?.message ?? ''}`} (${v.size} entries, ${v.purged} purged, ${v.checkpoints} checkpoints).`,
    { bold: true },
  );
  w.para(`Highest seq in the period: ${i.lastSeq ?? 'none'}. Verifier key: ${i.key}`);
  if (i.checkpoint) {
    w.para(
      `Checkpoint covering the period: size ${i.checkpoint.size}, signed ${i.checkpoint.createdAt}:`,
    );
    w.para(i.checkpoint.note, { size: 7.5 });
  } else w.para('No signed checkpoint covers the period yet.');
  w.para(`${i.checkpointsInPeriod.length} checkpoint(s) signed in the period.`);
  w.heading('Time integrity', 13);
  const t = r.time;
  w.requirements(t.requirements);
  w.para(
    `received_at - occurred_at over ${t.events} events: ${t.future} stamped ahead of the server's clock, ${t.lateOverHour} arrived more than an hour late.`,
  );
  if (t.skewMs) {
    const s = t.skewMs;
    w.table(['min ms', 'p50', 'p90', 'p99', 'max'], [[s.min, s.p50, s.p90, s.p99, s.max]]);
    w.bars(
      (['min', 'p50', 'p90', 'p99', 'max'] as const).map((k) => ({
        label: `${k} (ms)`,
        value: s[k],
      })),
    );
  }
  w.heading('Retention', 13);
  w.requirements(r.retention.requirements);
  w.para(r.retention.note);
  w.table(
    ['policy', 'scope', 'min days', 'max days'],
    r.retention.policies.map((p) => [p.name, p.scope || '(whole tenant)', p.minDays, p.maxDays]),
  );
  w.table(
    ['hold', 'scope', 'reason', 'released'],
    r.retention.holds.map((h) => [h.id, h.scope, h.reason, h.releasedAt ?? '-']),
  );
  w.heading('Access to audit data', 13);
  w.requirements(r.access.requirements);
  const a = r.sections.find((s) => s.id === r.access.section);
  w.para(
    a
      ? `${a.count} access(es) to this tenant's audit log: section "${a.title}" (${a.file}).`
      : 'See the section on access to audit logs.',
  );
}

function section(w: Writer, r: Report, s: ReportSection): void {
  // Keep a section's heading with its first lines rather than alone at a page's foot.
  w.room(220);
  w.heading(s.title, 13);
  w.requirements(s.requirements);
  w.para(s.description);
  w.para(
    `${s.count} event(s) from the ${s.log === 'system' ? '_system' : 'tenant'} log; population: ${s.file}.`,
    {
      bold: true,
    },
  );
  if (s.note) w.para(s.note, { color: '#854d0e' });
  const q = r.queries.find((x) => x.id === s.query);
  if (q) w.para(`Query: ${q.query}`, { size: 8 });
  if (s.byAction.length)
    w.bars(s.byAction.slice(0, 10).map((a) => ({ label: a.action, value: a.count })));
  const cols = ['seq', 'occurred_at', 'action', 'outcome', 'actor_id', 'targets', 'source_ip'];
  const idx = cols.map((c) => (EVENT_COLUMNS as readonly string[]).indexOf(c));
  w.table(
    cols,
    s.sample.slice(0, PDF_SAMPLE_ROWS).map((row) => idx.map((i) => row[i] ?? '')),
    [0.7, 2, 2, 1, 1.5, 2, 1.3],
  );
}

export async function renderPdf(r: Report): Promise<Buffer> {
  const when = new Date(r.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: pdfText(`${r.framework.name} report for ${r.tenant}`),
      Author: 'veritrail',
      Subject: pdfText(r.id),
      CreationDate: Number.isNaN(when.getTime()) ? new Date(0) : when,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = new Writer(doc);
  titlePage(w, r);
  const groups = pageGroups(r);
  groups.forEach((g, i) => {
    doc.addPage();
    w.heading(g.title, 17);
    if (i === 0) envelope(w, r);
    else if (i === 1) coverageAndCompleteness(w, r);
    else if (i === 2) integrityTimeRetention(w, r);
    else for (const s of g.sections) section(w, r, s);
  });
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    // Writing inside the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#64748b')
      .text(
        pdfText(`${r.framework.name} report ${r.id} - page ${p + 1} of ${range.count}`),
        MARGIN,
        PAGE_H - MARGIN + 5,
        { width: WIDTH, align: 'center', lineBreak: false },
      );
  }
  doc.end();
  return done;
}
