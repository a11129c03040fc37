/** Sources: each `observer.service` of the tenant with its health (docs/source-health.md). */
import { errorBox, showError, type View } from '../context.js';
import { badge, h, replace, table, time } from '../dom.js';

interface Source {
  service: string;
  last_seen: string | null;
  last_received: string | null;
  count: number;
  last_observer_seq: number | null;
  expected_every: string | null;
  status: string;
}

export const sourcesView: View = (ctx, root) => {
  const error = errorBox();
  const tbody = h('tbody');
  const status = h('p', { class: 'muted status' }, 'Loading…');
  replace(
    root,
    h('h2', {}, 'Sources'),
    error,
    table(
      'sources',
      [
        'Service',
        'Status',
        'Last event',
        'Last received',
        'Expected every',
        'Events',
        'Last observer seq',
      ],
      tbody,
    ),
    status,
  );
  ctx.api
    .json<{ sources: Source[] }>('GET', '/v1/sources', { tenant: ctx.tenant() })
    .then(({ sources }) => {
      for (const s of sources) {
        tbody.appendChild(
          h(
            'tr',
            { 'data-service': s.service },
            h('td', { class: 'mono' }, s.service),
            h('td', {}, badge('source', s.status)),
            h('td', {}, time(s.last_seen)),
            h('td', {}, time(s.last_received)),
            h('td', {}, s.expected_every ?? h('span', { class: 'muted' }, 'not set')),
            h('td', { class: 'num' }, String(s.count)),
            h(
              'td',
              { class: 'num' },
              s.last_observer_seq === null ? '—' : String(s.last_observer_seq),
            ),
          ),
        );
      }
      status.textContent = sources.length === 0 ? 'No sources have sent events yet.' : '';
    })
    .catch((err: unknown) => {
      status.textContent = '';
      showError(error, err);
    });
};
