/**
 * Reports: generate a compliance report (POST /v1/reports, docs/reports.md) for the tenant and
 * a period, show its summary (events per section, integrity, alerts) and offer each file for
 * download as a Blob URL made in the page (no second request, no token in a link).
 */
import { errorBox, hideError, showError, type View } from '../context.js';
import { badge, h, replace, table } from '../dom.js';

interface Report {
  framework: { id: string; name: string; version: string };
  tenant: string;
  period: { from: string; to: string };
  events: number;
  sections: { id: string; title: string; count: number; requirements: string[] }[];
  integrity: { verification: { ok: boolean; size: number } | null };
  alertRecords: { count: number };
}
interface Answer {
  report: Report;
  files: Record<string, string>;
  binaryFiles: Record<string, string>;
}

const FRAMEWORKS = [
  ['soc2', 'SOC 2'],
  ['pci-dss', 'PCI DSS'],
  ['iso27001', 'ISO/IEC 27001'],
  ['hipaa', 'HIPAA'],
  ['nist-800-53', 'NIST SP 800-53'],
] as const;
const FORMATS = ['json', 'csv', 'html', 'pdf'] as const;

const TYPES: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv',
  html: 'text/html',
  pdf: 'application/pdf',
  txt: 'text/plain',
};
const typeOf = (name: string) => TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
const day = (d: Date) => d.toISOString().slice(0, 10);

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const reportsView: View = (ctx, root) => {
  const framework = h(
    'select',
    { name: 'framework', 'aria-label': 'Framework' },
    ...FRAMEWORKS.map(([v, label]) => h('option', { value: v }, label)),
  );
  const now = new Date();
  const from = h('input', {
    type: 'date',
    name: 'from',
    value: day(new Date(now.getTime() - 30 * 86400e3)),
    required: true,
  });
  const to = h('input', { type: 'date', name: 'to', value: day(now), required: true });
  const formats = FORMATS.map((f) =>
    h('input', { type: 'checkbox', name: 'format', value: f, checked: f !== 'pdf' }),
  );
  const verify = h('input', { type: 'checkbox', name: 'verify', checked: true });
  const submit = h('button', { type: 'submit' }, 'Generate report');
  const error = errorBox();
  const result = h('section', { class: 'report-result', 'aria-live': 'polite' });
  let urls: string[] = [];
  const revoke = () => {
    for (const u of urls) URL.revokeObjectURL(u);
    urls = [];
  };

  function render(a: Answer) {
    revoke();
    const r = a.report;
    const files = [
      ...Object.entries(a.files).map(([n, c]) => [n, new Blob([c], { type: typeOf(n) })] as const),
      ...Object.entries(a.binaryFiles).map(
        ([n, c]) => [n, new Blob([fromBase64(c)], { type: typeOf(n) })] as const,
      ),
    ].sort(([x], [y]) => x.localeCompare(y));
    const links = files.map(([name, blob]) => {
      const u = URL.createObjectURL(blob);
      urls.push(u);
      const base = name.split('/').pop() ?? name;
      return h(
        'li',
        {},
        h('a', { href: u, download: base, 'data-file': name }, name),
        h('span', { class: 'muted small' }, ` ${blob.size} bytes`),
      );
    });
    const v = r.integrity.verification;
    replace(
      result,
      h('h3', {}, `${r.framework.name} report for ${r.tenant}`),
      h(
        'p',
        {},
        `${r.period.from} to ${r.period.to} · ${r.events} events · ${r.alertRecords.count} alerts · integrity `,
        v === null
          ? badge('status', 'not_checked')
          : v.ok
            ? badge('verify', 'verified')
            : badge('verify', 'failed'),
      ),
      h(
        'div',
        { class: 'split even' },
        table(
          'sections',
          ['Section', 'Requirements', h('th', { class: 'num' }, 'Events')],
          h(
            'tbody',
            {},
            ...r.sections.map((s) =>
              h(
                'tr',
                {},
                h('td', {}, s.title),
                h('td', { class: 'small muted' }, s.requirements.join(', ')),
                h('td', { class: 'num' }, String(s.count)),
              ),
            ),
          ),
        ),
        h('div', {}, h('h4', {}, 'Files'), h('ul', { class: 'files' }, ...links)),
      ),
    );
  }

  const form = h(
    'form',
    {
      class: 'report-form',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void generate();
      },
    },
    h('label', {}, 'Framework', framework),
    h('label', {}, 'From', from),
    h('label', {}, 'To (included)', to),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Formats'),
      ...formats.map((c) => h('label', { class: 'toggle' }, c, ` ${c.value}`)),
    ),
    h('label', { class: 'toggle' }, verify, ' Verify the log'),
    submit,
  );

  async function generate() {
    hideError(error);
    submit.disabled = true;
    replace(result, h('p', { class: 'muted' }, 'Generating…'));
    try {
      const a = await ctx.api.json<Answer>(
        'POST',
        '/v1/reports',
        {},
        {
          framework: framework.value,
          ...(ctx.tenant() === undefined ? {} : { tenant: ctx.tenant() }),
          from: from.value,
          to: to.value,
          verify: verify.checked,
          formats: formats.filter((c) => c.checked).map((c) => c.value),
        },
      );
      ctx.learnTenant(a.report.tenant);
      render(a);
    } catch (err) {
      replace(result);
      showError(error, err);
    } finally {
      submit.disabled = false;
    }
  }

  replace(root, h('h2', {}, 'Reports'), form, error, result);
  return revoke;
};
