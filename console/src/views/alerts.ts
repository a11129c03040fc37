/**
 * Alerts: the tenant's alerts, newest first, filtered by status; an alert's detail with its
 * history, and acknowledge / resolve / reopen with a note (PATCH /v1/alerts/{id}).
 */
import { errorBox, hideError, showError, type View } from '../context.js';
import { badge, h, replace, table, time } from '../dom.js';

type Status = 'open' | 'acknowledged' | 'resolved';
interface Alert {
  id: string;
  rule_title: string;
  severity: string;
  group_key: string;
  status: Status;
  first_seen: string;
  last_seen: string;
  count: number;
  summary: string;
  history: { status: string; by: string; at: string; note: string | null }[];
}
interface Page {
  alerts: Alert[];
  next_cursor: string | null;
}

/** The changes the API allows from each status (docs/api.md "Alerts and rules"). */
const NEXT: Record<Status, readonly [Status, string][]> = {
  open: [
    ['acknowledged', 'Acknowledge'],
    ['resolved', 'Resolve'],
  ],
  acknowledged: [
    ['resolved', 'Resolve'],
    ['open', 'Reopen'],
  ],
  resolved: [['open', 'Reopen']],
};

export const alertsView: View = (ctx, root) => {
  const filter = h(
    'select',
    { name: 'status', 'aria-label': 'Status' },
    ...[
      ['', 'All statuses'],
      ['open', 'Open'],
      ['acknowledged', 'Acknowledged'],
      ['resolved', 'Resolved'],
    ].map(([v, label]) => h('option', { value: v ?? '' }, label ?? '')),
  );
  const error = errorBox();
  const tbody = h('tbody');
  const status = h('p', { class: 'muted status' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const detail = h('aside', { class: 'detail', hidden: true, 'aria-label': 'Alert detail' });
  let cursor: string | null = null;
  let generation = 0;
  let selected: string | undefined;

  const row = (a: Alert) =>
    h(
      'tr',
      {
        class: a.id === selected ? 'alert selected' : 'alert',
        tabindex: 0,
        'data-id': a.id,
        onclick: () => show(a),
        onkeydown: (ev: Event) => {
          if ((ev as KeyboardEvent).key === 'Enter') show(a);
        },
      },
      h('td', {}, badge('severity', a.severity)),
      h('td', {}, h('div', {}, a.rule_title), h('div', { class: 'muted small' }, a.summary)),
      h('td', { class: 'mono small' }, a.group_key),
      h('td', { class: 'num' }, String(a.count)),
      h('td', {}, time(a.last_seen)),
      h('td', { class: 'alert-status' }, badge('status', a.status)),
    );

  function show(a: Alert) {
    selected = a.id;
    for (const tr of tbody.querySelectorAll('tr'))
      tr.classList.toggle('selected', tr.getAttribute('data-id') === a.id);
    detail.hidden = false;
    const note = h('textarea', {
      name: 'note',
      rows: 3,
      maxlength: 1000,
      placeholder: 'Note (optional): what was checked, who decided',
    });
    const boxErr = errorBox();
    const act = async (to: Status) => {
      hideError(boxErr);
      try {
        const r = await ctx.api.json<{ alert: Alert }>(
          'PATCH',
          `/v1/alerts/${encodeURIComponent(a.id)}`,
          {},
          { status: to, ...(note.value.trim() === '' ? {} : { note: note.value.trim() }) },
        );
        const tr = tbody.querySelector(`tr[data-id="${CSS.escape(a.id)}"]`);
        tr?.replaceWith(row(r.alert));
        show(r.alert);
      } catch (err) {
        showError(boxErr, err);
      }
    };
    replace(
      detail,
      h(
        'header',
        {},
        h('h3', {}, a.rule_title),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => (detail.hidden = true) },
          'Close',
        ),
      ),
      h('p', {}, badge('severity', a.severity), ' ', badge('status', a.status)),
      h('p', {}, a.summary),
      h(
        'dl',
        {},
        h('dt', {}, 'id'),
        h('dd', { class: 'mono' }, a.id),
        h('dt', {}, 'group'),
        h('dd', { class: 'mono' }, a.group_key),
        h('dt', {}, 'events'),
        h('dd', {}, String(a.count)),
        h('dt', {}, 'first seen'),
        h('dd', {}, time(a.first_seen)),
        h('dt', {}, 'last seen'),
        h('dd', {}, time(a.last_seen)),
      ),
      h('h4', {}, 'History'),
      h(
        'ol',
        { class: 'history' },
        ...a.history.map((x) =>
          h(
            'li',
            {},
            badge('status', x.status),
            ' by ',
            h('span', { class: 'mono' }, x.by),
            ' at ',
            time(x.at),
            x.note ? h('div', { class: 'note' }, x.note) : null,
          ),
        ),
      ),
      note,
      h(
        'div',
        { class: 'actions' },
        ...NEXT[a.status].map(([to, label]) =>
          h('button', { type: 'button', 'data-to': to, onclick: () => void act(to) }, label),
        ),
      ),
      boxErr,
    );
  }

  async function load(reset: boolean) {
    const mine = ++generation;
    hideError(error);
    if (reset) cursor = null;
    status.textContent = 'Loading…';
    try {
      const page = await ctx.api.json<Page>('GET', '/v1/alerts', {
        tenant: ctx.tenant(),
        status: filter.value,
        limit: 50,
        cursor: cursor ?? undefined,
      });
      if (mine !== generation) return;
      if (reset) replace(tbody);
      for (const a of page.alerts) tbody.appendChild(row(a));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      const n = tbody.rows.length;
      status.textContent =
        n === 0 ? 'No alerts.' : `${n} alert${n === 1 ? '' : 's'}, newest first.`;
    } catch (err) {
      if (mine !== generation) return;
      status.textContent = '';
      showError(error, err);
    }
  }

  filter.addEventListener('change', () => void load(true));
  more.addEventListener('click', () => void load(false));
  replace(
    root,
    h('h2', {}, 'Alerts'),
    h(
      'div',
      { class: 'toolbar' },
      filter,
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => void load(true) },
        'Refresh',
      ),
    ),
    error,
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        { class: 'results' },
        table('alerts', ['Severity', 'Alert', 'Group', 'Count', 'Last seen', 'Status'], tbody),
        status,
        more,
      ),
      detail,
    ),
  );
  void load(true);
};
