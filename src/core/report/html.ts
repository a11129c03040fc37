/**
 * The HTML rendering of a report (docs/reports.md "Formats"): one self-contained file, inline
 * CSS, charts as inline SVG, no scripts and nothing fetched. Every value comes from the report
 * model, whose strings are producer data (untrusted): each goes through `esc` (text and
 * attribute values alike), numbers through `num`.
 */
import { EVENT_COLUMNS } from './builder.js';
import type { Report, ReportSection, SourceCoverage } from './model.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values alike. */
export function esc(v: string | number | boolean | null | undefined): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

type Cell = string | number | boolean | null | undefined;

const num = (n: number): string => (Number.isFinite(n) ? String(Math.round(n * 100) / 100) : '0');
const pct = (r: number): string => `${num(r * 100)}%`;
const reqs = (ids: readonly string[]): string =>
  `<p class="req">Requirements: ${ids.map((r) => `<span>${esc(r)}</span>`).join(' ') || '—'}</p>`;

function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** Producers choose `observer.service`: the number of sources is theirs, the page size ours. */
const MAX_SOURCE_CHARTS = 40;
const MAX_GAP_ROWS = 200;

const COLORS = ['#1f6feb', '#d97706', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#65a30d'];

/** Events per day of one source as bars; days in a gap are shaded red. */
function coverageChart(days: readonly string[], s: SourceCoverage, color: string): string {
  const w = 720;
  const h = 90;
  const n = Math.max(1, days.length);
  const bw = w / n;
  const max = Math.max(1, ...s.perDay);
  const gap = new Set<number>();
  for (const g of s.gaps) {
    const start = days.indexOf(g.from);
    for (let i = 0; i < g.days && start >= 0; i++) gap.add(start + i);
  }
  const parts: string[] = [];
  for (let i = 0; i < days.length; i++) {
    const x = num(i * bw);
    if (gap.has(i))
      parts.push(
        `<rect class="gap" x="${x}" y="0" width="${num(bw)}" height="${h}" fill="#fecaca"><title>${esc(days[i])}: gap</title></rect>`,
      );
    const v = s.perDay[i] ?? 0;
    const bh = (v / max) * (h - 4);
    if (v > 0)
      parts.push(
        `<rect x="${x}" y="${num(h - bh)}" width="${num(Math.max(0.5, bw - 1))}" height="${num(bh)}" fill="${color}"><title>${esc(days[i])}: ${num(v)}</title></rect>`,
      );
  }
  return `<svg class="chart" role="img" aria-label="${esc(`events per day from ${s.service}`)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="${w}" height="${h}" fill="#f8fafc"/>${parts.join('')}</svg>`;
}

/** Horizontal bars with a label and a value each. */
function barChart(label: string, items: readonly { label: string; value: number }[]): string {
  const w = 720;
  const row = 20;
  const h = Math.max(row, items.length * row);
  const max = Math.max(1, ...items.map((i) => i.value));
  const bars = items
    .map((it, i) => {
      const y = i * row;
      const bw = (it.value / max) * 400;
      return `<text x="0" y="${y + 14}" font-size="12">${esc(it.label)}</text><rect x="260" y="${y + 3}" width="${num(bw)}" height="${row - 6}" fill="#1f6feb"/><text x="${num(266 + bw)}" y="${y + 14}" font-size="12">${num(it.value)}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

function coverage(r: Report): string {
  const c = r.coverage;
  const charted = c.sources.slice(0, MAX_SOURCE_CHARTS);
  const charts = charted
    .map(
      (s, i) =>
        `<h4>${esc(s.service)} — ${num(s.total)} events, ${s.gaps.length} gap(s)</h4>${coverageChart(c.days, s, COLORS[i % COLORS.length]!)}`,
    )
    .join('');
  const allGaps = c.sources.flatMap((s) => s.gaps.map((g) => [s.service, g.from, g.to, g.days]));
  const gaps = allGaps.slice(0, MAX_GAP_ROWS);
  const more = (n: number, what: string) =>
    n > 0 ? `<p class="note">${num(n)} more ${what}: see <code>${esc(c.file)}</code>.</p>` : '';
  return `<section id="coverage"><h2>Coverage</h2>${reqs(c.requirements)}
<p>Events per source per day (${c.days.length} days${c.days.length ? `, ${esc(c.days[0])} to ${esc(c.days[c.days.length - 1])}` : ''}); days without any event from a source are shaded red. Full table: <code>${esc(c.file)}</code>.</p>
${charts || '<p class="empty">No events in the period.</p>'}
${more(c.sources.length - charted.length, 'source(s) not charted')}
<h3>Gaps</h3>${table(['source', 'from', 'to', 'days'], gaps)}${more(allGaps.length - gaps.length, 'gap(s)')}</section>`;
}

function completeness(r: Report): string {
  const c = r.completeness;
  return `<section id="completeness"><h2>Field completeness</h2>${reqs(c.requirements)}
<p>${num(c.events)} events. Full table: <code>${esc(c.file)}</code>.</p>
${table(
  ['field', 'present', 'ratio'],
  c.fields.map((f) => [f.field, f.present, pct(f.ratio)]),
)}</section>`;
}

function integrity(r: Report): string {
  const i = r.integrity;
  const v = i.verification;
  const result =
    v === null
      ? 'not run (verify was skipped)'
      : v.ok
        ? `verified: ${num(v.size)} entries, ${num(v.purged)} purged, ${num(v.checkpoints)} checkpoints`
        : `FAILED: ${v.failure?.problem ?? ''} at seq ${v.failure?.seq ?? '—'}: ${v.failure?.message ?? ''}`;
  const cp = i.checkpoint
    ? `<p>Checkpoint of size ${num(i.checkpoint.size)}, signed ${esc(i.checkpoint.createdAt)}:</p><pre>${esc(i.checkpoint.note)}</pre>`
    : '<p>No signed checkpoint covers the period yet.</p>';
  return `<section id="integrity"><h2>Integrity attestation</h2>${reqs(i.requirements)}
<p class="${v === null ? '' : v.ok ? 'ok' : 'fail'}">Verification of the whole log: ${esc(result)}</p>
<p>Highest seq in the period: ${i.lastSeq === null ? 'none' : num(i.lastSeq)}. Verifier key: <code>${esc(i.key)}</code></p>
${cp}<h3>Checkpoints signed in the period</h3>${table(
    ['size', 'signed at'],
    i.checkpointsInPeriod.map((c) => [c.size, c.createdAt]),
  )}</section>`;
}

function time(r: Report): string {
  const t = r.time;
  const s = t.skewMs;
  const chart = s
    ? barChart(
        'clock skew percentiles in milliseconds',
        (['min', 'p50', 'p90', 'p99', 'max'] as const).map((k) => ({
          label: `${k} (ms)`,
          value: Math.max(0, s[k]),
        })),
      )
    : '';
  return `<section id="time"><h2>Time integrity</h2>${reqs(t.requirements)}
<p>received_at − occurred_at over ${num(t.events)} events; ${num(t.future)} stamped ahead of the server's clock, ${num(t.lateOverHour)} arrived more than an hour late.</p>
${s ? table(['min', 'p50', 'p90', 'p99', 'max'], [[s.min, s.p50, s.p90, s.p99, s.max]]) : '<p class="empty">No events.</p>'}${chart}</section>`;
}

function retention(r: Report): string {
  const t = r.retention;
  return `<section id="retention"><h2>Retention</h2>${reqs(t.requirements)}
<p>${esc(t.note)}</p><h3>Policies</h3>${table(
    ['name', 'scope', 'min days', 'max days', 'updated'],
    t.policies.map((p) => [
      p.name,
      p.scope || '(whole tenant)',
      p.minDays,
      p.maxDays ?? '—',
      p.updatedAt,
    ]),
  )}<h3>Legal holds</h3>${table(
    ['id', 'scope', 'reason', 'created', 'released'],
    t.holds.map((h) => [h.id, h.scope, h.reason, h.createdAt, h.releasedAt ?? '—']),
  )}</section>`;
}

function section(s: ReportSection, r: Report): string {
  const q = r.queries.find((x) => x.id === s.query);
  return `<section class="section" id="s-${esc(s.id)}"><h2>${esc(s.title)}</h2>${reqs(s.requirements)}
<p>${esc(s.description)}</p>
<p><strong>${num(s.count)}</strong> event(s) from the ${s.log === 'system' ? '<code>_system</code>' : 'tenant'} log; population: <code>${esc(s.file)}</code>.</p>
${s.note ? `<p class="note">${esc(s.note)}</p>` : ''}
${q ? `<p>Query: <code>${esc(q.query)}</code></p>` : ''}
${
  s.byAction.length
    ? `<h3>By action</h3>${barChart(
        `${s.title} by action`,
        s.byAction.slice(0, 15).map((a) => ({ label: a.action, value: a.count })),
      )}`
    : ''
}
<h3>First ${s.sample.length} event(s)</h3>${table(EVENT_COLUMNS, s.sample)}</section>`;
}

function alerts(r: Report): string {
  const a = r.alertRecords;
  return `<section id="alerts"><h2>Alert records</h2><p>${num(a.count)} alert(s) overlapping the period; full list: <code>${esc(a.file)}</code>.</p>${table(
    ['id', 'rule', 'severity', 'status', 'first seen', 'last seen', 'events'],
    a.items
      .slice(0, 50)
      .map((x) => [
        x.id,
        `${x.ruleId} ${x.ruleTitle}`,
        x.severity,
        x.status,
        x.firstSeen,
        x.lastSeen,
        x.count,
      ]),
  )}</section>`;
}

const CSS = `body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#111;max-width:1000px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #1f6feb;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:12px;display:block;overflow-x:auto}
th,td{border:1px solid #cbd5e1;padding:2px 6px;text-align:left;vertical-align:top;word-break:break-word}
th{background:#f1f5f9}.req span{display:inline-block;background:#e0e7ff;border-radius:3px;padding:0 5px;margin-right:3px;font-family:monospace}
.ok{color:#166534;font-weight:bold}.fail{color:#b91c1c;font-weight:bold}.note{background:#fef9c3;padding:.4em}
.empty{color:#64748b}pre{white-space:pre-wrap;word-break:break-all;background:#f8fafc;padding:.5em;font-size:12px}
svg.chart{display:block;max-width:100%;height:auto;margin:.3em 0}
@media print{section{break-inside:avoid-page}}`;

export function renderHtml(r: Report): string {
  const sections = r.sections;
  const queries = table(
    ['id', 'log', 'rows', 'sha256', 'query'],
    r.queries.map((q) => [q.id, q.log, q.rows, q.sha256, q.query]),
  );
  const envelope = `<section id="envelope"><h2>Report</h2>${table(
    ['', ''],
    [
      ['report id', r.id],
      ['framework', `${r.framework.name} (${r.framework.id} ${r.framework.version})`],
      ['tenant', r.tenant],
      ['period', `${r.period.from} to ${r.period.to} (end exclusive)`],
      ['generated at', r.generatedAt],
      ['generator', `${r.generator.name} ${r.generator.version}`],
      ['events in the period', r.events],
    ],
  )}<p>The files of this report, with their SHA-256, are in the signed <code>manifest.json</code> beside this file: check them with <code>veritrail verify-report</code>.</p>
<h3>Queries</h3>${queries}</section>`;
  const summary = `<section id="summary"><h2>Sections</h2>${barChart(
    'events per section',
    sections.map((s) => ({ label: s.title, value: s.count })),
  )}${table(
    ['section', 'requirements', 'events'],
    sections.map((s) => [s.title, s.requirements.join(' '), s.count]),
  )}</section>`;
  const access = sections.find((s) => s.id === r.access.section);
  const accessPart = `<section id="access"><h2>Access to audit data</h2>${reqs(r.access.requirements)}<p>${access ? `${num(access.count)} access(es) to this tenant's audit log, listed in the section “${esc(access.title)}” (<code>${esc(access.file)}</code>).` : 'See the section on access to audit logs.'}</p></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${r.framework.name} report for ${r.tenant}`)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(r.framework.name)} report — ${esc(r.tenant)}</h1>
<p>${esc(r.period.from)} to ${esc(r.period.to)} · report <code>${esc(r.id)}</code></p></header>
${envelope}${summary}${coverage(r)}${completeness(r)}${integrity(r)}${time(r)}${retention(r)}${accessPart}
${sections.map((s) => section(s, r)).join('\n')}
${alerts(r)}
</body></html>
`;
}
