/**
 * Events: search with the query language (docs/query-language.md), newest first, keyset
 * pagination ("Load more"), an event's detail with its seq and leaf hash, and a live mode that
 * follows GET /v1/stream and puts new matching events on top.
 */
import type { SseMessage } from '../sse.js';
import { errorBox, hideError, showError, type View } from '../context.js';
import { badge, h, replace, table, time } from '../dom.js';

interface Target {
  id?: string;
  type?: string;
  name?: string;
}
export interface StoredEvent {
  id: string;
  tenant: string;
  seq: number;
  action: string;
  outcome?: string;
  occurred_at: string;
  actor?: { id?: string; name?: string };
  targets?: Target[];
  observer?: { service?: string };
}
interface Page {
  events: StoredEvent[];
  next_cursor: string | null;
}
interface Detail {
  event: StoredEvent | null;
  seq: number;
  leaf_hash: string;
  purged: boolean;
}

const RANGES: readonly (readonly [string, string, number | null])[] = [
  ['1h', 'Last hour', 3600e3],
  ['24h', 'Last 24 hours', 86400e3],
  ['7d', 'Last 7 days', 7 * 86400e3],
  ['30d', 'Last 30 days', 30 * 86400e3],
  ['all', 'All time', null],
];

const targetText = (e: StoredEvent) =>
  (e.targets ?? []).map((t) => [t.type, t.name ?? t.id].filter(Boolean).join(' ')).join(', ');

export const eventsView: View = (ctx, root) => {
  const q = h('input', {
    type: 'search',
    name: 'q',
    class: 'query',
    placeholder: 'outcome:failure actor.id:alice action:invoice.*',
    'aria-label': 'Query',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const range = h(
    'select',
    { name: 'range', 'aria-label': 'Time range' },
    ...RANGES.map(([v, label]) => h('option', { value: v, selected: v === '7d' }, label)),
  );
  const live = h('input', { type: 'checkbox', name: 'live' });
  const error = errorBox();
  const status = h('p', { class: 'muted status' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const detail = h('aside', { class: 'detail', hidden: true, 'aria-label': 'Event detail' });

  let cursor: string | null = null;
  let shownQuery = '';
  let shownSince: string | undefined;
  let shown = 0;
  let generation = 0; // a newer search wins over an older answer
  let following: AbortController | undefined;

  const row = (e: StoredEvent, fresh = false) =>
    h(
      'tr',
      {
        class: fresh ? 'event new' : 'event',
        tabindex: 0,
        'data-seq': e.seq,
        onclick: () => void open(e),
        onkeydown: (ev: Event) => {
          if ((ev as KeyboardEvent).key === 'Enter') void open(e);
        },
      },
      h('td', {}, time(e.occurred_at)),
      h('td', { class: 'mono' }, e.action),
      h('td', {}, e.actor?.name ?? e.actor?.id ?? ''),
      h('td', {}, e.outcome ? badge('outcome', e.outcome) : ''),
      h('td', {}, targetText(e)),
      h('td', {}, e.observer?.service ?? ''),
    );

  async function open(e: StoredEvent) {
    detail.hidden = false;
    replace(detail, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const d = await ctx.api.json<Detail>('GET', `/v1/events/${encodeURIComponent(e.id)}`, {
        tenant: e.tenant,
      });
      replace(
        detail,
        h(
          'header',
          {},
          h('h3', {}, `Event seq ${d.seq}`),
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => (detail.hidden = true) },
            'Close',
          ),
        ),
        h(
          'dl',
          {},
          h('dt', {}, 'id'),
          h('dd', { class: 'mono' }, e.id),
          h('dt', {}, 'seq'),
          h('dd', { class: 'mono seq' }, String(d.seq)),
          h('dt', {}, 'leaf hash'),
          h('dd', { class: 'mono hash' }, d.leaf_hash),
        ),
        d.purged
          ? h('p', { class: 'muted' }, 'This entry was purged: its leaf stays in the log.')
          : h('pre', { class: 'json' }, JSON.stringify(d.event, null, 2)),
      );
    } catch (err) {
      replace(detail);
      const box = errorBox();
      detail.appendChild(box);
      showError(box, err);
    }
  }

  async function load(reset: boolean) {
    const mine = ++generation;
    hideError(error);
    if (reset) {
      cursor = null;
      shownQuery = q.value.trim();
      const span = RANGES.find(([v]) => v === range.value)?.[2] ?? null;
      shownSince = span === null ? undefined : new Date(Date.now() - span).toISOString();
    }
    status.textContent = 'Searching…';
    try {
      const page = await ctx.api.json<Page>('GET', '/v1/events', {
        tenant: ctx.tenant(),
        q: shownQuery,
        since: shownSince,
        limit: 50,
        cursor: cursor ?? undefined,
      });
      if (mine !== generation) return;
      if (reset) {
        replace(tbody);
        shown = 0;
      }
      for (const e of page.events) tbody.appendChild(row(e));
      shown += page.events.length;
      const first = page.events[0];
      if (first) ctx.learnTenant(first.tenant);
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      status.textContent =
        shown === 0
          ? 'No events match.'
          : `${shown} event${shown === 1 ? '' : 's'} shown, newest first.`;
    } catch (err) {
      if (mine !== generation) return;
      status.textContent = '';
      if (reset) replace(tbody);
      more.hidden = true;
      showError(error, err, shownQuery);
    }
  }

  function onLive(m: SseMessage) {
    if (m.event !== 'message') return;
    const e = JSON.parse(m.data) as StoredEvent;
    tbody.insertBefore(row(e, true), tbody.firstChild);
    shown += 1;
  }

  function follow(on: boolean) {
    following?.abort();
    following = undefined;
    if (!on) return;
    const ac = new AbortController();
    following = ac;
    ctx.api
      .stream({ tenant: ctx.tenant(), q: q.value.trim() }, ac.signal, onLive)
      .catch((err: unknown) => {
        if (ac.signal.aborted) return;
        live.checked = false;
        showError(error, err, q.value.trim());
      });
  }

  const form = h(
    'form',
    {
      class: 'toolbar',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void load(true);
        if (live.checked) follow(true);
      },
    },
    q,
    range,
    h('button', { type: 'submit' }, 'Search'),
    h('label', { class: 'toggle', title: 'Follow new events as they are appended' }, live, ' Live'),
  );
  live.addEventListener('change', () => follow(live.checked));

  replace(
    root,
    h('h2', {}, 'Events'),
    form,
    error,
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        { class: 'results' },
        table('events', ['Time', 'Action', 'Actor', 'Outcome', 'Target', 'Service'], tbody),
        status,
        more,
      ),
      detail,
    ),
  );
  more.addEventListener('click', () => void load(false));
  void load(true);
  return () => following?.abort();
};
