/**
 * The header's log head: the tenant's latest signed checkpoint (GET /v1/logs/{tenant}/checkpoint,
 * a C2SP signed note: origin, tree size, root hash). Admin sessions also get the list of logs
 * for the tenant picker, from the `veritrail_log_size` metric (admin token only).
 */
import { ApiError, type Api } from './api.js';
import { h, replace } from './dom.js';

export async function renderLogHead(
  api: Api,
  tenant: string | undefined,
  el: HTMLElement,
): Promise<void> {
  if (tenant === undefined) {
    replace(el, h('span', { class: 'muted' }, 'log: the key’s tenant'));
    return;
  }
  try {
    const note = await api.text(`/v1/logs/${encodeURIComponent(tenant)}/checkpoint`);
    const [origin = '', size = '', root = ''] = note.split('\n');
    replace(
      el,
      h('span', { class: 'muted' }, 'log '),
      h('strong', { 'data-log-size': size }, `${Number(size).toLocaleString('en')} entries`),
      h('span', { class: 'muted' }, ' · checkpoint '),
      h('code', { title: `${origin}\nroot hash ${root}` }, `${root.slice(0, 12)}…`),
    );
  } catch (e) {
    replace(
      el,
      h(
        'span',
        { class: 'muted' },
        e instanceof ApiError && e.status === 404
          ? `no log for ${tenant} yet`
          : 'log head unavailable',
      ),
    );
  }
}

/** The tenants that have a log, for the admin's tenant picker; [] when it cannot be read. */
export async function knownTenants(api: Api): Promise<string[]> {
  try {
    const text = await api.text('/metrics');
    const names = [...text.matchAll(/^veritrail_log_size\{tenant="([a-z0-9_-]+)"\}/gm)].map(
      (m) => m[1] ?? '',
    );
    return [...new Set(names)].filter((n) => n !== '').sort();
  } catch {
    return [];
  }
}
