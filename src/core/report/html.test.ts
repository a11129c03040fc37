import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { esc, renderHtml } from './html.js';
import { sampleReport } from './test-support/sample-report.js';

/** Every tag the renderer itself writes; anything else would have come from the data. */
const OUR_TAGS = new Set(
  'html head meta title style body header h1 h2 h3 h4 p span code pre strong table thead tbody tr th td section svg rect text'.split(
    ' ',
  ),
);

const OUR_ATTRS = new Set(
  'lang charset name content class id role aria-label viewBox width height xmlns x y fill font-size'.split(
    ' ',
  ),
);

/** Tag names of every element start tag in the document (after the doctype). */
function startTags(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
}

describe('renderHtml', () => {
  const { report } = sampleReport();
  const html = renderHtml(report);

  it('is one self-contained document: no scripts, nothing fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|@import|url\(/i);
    expect(html).toContain('<style>');
  });

  it('has every section with its requirement ids, and the envelope parts', () => {
    for (const s of report.sections) {
      const start = html.indexOf(`<section class="section" id="s-${s.id}">`);
      expect(start, s.id).toBeGreaterThan(0);
      const body = html.slice(start, html.indexOf('</section>', start));
      expect(body).toContain(`<h2>${esc(s.title)}</h2>`);
      for (const r of s.requirements) expect(body).toContain(`<span>${esc(r)}</span>`);
    }
    for (const id of [
      'envelope',
      'coverage',
      'completeness',
      'integrity',
      'time',
      'retention',
      'access',
    ])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain(report.id);
    for (const q of report.queries) {
      expect(html).toContain(q.sha256);
      expect(html).toContain(esc(q.query));
    }
    expect(html).toContain(esc(report.integrity.checkpoint!.note));
  });

  it('draws the charts as inline SVG, the silent source with its gap days shaded', () => {
    const svgs = html.match(/<svg /g) ?? [];
    // One per source, the section summary, the skew percentiles, one per non-empty section.
    const expected =
      report.coverage.sources.length +
      2 +
      report.sections.filter((s) => s.byAction.length > 0).length;
    expect(svgs.length).toBe(expected);
    const gapDays = report.coverage.sources.reduce(
      (n, s) => n + s.gaps.reduce((m, g) => m + g.days, 0),
      0,
    );
    expect(gapDays).toBeGreaterThan(0);
    expect(html.match(/class="gap"/g)?.length).toBe(gapDays);
  });

  it('escapes every value from the data: random strings never add a tag or attribute', () => {
    const baseline = startTags(html).length;
    const baseTags = startTags(renderHtml(sampleReport({ perSourceDay: 1 }).report));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(
              '<script>x</script>',
              '"><b x="',
              "'",
              '&amp;',
              '</td></tr>',
              '<svg onload=1>',
            ),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (strings) => {
          const pick = (i: number) => strings[i % strings.length]!;
          const { report: r } = sampleReport({
            perSourceDay: 1,
            edit: (e, i) => ({
              ...e,
              action: `${e.action}${pick(i)}`,
              actor: { ...e.actor, id: pick(i + 1), name: pick(i + 2), roles: [pick(i + 3)] },
              observer: { ...e.observer, service: pick(i % 2) },
              targets: [{ id: pick(i + 4), type: pick(i + 5), data_class: ['pii'] }],
              reason: pick(i + 6),
            }),
          });
          const out = renderHtml(r).replace('<!doctype html>', '');
          // Every markup token is one of our elements with only our attributes, each value
          // quoted and free of quotes and angle brackets...
          const tag = /<\/?([a-z0-9]+)((?:\s+[a-zA-Z-]+="[^"<>]*")*)\s*\/?>/g;
          for (const m of out.matchAll(tag)) {
            expect(OUR_TAGS.has(m[1]!), m[0]).toBe(true);
            // Whole name="value" pairs: a value may itself end in `=` (regression: `A=`).
            for (const a of m[2]!.matchAll(/\s+([a-zA-Z-]+)="[^"<>]*"/g))
              expect(OUR_ATTRS.has(a[1]!), m[0]).toBe(true);
          }
          // ...and outside them no `<` or `>` is left: data text is all escaped.
          const text = out.replace(tag, '');
          expect(text).not.toMatch(/[<>]/);
          expect(startTags(out).length).toBe([...out.matchAll(/<[a-z]/g)].length);
          return true;
        },
      ),
      { numRuns: 40 },
    );
    expect(baseline).toBeGreaterThan(0);
    expect(baseTags.length).toBeGreaterThan(0);
  });

  it('charts at most 40 sources and says how many more are in coverage.csv', () => {
    const { report: many } = sampleReport({
      edit: (e, i) => ({ ...e, observer: { ...e.observer, service: `svc-${i % 100}` } }),
    });
    expect(many.coverage.sources.length).toBe(100);
    const out = renderHtml(many);
    expect(out.match(/aria-label="events per day from /g)?.length).toBe(40);
    expect(out).toContain('60 more source(s) not charted');
  });

  it('escapes the five HTML metacharacters', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
