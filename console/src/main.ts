/**
 * The Veritrail web console (docs/console.md): sign in with the admin token or an API key, then
 * events, alerts, reports and sources of one tenant, all through the public HTTP API.
 */
import { Api, ApiError } from './api.js';
import { errorBox, showError, type Ctx, type View } from './context.js';
import { h, replace } from './dom.js';
import { knownTenants, renderLogHead } from './header.js';
import { clearSession, kindOf, loadSession, saveSession, type Session } from './session.js';
import { alertsView } from './views/alerts.js';
import { eventsView } from './views/events.js';
import { reportsView } from './views/reports.js';
import { sourcesView } from './views/sources.js';

const ROUTES: Record<string, readonly [string, View]> = {
  events: ['Events', eventsView],
  alerts: ['Alerts', alertsView],
  reports: ['Reports', reportsView],
  sources: ['Sources', sourcesView],
};
const TENANT = /^(?:[a-z0-9][a-z0-9_-]{0,62}|_system)$/;

const app = document.getElementById('app') as HTMLElement;
let stopView: (() => void) | undefined;
let stopShell: (() => void) | undefined;

function routeOf(hash: string): string {
  const name = hash.replace(/^#\/?/, '');
  return name in ROUTES ? name : 'events';
}

function login(message?: string): void {
  stopShell?.();
  const token = h('input', {
    type: 'password',
    name: 'token',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'vta_… or vt_…',
  });
  const tenant = h('input', {
    type: 'text',
    name: 'tenant',
    placeholder: 'optional',
    autocomplete: 'off',
  });
  const error = errorBox();
  const submit = h('button', { type: 'submit' }, 'Sign in');
  if (message) {
    error.hidden = false;
    error.textContent = message;
  }
  const form = h(
    'form',
    {
      class: 'login',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void signIn(token.value.trim(), tenant.value.trim(), error, submit);
      },
    },
    h('h1', {}, 'Veritrail'),
    h(
      'p',
      { class: 'muted' },
      'Sign in with the admin token (printed by ',
      h('code', {}, 'veritrail serve'),
      ' on its first start) or an API key.',
    ),
    h('label', {}, 'Token', token),
    h('label', {}, 'Tenant', tenant),
    error,
    submit,
    h(
      'p',
      { class: 'muted small' },
      'The token is kept in this tab only (sessionStorage) and sent to this server’s API only.',
    ),
  );
  replace(app, form);
  token.focus();
}

async function signIn(
  token: string,
  tenant: string,
  error: HTMLElement,
  submit: HTMLButtonElement,
) {
  if (tenant !== '' && !TENANT.test(tenant)) {
    showError(
      error,
      new Error(`"${tenant}" is not a tenant name (lowercase letters, digits, - and _)`),
    );
    return;
  }
  submit.disabled = true;
  const api = new Api(token);
  try {
    await api.json('GET', '/v1/rules'); // any valid token may read it: checks the token only
    const kind = kindOf(token);
    let chosen = tenant;
    if (chosen === '' && kind === 'admin') {
      chosen = (await knownTenants(api)).find((t) => t !== '_system') ?? 'default';
    }
    const session: Session = { token, kind, tenant: chosen };
    saveSession(session);
    shell(session);
  } catch (e) {
    showError(
      error,
      e instanceof ApiError && e.status === 401
        ? new ApiError(401, e.code, 'the token is unknown or revoked')
        : e,
    );
  } finally {
    submit.disabled = false;
  }
}

function logout(): void {
  clearSession();
  stopView?.();
  stopView = undefined;
  history.replaceState(null, '', location.pathname);
  login();
}

function shell(session: Session): void {
  const api = new Api(session.token);
  const head = h('div', { class: 'loghead', 'aria-label': 'Log head' });
  const tenantInput = h('input', {
    type: 'text',
    name: 'tenant',
    list: 'tenants',
    value: session.tenant,
    placeholder: session.kind === 'key' ? 'the key’s tenant' : 'default',
    'aria-label': 'Tenant',
    autocomplete: 'off',
  });
  const tenants = h('datalist', { id: 'tenants' });
  const nav = h('nav', {});
  const main = h('main', {});
  const ctx: Ctx = {
    api,
    session,
    tenant: () => (session.tenant === '' ? undefined : session.tenant),
    learnTenant: (t) => {
      if (session.tenant === '' && tenantInput.placeholder !== t) {
        tenantInput.placeholder = t;
        void renderLogHead(api, t, head);
      }
    },
  };

  function render() {
    stopView?.();
    const name = routeOf(location.hash);
    replace(
      nav,
      ...Object.entries(ROUTES).map(([r, [label]]) =>
        h('a', { href: `#/${r}`, 'aria-current': r === name ? 'page' : undefined }, label),
      ),
    );
    const view = ROUTES[name]?.[1] ?? eventsView;
    stopView = view(ctx, main) ?? undefined;
  }

  tenantInput.addEventListener('change', () => {
    const t = tenantInput.value.trim();
    if (t !== '' && !TENANT.test(t)) {
      tenantInput.setCustomValidity('not a tenant name');
      tenantInput.reportValidity();
      return;
    }
    tenantInput.setCustomValidity('');
    session.tenant = t;
    saveSession(session);
    void renderLogHead(api, ctx.tenant(), head);
    render();
  });

  replace(
    app,
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'Veritrail'),
      nav,
      h('label', { class: 'tenant' }, 'Tenant ', tenantInput, tenants),
      head,
      h('span', { class: 'who muted small' }, session.kind === 'admin' ? 'admin token' : 'API key'),
      h('button', { type: 'button', class: 'secondary', onclick: logout }, 'Log out'),
    ),
    main,
  );
  window.addEventListener('hashchange', render);
  stopShell = () => window.removeEventListener('hashchange', render);
  if (session.kind === 'admin') {
    void knownTenants(api).then((names) =>
      replace(tenants, ...names.map((n) => h('option', { value: n }))),
    );
  }
  void renderLogHead(api, ctx.tenant(), head);
  render();
}

const saved = loadSession();
if (saved) shell(saved);
else login();
